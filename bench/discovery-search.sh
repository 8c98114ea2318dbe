#!/usr/bin/env bash
# Search latency on a seeded database: seeds N stories into a temporary database (SQLite file, or a
# PostgreSQL database when PROVIDER=Postgres and PG is a server connection string), starts Byline in
# Release on PORT, sends QUERIES one- to three-word searches through HTTP one at a time and prints p50/p95.
#   bash bench/discovery-search.sh                      # SQLite, 100,000 stories
#   PROVIDER=Postgres PG="Host=127.0.0.1;Port=5490;Username=postgres" bash bench/discovery-search.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
PORT=${PORT:-5150}
QUERIES=${QUERIES:-200}
PROVIDER=${PROVIDER:-Sqlite}
WORK=$(mktemp -d /tmp/byline-bench.XXXXXX)
if [ "$PROVIDER" = Postgres ]; then
  DBNAME=bench_$(basename "$WORK" | tr -dc 'a-z0-9')
  psql "$(echo "$PG" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/') dbname=postgres" -qc "CREATE DATABASE $DBNAME" >/dev/null
  CONN="$PG;Database=$DBNAME"
else
  CONN="Data Source=$WORK/byline.db"
fi
export Byline__Database__Provider=$PROVIDER ConnectionStrings__Byline="$CONN" Byline__DemoContent=false Byline__Media__Path=$WORK/media
cleanup() {
  [ -n "${APP:-}" ] && kill "$APP" 2>/dev/null || true
  if [ "$PROVIDER" = Postgres ]; then
    psql "$(echo "$PG" | sed 's/;/ /g; s/Host=/host=/; s/Port=/port=/; s/Username=/user=/') dbname=postgres" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
dotnet build src/Byline -c Release -nologo -v quiet -clp:ErrorsOnly
echo "== seeding $N stories ($PROVIDER)"
start=$(date +%s.%N)
dotnet run --project src/Byline -c Release --no-build -- seed --articles "$N" | tail -n 1
echo "seed including index rebuild: $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
dotnet run --project src/Byline -c Release --no-build -- search rebuild | tail -n 1
echo "search rebuild alone: $(echo "$(date +%s.%N) - $start" | bc) s"
dotnet run --project src/Byline -c Release --no-build -- --urls "http://127.0.0.1:$PORT" >"$WORK/app.log" 2>&1 &
APP=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.5; done
python3 - "$PORT" "$QUERIES" <<'PY'
import random, sys, time, urllib.parse, urllib.request
port, n = int(sys.argv[1]), int(sys.argv[2])
words = ("minister budget election court police water farmers monsoon cricket policy cabinet strike market school health "
         "hospital rail flood protest council talks funding housing energy tax bank inflation opposition reform storm "
         "football coach series border trade export union metro airport doctors prices").split()
rng = random.Random(7)
queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(n)]
def get(q):
    t = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=" + urllib.parse.quote(q)) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body.count(b'class="story-card search-result"')
for q in queries[:20]:
    get(q)  # warm-up
times, found = [], 0
for q in queries:
    ms, hits = get(q)
    times.append(ms); found += hits > 0
times.sort()
pick = lambda p: times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
print(f"{n} queries: p50 {pick(50):.1f} ms, p95 {pick(95):.1f} ms, max {times[-1]:.1f} ms; {found} with results")
PY
