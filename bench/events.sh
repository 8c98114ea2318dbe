#!/usr/bin/env bash
# bench/events.sh — the content-event outbox, measured on SQLite and PostgreSQL in one run:
#   1. publish → visible (bench/PublishLatency) for this build and for the build before the outbox
#      (BEFORE_REV, default 38a10e6: main just before the events merge), alternated ROUNDS times, each
#      on its own copy of the same generated site;
#   2. events dispatched per second (bench/EventsBench dispatch DISPATCH) on both databases;
#   3. outbox lag under a burst of BURST story saves from 8 writers (bench/EventsBench burst) on both.
#
#   bash bench/events.sh                      # ARTICLES=10000 ROUNDS=3 LATENCY_ROUNDS=100 DISPATCH=20000 BURST=1000
#   PG="Host=127.0.0.1;Port=5432;Username=postgres" bash bench/events.sh   # a server of your own
#
# Without PG it starts a throwaway PostgreSQL (port PG_PORT, default 5460) and removes it afterwards.
# Output: one line per measurement on stdout; logs in bench/.work/events-*.log.
set -euo pipefail
ARTICLES="${ARTICLES:-10000}"  # before lib.sh, whose default is 100,000
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
LATENCY_ROUNDS="${LATENCY_ROUNDS:-100}"
DISPATCH="${DISPATCH:-20000}"
BURST="${BURST:-1000}"
BEFORE_REV="${BEFORE_REV:-38a10e6}"
PG_PORT="${PG_PORT:-5460}"
mkdir -p "$WORK"
BEFORE_TREE="$WORK/events-before-src"
PGDIR=""

cleanup() {
  stop_started
  stop_own_pg
  git -C "$ROOT" worktree remove --force "$BEFORE_TREE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

build_tool() {  # build_tool <source tree> <project under bench/> <output dir>
  dotnet build "$1/bench/$2" -c Release -o "$3" --nologo -v quiet >"$WORK/events-build-$2.log" 2>&1 \
    || { tail -n 30 "$WORK/events-build-$2.log" >&2; die "build of $2 in $1 failed"; }
}

log "building this build's tools and the app"
build_app
build_tool "$ROOT" PublishLatency "$WORK/events-latency-after"
build_tool "$ROOT" EventsBench "$WORK/events-bench"
log "building PublishLatency at $BEFORE_REV (before the outbox)"
git -C "$ROOT" worktree remove --force "$BEFORE_TREE" >/dev/null 2>&1 || true
git -C "$ROOT" worktree add --detach "$BEFORE_TREE" "$BEFORE_REV" >/dev/null 2>&1
# The same measuring program on both sides (it uses only what both builds have).
cp "$ROOT/bench/PublishLatency/Program.cs" "$BEFORE_TREE/bench/PublishLatency/Program.cs"
build_tool "$BEFORE_TREE" PublishLatency "$WORK/events-latency-before"

# --- databases: the same generated site for each build (each build migrates its own copy) ---------
seed_sqlite() {  # seed_sqlite <Byline.dll> <file>
  rm -f "$2" "$2-wal" "$2-shm"
  (cd "$WORK" && env ConnectionStrings__Byline="Data Source=$2" Byline__Database__Provider=Sqlite \
      Byline__Media__Path="$WORK/media-events" ASPNETCORE_CONTENTROOT="$(dirname "$1")" DOTNET_CONTENTROOT="$(dirname "$1")" \
      Logging__LogLevel__Default=Warning TERM=dumb dotnet "$1" seed --articles "$ARTICLES") >"$WORK/events-seed.log" 2>&1 \
    || { tail -n 20 "$WORK/events-seed.log" >&2; die "seed of $2 failed"; }
}
AFTER_DB="$WORK/events-after-$ARTICLES.db"
BEFORE_DB="$WORK/events-before-$ARTICLES.db"
log "seeding $ARTICLES stories for each build"
seed_sqlite "$APP/Byline.dll" "$AFTER_DB"
seed_sqlite "$WORK/events-latency-before/Byline.dll" "$BEFORE_DB"

start_own_pg "$PG_PORT" events
PG_AFTER="$PG;Database=eventsafter"
PG_BEFORE="$PG;Database=eventsbefore"
PG_HOST_PORT="$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$PG")"
seed_pg() {  # seed_pg <Byline.dll> <connection string>: a fresh database each run
  psql -h 127.0.0.1 -p "${PG_HOST_PORT:-5432}" -U postgres -X -q -c "DROP DATABASE IF EXISTS ${2##*=}" >/dev/null
  (cd "$WORK" && env ConnectionStrings__Byline="$2" Byline__Database__Provider=Postgres \
      Byline__Media__Path="$WORK/media-events" ASPNETCORE_CONTENTROOT="$(dirname "$1")" DOTNET_CONTENTROOT="$(dirname "$1")" \
      Logging__LogLevel__Default=Warning TERM=dumb dotnet "$1" seed --articles "$ARTICLES") >"$WORK/events-seed.log" 2>&1 \
    || { tail -n 20 "$WORK/events-seed.log" >&2; die "seed of $2 failed"; }
}
seed_pg "$APP/Byline.dll" "$PG_AFTER"
seed_pg "$WORK/events-latency-before/Byline.dll" "$PG_BEFORE"

log "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# bench/events.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $ARTICLES stories, this build $(git -C "$ROOT" rev-parse --short HEAD) vs $BEFORE_REV"

# --- 1. publish → visible, alternated -----------------------------------------------------------
latency() {  # latency <label> <tool dir> <database>
  local out
  out="$(cd "$WORK" && dotnet "$2/PublishLatency.dll" "$3" "$LATENCY_ROUNDS" 5133 2>&1)" || { echo "$out" >&2; die "PublishLatency $1 failed"; }
  echo "$1 save returned: $(grep 'editor waits' <<<"$out" | sed 's/^[^:]*: //')"
  echo "$1 save → visible: $(grep 'write started' <<<"$out" | sed 's/^[^:]*: //')"
}
for round in $(seq 1 "$ROUNDS"); do
  for db in sqlite postgres; do
    if [ "$db" = sqlite ]; then b="$BEFORE_DB"; a="$AFTER_DB"; else b="$PG_BEFORE"; a="$PG_AFTER"; fi
    latency "publish→visible $db round $round before" "$WORK/events-latency-before" "$b"
    latency "publish→visible $db round $round after " "$WORK/events-latency-after" "$a"
  done
done

# --- 2 and 3. dispatch rate and lag under a burst -------------------------------------------------
for db in sqlite postgres; do
  if [ "$db" = sqlite ]; then a="$AFTER_DB"; else a="$PG_AFTER"; fi
  echo "dispatch $db: $(cd "$WORK" && dotnet "$WORK/events-bench/EventsBench.dll" "$a" dispatch "$DISPATCH" 2>&1 | tail -n 1)"
  echo "burst $db: $(cd "$WORK" && dotnet "$WORK/events-bench/EventsBench.dll" "$a" burst "$BURST" 2>&1 | tail -n 1)"
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
