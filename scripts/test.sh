#!/usr/bin/env bash
# The one test command: builds the solution once, runs every test project on SQLite and on a
# throwaway PostgreSQL, checks the packages for known vulnerabilities (dotnet list package --vulnerable; one
# failure when there are any, one line and no failure when the advisory data is unreachable), and ends with a
# single line "N passed, N failed".
#
# Needs only the .NET SDK on Debian 12; as root it installs what is missing (chromium for the
# browser tests, postgresql, fonts for generated pictures). Environment it honours:
#   BYLINE_TEST_POSTGRES   use this server instead of starting one (e.g. Host=127.0.0.1;Port=5432;Username=postgres)
#   BYLINE_TEST_REDIS      use this Redis (host:port) instead of starting a throwaway one (the multi-node suite needs it)
#   BYLINE_TEST_NGINX      the nginx binary the multi-node suite starts as its load balancer (found on PATH when unset)
#   BYLINE_TEST_DATABASES  sqlite,postgres (default) or just one of them
#   BYLINE_TEST_PGBIN      PostgreSQL's programs (pg_basebackup, pg_ctl) for the replica suite's streaming replica
#                          (set to the started server's; with BYLINE_TEST_POSTGRES given, the newest installed,
#                          and that server must accept replication connections from 127.0.0.1)
#   CONFIGURATION          Release (default) or Debug
#   BYLINE_TEST_S3         use this S3-compatible server (its base address, e.g. http://127.0.0.1:4568) instead of
#                          starting a throwaway s3rver (npm) for the media-on-S3 suite; it must accept the keys S3RVER/S3RVER
#   BYLINE_TEST_SMTP       use this SMTP server (host:port) instead of starting a throwaway Postfix
#                          (then also BYLINE_TEST_SMTP_STRICT and BYLINE_TEST_MAILDIR; scripts/postfix-test.sh)
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CONFIGURATION=${CONFIGURATION:-Release}
RESULTS=$ROOT/TestResults
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Every test host would otherwise watch appsettings*.json for changes: hundreds of hosts exhaust the
# per-user inotify instances (128 by default) and the next host fails to start. Tests never edit them.
export DOTNET_hostBuilder__reloadConfigOnChange=false

