#!/usr/bin/env bash
# bench/stats-ab.sh — one build, two copies of one SQLite database that differ only in their planner
# statistics (e.g. as left by a row-limited analysis vs after a full ANALYZE), output cache off,
# article and home alternated with wrk in one run under the bench lock. See bench/wordpress.md.
#
#   DB_A=bench/.work/bench-100000.db DB_B=bench/.work/bench-100000-analysed.db SKIP_BUILD=1 bash bench/stats-ab.sh
#
# Env: DB_A DB_B (required) SKIP_BUILD=1 THREADS (2) CONNS (32) DURATION (10s) ROUNDS (2)
#      PORT_A (5152) PORT_B (5153) BENCH_LOCK (/tmp/byline-bench.lock; empty: none) LOCK_WAIT (900)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
source "$BENCH/caching-lib.sh"
[ -f "${DB_A:-}" ] && [ -f "${DB_B:-}" ] || die "set DB_A and DB_B to two SQLite files"
THREADS="${THREADS:-2}"; CONNS="${CONNS:-32}"; DURATION="${DURATION:-10s}"; ROUNDS="${ROUNDS:-2}"
PORT_A="${PORT_A:-5152}"; PORT_B="${PORT_B:-5153}"
BENCH_LOCK="${BENCH_LOCK-/tmp/byline-bench.lock}"; LOCK_WAIT="${LOCK_WAIT:-900}"
trap stop_started EXIT
trap 'exit 130' INT TERM
need_cmds wrk:wrk curl:curl
TS="$(date -u +%Y%m%dT%H%M%SZ)"; OUT="$WORK/runs/$TS-stats-ab"; mkdir -p "$OUT"
build_app
for db in "$DB_A" "$DB_B"; do
  echo "$(basename "$db"): $(sqlite3 -readonly "$db" "SELECT stat FROM sqlite_stat1 WHERE idx = 'IX_Articles_Status_ModifiedAt'" 2>/dev/null)"
done
start_site "$PORT_A" "$DB_A" "$OUT/site-a.log" Byline__Cache__Enabled=false
start_site "$PORT_B" "$DB_B" "$OUT/site-b.log" Byline__Cache__Enabled=false
ARTICLE="$(first_article_path "http://127.0.0.1:$PORT_A" || true)"; [ -n "$ARTICLE" ] || die "no article link on :$PORT_A"
for p in "$PORT_A" "$PORT_B"; do
  for page in "$ARTICLE" /; do wrk -t2 -c2 -d5s "http://127.0.0.1:$p$page" >/dev/null 2>&1 || true; done
done
if [ -n "$BENCH_LOCK" ]; then exec 9>"$BENCH_LOCK"; flock -w "$LOCK_WAIT" 9 || die "bench lock still held after ${LOCK_WAIT}s"; fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| round | database | page | req/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---:|---:|---:|---|"
for round in $(seq 1 "$ROUNDS"); do
  order=("A:$PORT_A:$DB_A" "B:$PORT_B:$DB_B")
  (( round % 2 == 0 )) && order=("${order[1]}" "${order[0]}")
  for o in "${order[@]}"; do
    IFS=: read -r label port db <<<"$o"
    for page in "$ARTICLE" /; do
      row="$(wrk_run "$page" "http://127.0.0.1:$port$page" "$OUT/$label-r$round-${#page}.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s)"
      echo "| $round | $label $(basename "$db") | ${row//|/ | } |"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
