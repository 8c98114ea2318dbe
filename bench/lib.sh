# bench/lib.sh — shared pieces of the bench scripts (sourced, not run).
# Everything it starts is recorded in STARTED_PIDS and stopped by stop_started (set as an EXIT trap).

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
WORK="$BENCH/.work"
APP="${BENCH_APP:-$WORK/app}"  # BENCH_APP: another published build, e.g. a before/after comparison
ARTICLES="${ARTICLES:-100000}"
DB="${BENCH_DB:-$WORK/bench-$ARTICLES.db}"
MEDIA="$WORK/media-$ARTICLES"  # generated images belong with their database
STARTED_PIDS=()

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] error: $*" >&2; exit 1; }

# Installs the Debian packages a script needs, only when their command is missing.
need_cmds() {  # need_cmds cmd:package ...
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]} (apt-get)"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null
  }
}

# Release build into bench/.work/app (SKIP_BUILD=1 reuses the last one).
build_app() {
  if [ "${SKIP_BUILD:-0}" = 1 ] && [ -f "$APP/Byline.dll" ]; then
    log "SKIP_BUILD=1: reusing $APP"
    return
  fi
  log "dotnet publish (Release) -> $APP"
  dotnet publish "$ROOT/src/Byline" -c Release -o "$APP" --nologo -v quiet >"$WORK/build.log" 2>&1 \
    || { tail -n 30 "$WORK/build.log" >&2; die "build failed (full log: $WORK/build.log)"; }
}

# Environment shared by every Byline process the scripts start (seed verb and web host).
byline_env() {  # byline_env <sqlite file> -> prints VAR=value lines for `env`
  echo "ConnectionStrings__Byline=Data Source=$1"
  echo "Byline__Database__Provider=Sqlite"
  echo "Byline__Media__Path=$MEDIA"
  echo "ASPNETCORE_ENVIRONMENT=Production"
  echo "DOTNET_NOLOGO=1"
  # Run from bench/.work (so a relative data/ lands there) but find wwwroot and appsettings in the build.
  echo "ASPNETCORE_CONTENTROOT=$APP"
  echo "DOTNET_CONTENTROOT=$APP"
}

db_article_count() {  # prints the number of rows in Articles, or nothing when unknown
  [ -f "$1" ] || return 0
  if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 -readonly "$1" 'SELECT COUNT(*) FROM Articles;' 2>/dev/null || true
  elif [ -f "$1.count" ]; then
    cat "$1.count"
  fi
}

# Makes sure $DB holds $ARTICLES generated articles; seeds a fresh one when it does not (or RESEED=1).
# Sets SEED_NOTE to a one-line description of the seed run (timed now or read from the last one).
ensure_db() {
  local have
  have="$(db_article_count "$DB")"
  if [ "${RESEED:-0}" != 1 ] && [ "$have" = "$ARTICLES" ]; then
    log "reusing $DB ($have articles)"
    SEED_NOTE="$(cat "$DB.seed-note" 2>/dev/null || echo "database reused; seed not timed in this run")"
    return
  fi
  log "seeding a fresh database with $ARTICLES articles -> $DB (had: ${have:-none})"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.count" "$DB.seed-note"
  rm -rf "$MEDIA"
  local t0 t1 secs rc=0
  t0="$(date +%s.%N)"
  local vars=()
  mapfile -t vars < <(byline_env "$DB")
  (cd "$WORK" && exec env "${vars[@]}" Logging__LogLevel__Default=Warning dotnet "$APP/Byline.dll" seed --articles "$ARTICLES") \
    >"$WORK/seed.log" 2>&1 || rc=$?
  t1="$(date +%s.%N)"
  [ "$rc" = 0 ] || { tail -n 20 "$WORK/seed.log" >&2; die "seed verb failed (exit $rc; log: $WORK/seed.log)"; }
  have="$(db_article_count "$DB")"
  if [ -z "$have" ]; then have="$ARTICLES"; fi
  [ "$have" = "$ARTICLES" ] || log "WARNING: asked for $ARTICLES articles, the database holds $have"
  echo "$have" >"$DB.count"
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
  SEED_NOTE="seeded $have articles in ${secs} s wall clock ($(awk -v n="$have" -v s="$secs" 'BEGIN{printf "%.0f", n/s}') articles/s, whole process incl. start-up) on $(date -u +%F); seed verb said: $(grep -v '^\s*$' "$WORK/seed.log" | tail -n 1 | tr -s ' ' | cut -c1-200)"
  echo "$SEED_NOTE" >"$DB.seed-note"
  log "$SEED_NOTE"
}

