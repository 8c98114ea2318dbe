#!/usr/bin/env bash
# View counting under load, on the demo database (2,000 stories, SQLite): beacons alone, then an
# article page alone with counting on and off, then both at once. Needs wrk. 2 threads, 64 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5150}
D=${D:-15s}
dotnet build src/Byline -c Release -nologo -v quiet -clp:ErrorsOnly
run_app() {
  # The built binary itself, so $! is the server and stopping it stops nothing else.
  (cd src/Byline && exec bin/Release/net10.0/Byline --urls "http://127.0.0.1:$PORT" "$@" >/tmp/byline-views-app.log 2>&1) &
  APP=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.5; done
}
stop_app() { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; sleep 1; }
for counting in true false; do
  run_app --Byline:Discovery:CountViews=$counting
  ARTICLE=$(curl -s "http://127.0.0.1:$PORT/" | grep -o 'class="story-link" href="[^"]*"' | head -1 | cut -d'"' -f4)
  echo "== CountViews=$counting, article $ARTICLE"
  wrk -t2 -c64 -d"$D" "http://127.0.0.1:$PORT$ARTICLE" | grep -E "Requests/sec"
  if [ "$counting" = true ]; then
    echo "-- beacons alone"; wrk -t2 -c64 -d"$D" -s bench/views.lua "http://127.0.0.1:$PORT/v" | grep -E "Requests/sec|Non-2xx"
  fi
  echo "-- page while beacons run"
  wrk -t1 -c32 -d"$D" -s bench/views.lua "http://127.0.0.1:$PORT/v" > /tmp/byline-views-beacons.txt &
  wrk -t1 -c32 -d"$D" "http://127.0.0.1:$PORT$ARTICLE" | grep -E "Requests/sec"
  wait; grep -E "Requests/sec" /tmp/byline-views-beacons.txt | sed 's/^/beacons /'
  stop_app
done
