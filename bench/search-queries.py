# One- to three-word searches through HTTP, one at a time, against a running Byline; prints p50/p95/max.
# With the server's PID it also prints the server's CPU time per query, which a busy machine does not
# inflate the way it inflates wall-clock latency (bench/discovery.md).
#   python3 bench/search-queries.py PORT [QUERIES] [SERVER_PID]
import os, random, sys, time, urllib.parse, urllib.request
port, n = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200
pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
def cpu_seconds():
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
words = ("minister budget election court police water farmers monsoon cricket policy cabinet strike market school health "
         "hospital rail flood protest council talks funding housing energy tax bank inflation opposition reform storm "
         "football coach series border trade export union metro airport doctors prices").split()
rng = random.Random(7)
queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(n)]
def get(q):
    t = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=" + urllib.parse.quote(q), timeout=120) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body.count(b'class="story-card search-result"')
for q in queries[:20]:
    get(q)  # warm-up
times, found, by_words = [], 0, {1: [], 2: [], 3: []}
cpu0, wall0 = cpu_seconds(), time.perf_counter()
for q in queries:
    ms, hits = get(q)
    times.append(ms); found += hits > 0; by_words[len(q.split())].append(ms)
def pick(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
cpu, wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
print(f"{n} queries: p50 {pick(times, 50):.1f} ms, p95 {pick(times, 95):.1f} ms, max {max(times):.1f} ms; {found} with results" + (f"; server CPU {cpu * 1000 / n:.1f} ms per query ({cpu / wall * 100:.0f} % of one core while measuring)" if pid else ""))
for k, xs in by_words.items():
    if xs:
        print(f"  {k} word(s): {len(xs)} queries, p50 {pick(xs, 50):.1f} ms, p95 {pick(xs, 95):.1f} ms")
