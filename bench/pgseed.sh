#!/usr/bin/env bash
# bench/pgseed.sh — times `seed --articles N` into a fresh PostgreSQL database and breaks the run
# into phases by sampling the server every second (pg_stat_activity, pg_stat_progress_create_index)
# and the CPU of the seed process and of the server's backends.
#
#   PG="Host=127.0.0.1;Port=5448;Username=postgres" N=1000000 bash bench/pgseed.sh
#
# BENCH_APP: the published build to run (default bench/.work/app; built when missing).
# The database `pgseed<N>` is dropped and created again; samples go to bench/.work/pgseed-<N>.samples.
# Take it under `flock /tmp/byline-bench.lock` on the shared machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap stop_started EXIT

N="${N:-100000}"
PG="${PG:?PG=Host=…;Port=…;Username=… (a server of your own)}"
PGPORT="$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$PG")"
DBNAME="pgseed$N"
SAMPLES="$WORK/pgseed-$N.samples"
mkdir -p "$WORK"
[ -f "$APP/Byline.dll" ] || build_app
psql() { command psql -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -t -A "$@"; }

psql -c "DROP DATABASE IF EXISTS $DBNAME" -c "CREATE DATABASE $DBNAME"
idle="$(wait_quiet)"  # QUIET_IDLE (default 85 %), QUIET_WAIT (default 180 s)
log "load before: $(cut -d' ' -f1-3 /proc/loadavg), idle $idle %"

cpu_ticks() {  # summed utime+stime (clock ticks) of the given pids
  local p t=0
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

t0="$(date +%s.%N)"
(cd "$WORK" && exec env ConnectionStrings__Byline="$PG;Database=$DBNAME" Byline__Database__Provider=Postgres \
  Byline__Media__Path="$WORK/media-pg" DOTNET_NOLOGO=1 ASPNETCORE_CONTENTROOT="$APP" DOTNET_CONTENTROOT="$APP" \
  TERM=dumb dotnet "$APP/Byline.dll" seed --articles "$N") >"$WORK/pgseed-$N.log" 2>&1 &
SEED_PID=$!
STARTED_PIDS+=("$SEED_PID")

: >"$SAMPLES"
while kill -0 "$SEED_PID" 2>/dev/null; do
  # One line a second: time, 1-min load, seed CPU ticks, server-backend CPU ticks, the phase of each active backend.
  backends=($(psql -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DBNAME' AND backend_type = 'client backend'" 2>/dev/null || true))
  phases="$(psql -c "SELECT string_agg(CASE
        WHEN p.phase IS NOT NULL THEN 'index:' || p.phase
        WHEN a.query ILIKE 'COPY \"Articles\"%' THEN 'copy-articles'
        WHEN a.query ILIKE 'COPY \"Article%' THEN 'copy-joins'
        WHEN a.query ILIKE '%INSERT INTO \"ArticleSearch\"%' THEN 'search-fill'
        WHEN a.query ILIKE 'CREATE INDEX%' THEN 'index'
        WHEN a.query ILIKE 'ANALYZE%' THEN 'analyze'
        ELSE 'other:' || left(regexp_replace(a.query, '\s+', ' ', 'g'), 30) END, '+' ORDER BY a.pid)
      FROM pg_stat_activity a LEFT JOIN pg_stat_progress_create_index p ON p.pid = a.pid
      WHERE a.datname = '$DBNAME' AND a.state = 'active' AND a.pid <> pg_backend_pid()" 2>/dev/null || true)"
  echo "$(date +%s.%N) $(cut -d' ' -f1 /proc/loadavg) $(cpu_ticks "$SEED_PID") $(cpu_ticks "${backends[@]}") ${phases:-client}" >>"$SAMPLES"
  sleep 1
done
rc=0; wait "$SEED_PID" || rc=$?
t1="$(date +%s.%N)"
[ "$rc" = 0 ] || { tail -n 20 "$WORK/pgseed-$N.log" >&2; die "seed failed (exit $rc)"; }

echo "seed --articles $N into PostgreSQL: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s wall clock; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -a 'Done:' "$WORK/pgseed-$N.log" | tail -n 1 | sed 's/^/verb: /'
echo "articles: $(psql -d "$DBNAME" -c 'SELECT count(*) FROM "Articles"'), search rows: $(psql -d "$DBNAME" -c 'SELECT count(*) FROM "ArticleSearch"')"
# Seconds per phase (a second with two backends counts for both), and the 1-minute load seen.
awk 'NR>1 { d=$1-pt; n=split(pl,ph,"+"); for(i=1;i<=n;i++) s[ph[i]]+=d } { pt=$1; pl=$5; l[NR]=$2 }
     END { for (k in s) printf "  %-28s %7.1f s\n", k, s[k]; asort(l); printf "  1-min load during the run: min %s, median %s, max %s\n", l[1], l[int((NR+1)/2)], l[NR] }' "$SAMPLES" | sort
