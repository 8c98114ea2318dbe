#!/usr/bin/env bash
# Live-blog fan-out: Byline (Release, SQLite, demo content) on 127.0.0.1:5175 holding CONNECTIONS
# server-sent-event streams of the running demo live blog; UPDATES updates posted through the live
# desk; per-stream arrival delay (median, p99, max) and the server's RSS. Record: bench/liveblog.md.
#
#   bash bench/liveblog.sh                 # 2,000 streams, 5 updates
#   CONNECTIONS=500 UPDATES=10 bash bench/liveblog.sh
#   SKIP_BUILD=1 bash bench/liveblog.sh    # reuse bench/.work/app-liveblog
#   RELAY=1 bash bench/liveblog.sh         # readers on a `byline live-relay` (port PORT+1) in front of the site
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-5175}
CONNECTIONS=${CONNECTIONS:-2000}
UPDATES=${UPDATES:-5}
WORK=$ROOT/bench/.work/liveblog
APP=$ROOT/bench/.work/app-liveblog
say() { printf '[liveblog] %s\n' "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$APP/Byline.dll" ]; then
  say "publishing Byline (Release) to $APP"
  dotnet publish src/Byline -c Release -o "$APP" >/dev/null
fi
say "building the load client"
dotnet build -c Release bench/LiveBlogLoad >/dev/null
CLIENT=$ROOT/bench/LiveBlogLoad/bin/Release/net10.0/LiveBlogLoad.dll

rm -rf "$WORK"; mkdir -p "$WORK"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 \
  Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning \
  Byline__Database__Provider=Sqlite "ConnectionStrings__Byline=Data Source=$WORK/byline.db" \
  Byline__Media__Path="$WORK/media" Byline__DemoContent=true \
  Byline__LiveBlogs__Streams__MaxStreamsPerClient=1000000
# All readers come from 127.0.0.1: lift the per-client stream cap (docs/security.md). Each stream is a socket on both ends.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

SERVER_PID=
RELAY_PID=
cleanup() {
  [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; true
}
trap cleanup EXIT INT TERM

start_server() {
  (cd "$WORK" && exec dotnet "$APP/Byline.dll" --urls "http://127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { say "Byline exited; see $WORK/server.log"; exit 1; }
    sleep 0.5
  done
  say "Byline not ready in 120 s"; exit 1
}
say "first start: seeding the demo publication"
start_server
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
# Measured on a second start, as a serving node runs: the first one also drew and wrote the demo pictures.
say "second start: serving"
start_server
# The process running Byline (dotnet exec'd in the subshell).
SERVER_PID=$(pgrep -P "$SERVER_PID" -f Byline.dll || echo "$SERVER_PID")

EMAIL=bench-desk@bench.test
PASSWORD="Bench-desk-$(date +%s)-pw!"
echo "$PASSWORD" | (cd "$WORK" && dotnet "$APP/Byline.dll" user add --email "$EMAIL" --role editor --name "Bench Desk") >/dev/null
ARTICLE=$(sqlite3 "$WORK/byline.db" "select Id from Articles where Format = 2 and FormatData is null order by Id limit 1")
[ -n "$ARTICLE" ] || { say "no running demo live blog"; exit 1; }
RSS_IDLE=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
RELAY_ARGS=()
if [ "${RELAY:-0}" = 1 ]; then
  RELAY_PORT=$((PORT + 1))
  (cd "$WORK" && exec dotnet "$APP/Byline.dll" live-relay --site "http://127.0.0.1:$PORT" --urls "http://127.0.0.1:$RELAY_PORT" >>"$WORK/relay.log" 2>&1) &
  RELAY_PID=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$RELAY_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  RELAY_PID=$(pgrep -P "$RELAY_PID" -f live-relay || echo "$RELAY_PID")
  # One reader first, as a relay in service has: the idle figure is then a relay that has served a stream.
  curl -s -m 2 -o /dev/null "http://127.0.0.1:$RELAY_PORT/live-updates/$ARTICLE" || true
  echo "relay RSS idle (after start and one stream): $(( $(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PID/status") / 1024 )) MB"
  RELAY_ARGS=("http://127.0.0.1:$RELAY_PORT" "$RELAY_PID")
fi

say "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS idle (after start, before streams): $((RSS_IDLE / 1024)) MB"
dotnet "$CLIENT" "http://127.0.0.1:$PORT" "$ARTICLE" "$EMAIL" "$PASSWORD" "$CONNECTIONS" "$UPDATES" "$SERVER_PID" "${RELAY_ARGS[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
