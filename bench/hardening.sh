#!/usr/bin/env bash
# bench/hardening.sh — Byline under overload and connection floods (docs/security.md, "Connections, load and headers").
#
#   bash bench/hardening.sh            # build first: dotnet build Byline.slnx -c Release
#
# One run of each, on the demo publication (2,000 stories), server started from bench/.work/hardening
# (not the app's folder: the content root must still be found):
#   1. 60 s at 1,000 connections on one article, output cache on;
#   2. the same with the cache off and load shedding off (the reference: how it behaved before), then on;
#   3. an idle flood of FLOOD (30,000) TCP connections held 20 s, then /healthz;
#   4. a flood of SSE (10,000) live-blog streams held 20 s (per-client cap lifted: all come from loopback), then /healthz.
# Prints status counts (wrk), timeouts and socket errors, p50/p99, and server RSS.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_cmds wrk:wrk python3:python3 curl:curl

PORT="${PORT:-5190}"
CONNS="${CONNS:-1000}"
DURATION="${DURATION:-60s}"
FLOOD="${FLOOD:-30000}"
SSE="${SSE:-10000}"
DLL="${APP_DLL:-$ROOT/src/Byline/bin/Release/net10.0/Byline.dll}"
[ -f "$DLL" ] || die "$DLL missing: dotnet build Byline.slnx -c Release"
W="$WORK/hardening"
mkdir -p "$W"
trap stop_started EXIT
# The flood clients and the server each need many descriptors.
ulimit -n "$(ulimit -Hn)"

SERVER=
start_server() {  # start_server VAR=value ...
  (cd "$W" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning \
    Byline__Database__Provider=Sqlite "ConnectionStrings__Byline=Data Source=$W/byline.db" \
    Byline__Media__Path="$W/media" Byline__DemoContent=true "$@" \
    dotnet "$DLL" --urls "http://127.0.0.1:$PORT" >"$W/server.log" 2>&1) &
  SERVER=$!
  STARTED_PIDS+=("$SERVER")
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER" 2>/dev/null || { tail -20 "$W/server.log"; die "server exited"; }
    sleep 0.5
  done
  die "server not ready"
}
stop_server() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
rss_mb() { echo $(( $(ps -o rss= -p "$SERVER" 2>/dev/null || echo 0) / 1024 )); }
load() { cut -d' ' -f1-3 /proc/loadavg; }

run_wrk() {  # run_wrk label path
  log "$1: wrk -t2 -c$CONNS -d$DURATION (load $(load))"
  wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 10s -s "$BENCH/status-count.lua" "http://127.0.0.1:$PORT$2" >"$W/wrk-$1.txt" 2>&1 || true
  local rps errors statuses lat
  rps=$(awk '/Requests\/sec/ {print $2}' "$W/wrk-$1.txt")
  errors=$(grep -o 'Socket errors:.*' "$W/wrk-$1.txt" || echo "Socket errors: none")
  statuses=$(grep '^status' "$W/wrk-$1.txt" | sort | tr '\n' ' ')
  lat=$(grep '^p50_ms' "$W/wrk-$1.txt")
  echo "| $1 | $rps | $lat | $statuses | $errors | $(rss_mb) MB | $(load) |"
}

start_server
curl -fs "http://127.0.0.1:$PORT/" >"$W/home.html"
ARTICLE=$(python3 -c "import re,sys; print(re.search(r'href=\"(/[a-z-]+/[a-z0-9-]+-[0-9]+)\"', open(sys.argv[1]).read()).group(1))" "$W/home.html")
[ -n "$ARTICLE" ] || die "no article link on the home page"
# A published live blog of the demo (Format 2 = LiveBlog, Status 3 = Published): its stream is /live-updates/{id}.
LIVE=/live-updates/$(python3 -c "import sqlite3,sys; c=sqlite3.connect('file:$W/byline.db?mode=ro', uri=True); print(c.execute('select Id from Articles where Format = 2 and Status = 3 limit 1').fetchone()[0])")
echo "date $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), article $ARTICLE, $(nproc) cores, descriptor hard limit $(ulimit -Hn)"
grep -h "Descriptor limit\|Content root" "$W/server.log" || true
echo
echo "| run | req/s | latency | statuses | socket errors | RSS after | load |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
run_wrk cached "$ARTICLE"
stop_server

start_server Byline__Cache__Enabled=false Byline__LoadShedding__Enabled=false
run_wrk uncached-no-shedding "$ARTICLE"
stop_server

start_server Byline__Cache__Enabled=false
run_wrk uncached-shedding "$ARTICLE"
stop_server

start_server Byline__LiveBlogs__Streams__MaxStreamsPerClient=1000000
echo
log "idle flood: $FLOOD connections (load $(load))"
echo "idle flood: $(python3 "$BENCH/flood.py" --port "$PORT" --mode idle --count "$FLOOD" --hold 20) server alive: $(kill -0 "$SERVER" 2>/dev/null && echo yes || echo NO), RSS $(rss_mb) MB"
log "SSE flood: $SSE streams on $LIVE (load $(load))"
echo "SSE flood on $LIVE: $(python3 "$BENCH/flood.py" --port "$PORT" --mode sse --path "$LIVE" --count "$SSE" --hold 20) server alive: $(kill -0 "$SERVER" 2>/dev/null && echo yes || echo NO), RSS $(rss_mb) MB"
echo "after the floods: /healthz $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"), article $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$ARTICLE")"
{ grep -c "Out of memory" "$W/server.log" || true; } | sed 's/^/"Out of memory" lines in the server log: /'
stop_server
