#!/usr/bin/env python3
"""Newsroom tag list at 100,000 tags: the query shapes of /newsroom/tags before and after paging.

Before: name or address *contains* the search, ordered by name, first 100 (no count, no paging).
After:  address *starts with* the search as a range over the unique slug index, a count over the same
        range, ordered by slug, 50 a page (page 1 and a deep page).
Both run on one SQLite file with the Tags table and index of the Byline schema, alternated, in the
same process; medians and p95 over RUNS runs of each. Usage: python3 bench/structure-lists.py [tags] [runs]
"""
import os, sqlite3, statistics, sys, tempfile, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 200

path = os.path.join(tempfile.mkdtemp(prefix="byline-lists-"), "tags.db")
db = sqlite3.connect(path)
db.executescript("""
PRAGMA journal_mode=WAL;
CREATE TABLE "Tags" ("Id" INTEGER PRIMARY KEY AUTOINCREMENT, "Slug" TEXT NOT NULL, "Name" TEXT NOT NULL, "Description" TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX "IX_Tags_Slug" ON "Tags" ("Slug");
""")
words = ["budget", "cricket", "election", "flood", "monsoon", "minister", "court", "markets", "health", "schools",
         "transport", "weather", "football", "tennis", "climate", "energy", "housing", "police", "science", "space"]
rows = []
for i in range(N):
    a, b = words[i % len(words)], words[(i // len(words)) % len(words)]
    rows.append((f"{a}-{b}-{i}", f"{a.title()} {b} {i}"))
db.executemany('INSERT INTO "Tags" ("Slug", "Name") VALUES (?, ?)', rows)
db.commit()
db.execute("ANALYZE")

def timed(sql, args):
    t = time.perf_counter()
    db.execute(sql, args).fetchall()
    return (time.perf_counter() - t) * 1000

cases = {
    "before: contains 'minister', by name, 100": ('SELECT * FROM "Tags" WHERE instr("Name", ?) > 0 OR instr("Slug", ?) > 0 ORDER BY "Name" LIMIT 100', ("minister", "minister")),
    "before: no search, by name, 100": ('SELECT * FROM "Tags" ORDER BY "Name" LIMIT 100', ()),
    "after: count 'minister' range": ('SELECT COUNT(*) FROM "Tags" WHERE "Slug" >= ? AND "Slug" < ?', ("minister", "ministes")),
    "after: 'minister' range, page 1 of 50": ('SELECT * FROM "Tags" WHERE "Slug" >= ? AND "Slug" < ? ORDER BY "Slug" LIMIT 50 OFFSET 0', ("minister", "ministes")),
    "after: count all": ('SELECT COUNT(*) FROM "Tags"', ()),
    "after: no search, page 1 of 50": ('SELECT * FROM "Tags" ORDER BY "Slug" LIMIT 50 OFFSET 0', ()),
    "after: no search, page 1,000 of 50": ('SELECT * FROM "Tags" ORDER BY "Slug" LIMIT 50 OFFSET 49950', ()),
}
for sql, args in cases.values():
    for _ in range(10):
        timed(sql, args)
results = {name: [] for name in cases}
for _ in range(RUNS):
    for name, (sql, args) in cases.items():
        results[name].append(timed(sql, args))

print(f"SQLite {sqlite3.sqlite_version}, {N:,} tags, {RUNS} runs each, alternated; load average {os.getloadavg()[0]:.1f}")
print("| query | median ms | p95 ms | plan |")
print("| --- | ---: | ---: | --- |")
for name, (sql, args) in cases.items():
    plan = "; ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())
    xs = sorted(results[name])
    print(f"| {name} | {statistics.median(xs):.2f} | {xs[int(len(xs) * 0.95) - 1]:.2f} | {plan} |")
