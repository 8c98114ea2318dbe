#!/usr/bin/env bash
# The block editor's speed (issue 19), in Chromium through Playwright (bench/EditorBench), on ARTICLES (100,000)
# generated stories: opening the editor on a 5,000-word story, typing latency in it, and the autosave round trip,
# each beside a reference in the same run. SQLite always; PostgreSQL too when PG names a server of your own.
#
#   bash bench/editor-speed.sh
#   PG="Host=127.0.0.1;Port=5455;Username=postgres" bash bench/editor-speed.sh
#   SKIP_BUILD=1 DBS=postgres PARTS=autosave PG=… bash bench/editor-speed.sh
#
# Knobs: NOTE (added to the heading), ARTICLES (100000) PORT (5186) DBS (sqlite, plus postgres when PG is set) PARTS (open,typing,autosave)
# BENCH_OPENS (12) BENCH_KEYS (300) BENCH_SAVES (200) SKIP_BUILD QUIET_WAIT (60)
# NICE (0): a negative value (root) runs the site and Chromium at that priority, so that on a machine other jobs
# saturate the figures say more about Byline than about the queue for the CPU (say so beside the figures).
# The seeded databases are kept and reused (SQLite bench/.work/bench-N.db, shared with run.sh; PostgreSQL
# `editorseed<N>`); each run works on a fresh copy (the bench adds a user and a story). Output: printed and
# appended to bench/results/<UTC date>-editor-speed.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap stop_started EXIT

PORT="${PORT:-5186}"
PARTS="${PARTS:-open,typing,autosave}"
DBS="${DBS:-sqlite${PG:+ postgres}}"
QUIET_WAIT="${QUIET_WAIT:-60}"
NICE="${NICE:-0}"
export QUIET_WAIT
mkdir -p "$WORK" "$BENCH/results"
need_cmds chromium:chromium curl:curl
case " $DBS " in *" postgres "*) need_cmds psql:postgresql-client ;; esac
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (apt-get install -y chromium)"

build_app
log "building bench/EditorBench"
dotnet build "$BENCH/EditorBench" -c Release -nologo -v quiet >"$WORK/editorbench-build.log" 2>&1 \
  || { tail -n 30 "$WORK/editorbench-build.log" >&2; die "EditorBench build failed (log: $WORK/editorbench-build.log)"; }
TOOL="$BENCH/EditorBench/bin/Release/net10.0/EditorBench.dll"
OUT="$BENCH/results/$(date -u +%F)-editor-speed.md"
EMAIL="editor-bench@bench.test"
PASSWORD="Editor-bench-$(date +%s)-pw!"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# run_on <label> [VAR=value ...]: a user, the site on $PORT, the measurements; the site is stopped after.
run_on() {
  local label="$1"; shift
  local vars=()
  mapfile -t vars < <(byline_env "$RUN_DB")
  vars+=("$@")
  echo "$PASSWORD" | (cd "$WORK" && env "${vars[@]}" dotnet "$APP/Byline.dll" user add --email "$EMAIL" --role editor --name "Editor Bench") >/dev/null \
    || die "$label: user add failed"
  log "$label: machine idle $(wait_quiet) %, load $(cut -d' ' -f1-3 /proc/loadavg)"
  start_site "$PORT" "$RUN_DB" "$WORK/editor-speed-site.log" "$@"
  if [ "$NICE" != 0 ]; then
    # Nice is per thread on Linux: every thread the site has now; the ones it starts later inherit it.
    local t
    for t in /proc/"$SITE_PID"/task/*; do renice -n "$NICE" -p "${t##*/}" >/dev/null || true; done
  fi
  local rc=0
  {
    echo
    echo "<!-- NICE=$NICE PARTS=$PARTS bash bench/editor-speed.sh, at $COMMIT -->"
    nice -n "$NICE" dotnet "$TOOL" "http://127.0.0.1:$PORT" "$EMAIL" "$PASSWORD" "$label, $ARTICLES stories, Byline $COMMIT${NOTE:+ ($NOTE)}" "$PARTS"
  } | tee -a "$OUT" || rc=$?
  stop_pid "$SITE_PID"
  [ "$rc" = 0 ] || die "$label: EditorBench failed (site log: $WORK/editor-speed-site.log)"
}

for db in $DBS; do
  case "$db" in
    sqlite)
      ensure_db
      RUN_DB="$WORK/editor-run.db"
      rm -f "$RUN_DB" "$RUN_DB-wal" "$RUN_DB-shm"
      cp "$DB" "$RUN_DB"
      [ -f "$DB-wal" ] && cp "$DB-wal" "$RUN_DB-wal"
      run_on "SQLite"
      rm -f "$RUN_DB" "$RUN_DB-wal" "$RUN_DB-shm"
      ;;
    postgres)
      : "${PG:?PG=Host=…;Port=…;Username=… (a PostgreSQL server of your own)}"
      PGPORT="$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$PG")"
      pg() { command psql -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -t -A "$@"; }
      SEED="editorseed$ARTICLES"
      have="$(pg -d "$SEED" -c 'SELECT COUNT(*) FROM "Articles"' 2>/dev/null || true)"
      if [ "${RESEED:-0}" = 1 ] || [ "$have" != "$ARTICLES" ]; then
        log "seeding $ARTICLES stories into PostgreSQL database $SEED (had: ${have:-none})"
        pg -c "DROP DATABASE IF EXISTS $SEED" -c "CREATE DATABASE $SEED"
        t0=$SECONDS
        (cd "$WORK" && exec env ConnectionStrings__Byline="$PG;Database=$SEED" Byline__Database__Provider=Postgres \
          Byline__Media__Path="$WORK/media-editor-pg" DOTNET_NOLOGO=1 ASPNETCORE_CONTENTROOT="$APP" DOTNET_CONTENTROOT="$APP" \
          Logging__LogLevel__Default=Warning dotnet "$APP/Byline.dll" seed --articles "$ARTICLES") >"$WORK/editor-pgseed.log" 2>&1 \
          || { tail -n 20 "$WORK/editor-pgseed.log" >&2; die "seed into PostgreSQL failed"; }
        log "seeded in $((SECONDS - t0)) s"
      fi
      pg -c "DROP DATABASE IF EXISTS editorrun" -c "CREATE DATABASE editorrun TEMPLATE $SEED"
      RUN_DB="$WORK/unused.db"
      run_on "PostgreSQL" "ConnectionStrings__Byline=$PG;Database=editorrun" Byline__Database__Provider=Postgres \
        "Byline__Media__Path=$WORK/media-editor-pg"
      pg -c "DROP DATABASE IF EXISTS editorrun"
      ;;
    *) die "unknown database $db (sqlite, postgres)" ;;
  esac
done
log "results appended to $OUT"