# start_site <port> <sqlite file> <log file> [VAR=value ...] — starts Byline in the background,
# waits (bounded) for /healthz, sets SITE_PID.
start_site() {
  local port="$1" db="$2" logf="$3"; shift 3
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    die "something already listens on 127.0.0.1:$port; not mine to stop"
  fi
  # env(1), not export: configuration keys such as Microsoft.AspNetCore hold dots.
  local vars=()
  mapfile -t vars < <(byline_env "$db")
  vars+=(Byline__DemoContent=false
    Logging__LogLevel__Default=Warning
    Logging__LogLevel__Microsoft=Warning
    Logging__LogLevel__Microsoft.AspNetCore=Warning
    Logging__LogLevel__Microsoft.EntityFrameworkCore=Warning
    "$@")
  (cd "$WORK" && exec env "${vars[@]}" dotnet "$APP/Byline.dll" --contentRoot "$APP" --urls "http://127.0.0.1:$port") >"$logf" 2>&1 &
  SITE_PID=$!
  STARTED_PIDS+=("$SITE_PID")
  local i code
  for i in $(seq 1 "${HEALTH_WAIT:-600}"); do
    kill -0 "$SITE_PID" 2>/dev/null || { tail -n 30 "$logf" >&2; die "Byline exited during start-up (log: $logf)"; }
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/healthz" || true)"
    [ "$code" = 200 ] && { log "Byline up on 127.0.0.1:$port (pid $SITE_PID) after ~${i}s"; return 0; }
    sleep 1
  done
  die "Byline on :$port not healthy after ${HEALTH_WAIT:-600}s (log: $logf)"
}

stop_pid() {  # TERM, wait up to 10 s, then KILL — only for a pid this script started
  local p="$1" i
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 20); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$p" 2>/dev/null || true
}

stop_started() {
  local p
  for p in "${STARTED_PIDS[@]}"; do stop_pid "$p"; done
  STARTED_PIDS=()
}

# First article link on a page that answers 200: /{section}/{slug}-{id} (optionally
# /{section}/{sub}/{slug}-{id}). The formats' own pages (/events/budget-2026, /shorts/…, /shows/…)
# share the shape and are skipped, and so is a link that does not answer 200 (a menu entry pointing
# at a hub the generated database does not have).
first_article_path() {  # first_article_path <base url>
  local path
  for path in $(curl -sf --max-time 30 "$1/" \
    | grep -oE 'href="/[a-z0-9-]+(/[a-z0-9-]+)?/[a-z0-9-]+-[0-9]+"' \
    | grep -vE '^href="/(tag|author|media|newsroom|api|search|events|shorts|shows|web-stories|live)/' \
    | sed -E 's/^href="(.*)"$/\1/' | awk '!seen[$0]++' | head -n 20); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$1$path")" = 200 ]; then
      echo "$path"
      return 0
    fi
  done
}

# --- shared-machine hygiene -------------------------------------------------------------------

cpu_idle_pct() {  # whole-machine idle % over $1 seconds (default 3)
  local a b
  a=($(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)); sleep "${1:-3}"
  b=($(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat))
  awk -v u="$((b[0]-a[0]))" -v i="$((b[1]-a[1]))" 'BEGIN{ if (u+i==0) print 100; else printf "%.0f", 100*i/(u+i) }'
}

# Waits until the box is idle (>= QUIET_IDLE %), at most QUIET_WAIT seconds; prints the last idle %.
wait_quiet() {
  local idle t0=$SECONDS
  while :; do
    idle="$(cpu_idle_pct 3)"
    if [ "$idle" -ge "${QUIET_IDLE:-85}" ]; then echo "$idle"; return; fi
    if (( SECONDS - t0 >= ${QUIET_WAIT:-180} )); then
      log "WARNING: machine still busy (idle ${idle}%) after ${QUIET_WAIT:-180}s; measuring anyway"
      echo "$idle"; return
    fi
    log "machine busy (idle ${idle}%), waiting"
    sleep 7
  done
}

# start_own_pg <port> <label> [extra server options] — a throwaway PostgreSQL on 127.0.0.1:<port> unless PG is
# set already; sets PG (connection string without a database), PGBIN and PGDIR (the caller stops it on exit:
# stop_own_pg).
start_own_pg() {
  local port="$1" label="$2"; shift 2
  [ -z "${PG:-}" ] || return 0
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$PGBIN" ] || die "no PostgreSQL server installed and PG not given"
  PGDIR=$(mktemp -d "/tmp/byline-$label-pg.XXXXXX")
  mkdir -p "$PGDIR/data"; chown -R postgres:postgres "$PGDIR"; chmod 700 "$PGDIR/data"
  su postgres -s /bin/sh -c "$PGBIN/initdb -D $PGDIR/data -U postgres --auth=trust -E UTF8 --no-sync" >/dev/null
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/server.log -w -o '-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200 $*' start" >/dev/null
  PG="Host=127.0.0.1;Port=$port;Username=postgres"
}

stop_own_pg() {
  [ -n "${PGDIR:-}" ] || return 0
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