say() { printf '==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

# --- system packages ---------------------------------------------------------------------------
wants_databases=${BYLINE_TEST_DATABASES:-sqlite,postgres}
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [[ "$wants_databases" == *postgres* || "$wants_databases" == *pg* ]] && [ -z "${BYLINE_TEST_POSTGRES:-}" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The multi-node suite (tests/Byline.Tests/Nodes): Redis between the nodes, nginx as their load balancer.
[ -n "${BYLINE_TEST_REDIS:-}" ] || command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# The block editor bundle check (editor/build.sh --check) needs node and npm.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
         as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    say "could not install ${missing[*]} (run as root, or install them yourself); the tests that need them will fail"
  fi
fi

# Also raise the limit itself where allowed: Chromium and the test hosts' content roots watch files too.
if [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)" -lt 1024 ]; then
  as_root sysctl -q -w fs.inotify.max_user_instances=1024 >/dev/null 2>&1 || true
fi

# --- throwaway PostgreSQL ----------------------------------------------------------------------
PGDIR=""
stop_postgres() {
  if [ -n "$PGDIR" ] && [ -f "$PGDIR/data/postmaster.pid" ]; then
    run_as_postgres "$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
  fi
  [ -n "$PGDIR" ] && rm -rf "$PGDIR"
}
REDISDIR=""
POSTFIX_DIR=""
S3DIR=""
stop_servers() {
  stop_postgres
  if [ -n "$S3DIR" ] && [ -f "$S3DIR/s3rver.pid" ]; then
    kill "$(cat "$S3DIR/s3rver.pid")" 2>/dev/null || true
  fi
  [ -n "$S3DIR" ] && rm -rf "$S3DIR"
  if [ -n "$REDISDIR" ] && [ -f "$REDISDIR/redis.pid" ]; then
    kill "$(cat "$REDISDIR/redis.pid")" 2>/dev/null || true
  fi
  [ -n "$REDISDIR" ] && rm -rf "$REDISDIR"
  [ -n "$POSTFIX_DIR" ] && bash "$ROOT/scripts/postfix-test.sh" stop "$POSTFIX_DIR" >/dev/null 2>&1
  return 0
}
trap stop_servers EXIT

run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ "$wants_databases" == *postgres* || "$wants_databases" == *pg* ]] && [ -z "${BYLINE_TEST_POSTGRES:-}" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$PGBIN" ]; then
    PORT=5433
    while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
    PGDIR=$(mktemp -d /tmp/byline-pg.XXXXXX)
    mkdir -p "$PGDIR/data"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PGDIR"
    chmod 700 "$PGDIR/data"
    say "starting PostgreSQL $(basename "$(dirname "$PGBIN")") on 127.0.0.1:$PORT"
    if run_as_postgres "$PGBIN/initdb -D $PGDIR/data -U postgres --auth=trust -E UTF8 --no-sync" >"$PGDIR/initdb.log" 2>&1 &&
       run_as_postgres "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/server.log -w -o '-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' start" >/dev/null; then
      export BYLINE_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres"
      # The replica suite (tests/Byline.Tests/Nodes/ReplicaTests) copies this server with pg_basebackup -R and
      # starts the copy as a streaming hot standby; initdb's defaults allow replication from 127.0.0.1 under trust.
      export BYLINE_TEST_PGBIN="$PGBIN"
    else
      say "PostgreSQL did not start; the PostgreSQL suites will fail:"
      cat "$PGDIR"/*.log 2>/dev/null | tail -n 20
    fi
  fi
fi

# --- throwaway Redis (the multi-node suite; the single-node suites never need it) ------------------
if [ -z "${BYLINE_TEST_REDIS:-}" ] && command -v redis-server >/dev/null; then
  RPORT=6390
  while ! port_free "$RPORT"; do RPORT=$((RPORT + 1)); done
  REDISDIR=$(mktemp -d /tmp/byline-redis.XXXXXX)
  say "starting Redis on 127.0.0.1:$RPORT"
  if redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
       --dir "$REDISDIR" --pidfile "$REDISDIR/redis.pid" --logfile "$REDISDIR/redis.log" >/dev/null; then
    for _ in $(seq 50); do [ -f "$REDISDIR/redis.pid" ] && ! port_free "$RPORT" && break; sleep 0.1; done
    export BYLINE_TEST_REDIS="127.0.0.1:$RPORT"
  else
    say "Redis did not start; the multi-node suite will fail"
  fi
fi
if [ -z "${BYLINE_TEST_NGINX:-}" ]; then
  for candidate in "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then export BYLINE_TEST_NGINX=$candidate; break; fi
  done
fi

# --- throwaway Postfix for the newsletter tests (real SMTP, Maildir delivery, bounces) -------------
if [ -z "${BYLINE_TEST_SMTP:-}" ]; then
  POSTFIX_DIR=$(mktemp -d /tmp/byline-postfix.XXXXXX)
  if postfix_env=$(bash "$ROOT/scripts/postfix-test.sh" start "$POSTFIX_DIR"); then
    eval "$postfix_env"
    say "started Postfix on $BYLINE_TEST_SMTP (mail in $BYLINE_TEST_MAILDIR)"
  else
    say "Postfix did not start; the newsletter suites will fail"
  fi
fi

# --- W3C Nu HTML Checker (vnu.jar from npm) for the HTML validity tests ------------------------------
if [ -z "${BYLINE_VNU_JAR:-}" ]; then
  VNU_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/byline/vnu
  VNU_JAR=$VNU_DIR/node_modules/vnu-jar/build/dist/vnu.jar
  if [ ! -f "$VNU_JAR" ] && command -v npm >/dev/null; then
    say "installing vnu-jar into $VNU_DIR"
    npm install --silent --no-audit --no-fund --prefix "$VNU_DIR" vnu-jar@26.9.27 >/dev/null 2>&1 || say "could not install vnu-jar; the HTML validity tests will fail"
  fi
  [ -f "$VNU_JAR" ] && export BYLINE_VNU_JAR=$VNU_JAR
fi
command -v java >/dev/null || missing_java=1
if [ "${missing_java:-0}" = 1 ]; then
  say "installing openjdk-17-jre-headless for the HTML checker"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null 2>&1 || say "no Java; the HTML validity tests will fail"
fi

# --- throwaway S3-compatible server (s3rver from npm) for the media-on-S3 suite (tests/Byline.Tests/Media) --
if [ -z "${BYLINE_TEST_S3:-}" ]; then
  S3_TOOL=${XDG_CACHE_HOME:-$HOME/.cache}/byline/s3rver
  S3_BIN=$S3_TOOL/node_modules/.bin/s3rver
  if [ ! -x "$S3_BIN" ] && command -v npm >/dev/null; then
    say "installing s3rver into $S3_TOOL"
    npm install --silent --no-audit --no-fund --prefix "$S3_TOOL" s3rver@3.7.1 >/dev/null 2>&1 || say "could not install s3rver; the media-on-S3 suite will fail"
  fi
  if [ -x "$S3_BIN" ]; then
    S3PORT=4568
    while ! port_free "$S3PORT"; do S3PORT=$((S3PORT + 1)); done
    S3DIR=$(mktemp -d /tmp/byline-s3.XXXXXX)
    mkdir -p "$S3DIR/data"
    "$S3_BIN" -d "$S3DIR/data" -a 127.0.0.1 -p "$S3PORT" -s >"$S3DIR/s3rver.log" 2>&1 &
    echo $! >"$S3DIR/s3rver.pid"
    for _ in $(seq 100); do port_free "$S3PORT" || break; sleep 0.1; done
    if port_free "$S3PORT"; then
      say "s3rver did not start; the media-on-S3 suite will fail:"
      tail -n 20 "$S3DIR/s3rver.log"
    else
      say "started s3rver on 127.0.0.1:$S3PORT"
      export BYLINE_TEST_S3="http://127.0.0.1:$S3PORT"
    fi
  fi
fi

# --- build once, test every project ------------------------------------------------------------
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
say "building Byline.slnx ($CONFIGURATION)"
if ! dotnet build Byline.slnx -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly; then
  say "build failed"
  echo "0 passed, 0 failed"
  exit 1
fi

# --- known vulnerabilities (NuGet's advisory data), checked beside the tests ----------------------
# Every package, transitive ones included. Unreachable advisory data is said in one line and does not
# fail the run; a known vulnerability does (counted as one failure below).
VULN_JSON=$RESULTS/vulnerable.json
dotnet list Byline.slnx package --vulnerable --include-transitive --format json >"$VULN_JSON" 2>"$RESULTS/vulnerable.err" &
vuln_pid=$!

# --- the committed block editor bundle is what editor/ builds (checked beside the tests) -----------
# editor/build.sh --check: npm ci from the lock file, esbuild into a temporary file, compared byte for
# byte with src/Byline/wwwroot/block-editor.js. A difference is one failure; packages that cannot be
# fetched (no registry) are said in one line and not counted, like the advisory data above.
bash editor/build.sh --check >"$RESULTS/editor-bundle.log" 2>&1 &
bundle_pid=$!

# The test projects run side by side (the browser suite mostly waits on Chromium and its servers, the
# main suite keeps the cores busy); each one's output is printed whole when it ends, in project order.
broken=0
pids=()
names=()
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  say "testing $name (output follows when it ends)"
  dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" \
    --blame-hang-timeout 10m >"$RESULTS/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  name=${names[$i]}
  say "output of $name"
  cat "$RESULTS/$name.log"
  if [ ! -f "$RESULTS/$name.trx" ]; then
    say "$name produced no results"
    broken=1
  fi
done

# --- one line of counts ------------------------------------------------------------------------
counts=$(cat "$RESULTS"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  function attr(name,   m) { return match($0, name "=\"[0-9]+\"") ? substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3) + 0 : 0 }
  { p += attr("passed"); f += attr("failed") + attr("error") + attr("timeout") + attr("aborted") }
  END { print p + 0, f + 0 }')
passed=${counts% *}
failed=${counts#* }

if wait "$vuln_pid" && grep -q '"projects"' "$VULN_JSON" && ! grep -q '"level": "error"' "$VULN_JSON"; then
  if grep -q '"vulnerabilities"' "$VULN_JSON"; then
    say "known vulnerabilities in packages (dotnet list package --vulnerable --include-transitive):"
    grep -E '"(id|requestedVersion|resolvedVersion|severity|advisoryurl)"' "$VULN_JSON" | tr -d ' ",' | sed 's/^/    /'
    failed=$((failed + 1))
  else
    say "no known vulnerabilities in packages"
  fi
else
  say "could not check packages for known vulnerabilities (advisory data unreachable: $(cat "$RESULTS/vulnerable.err" "$VULN_JSON" 2>/dev/null | grep -m1 -iE 'error|unable' | sed 's/^ *//' | cut -c1-160)); not counted"
fi
wait "$bundle_pid"
case $? in
  0) say "block editor bundle: $(tail -n1 "$RESULTS/editor-bundle.log")"; passed=$((passed + 1)) ;;
  3) say "could not check the block editor bundle (packages unreachable: $(grep -m1 -iE 'err' "$RESULTS/editor-bundle.log" | cut -c1-160)); not counted" ;;
  *) say "block editor bundle check failed:"; sed 's/^/    /' "$RESULTS/editor-bundle.log"; failed=$((failed + 1)) ;;
esac
echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ] || [ "$broken" -ne 0 ]; then
  exit 1
fi
