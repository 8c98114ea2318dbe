#!/usr/bin/env bash
# bench/shared-pages.sh — several nodes on one PostgreSQL and one Redis (issue 18's speed points):
#   1. the cached hit rate of a node in the first minute after a deploy restart, with the pages shared
#      through Redis (Byline__Redis__SharePages=true, the default) beside the same run with sharing off;
#   2. requests per second of one node with Redis switched on beside the same build without Redis,
#      alternated, over the same mix of cached pages;
#   3. publish on node A → visible on node B (bench/PublishLatency), when LATENCY_ROUNDS > 0.
#
#   ARTICLES=5000 FIRST_MINUTE=60 ROUNDS=3 LATENCY_ROUNDS=40 bash bench/shared-pages.sh
#
# Starts its own PostgreSQL (PG_PORT, default 5475; or PG="Host=…;Port=…;Username=…") and Redis (REDIS_PORT,
# 6475), Byline nodes on 5476/5477 (node C without Redis on 5478), all on 127.0.0.1, and stops them on exit.
# Every request carries the same Host header (HOST_NAME), as a load balancer in front passes it on.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH/caching-lib.sh"

ARTICLES="${ARTICLES:-5000}"
FIRST_MINUTE="${FIRST_MINUTE:-60}"
ROUNDS="${ROUNDS:-3}"
LATENCY_ROUNDS="${LATENCY_ROUNDS:-40}"
PG_PORT="${PG_PORT:-5475}"
REDIS_PORT="${REDIS_PORT:-6475}"
PORT_A=5476 PORT_B=5477 PORT_C=5478
HOST_NAME="${HOST_NAME:-news.bench.test}"
mkdir -p "$WORK"
PGDIR="" REDIS_PID=""
OUT="$WORK/shared-pages"
mkdir -p "$OUT"

cleanup() {
  stop_started
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  stop_own_pg
}
trap cleanup EXIT

need_cmds wrk:wrk redis-server:redis-server psql:postgresql-client curl:curl
build_app

start_own_pg "$PG_PORT" shared -c fsync=off
PG_HOST_PORT="$(sed -nE 's/.*Port=([0-9]+).*/\1/p' <<<"$PG")"
DBNAME="sharedpages$ARTICLES"
CONN="$PG;Database=$DBNAME"

if ! psql -h 127.0.0.1 -p "$PG_HOST_PORT" -U postgres -X -qAt -c "SELECT 1" "$DBNAME" >/dev/null 2>&1; then
  log "seeding $ARTICLES stories into PostgreSQL database $DBNAME"
  (cd "$WORK" && env ConnectionStrings__Byline="$CONN" Byline__Database__Provider=Postgres Byline__Media__Path="$WORK/media-shared" \
      ASPNETCORE_CONTENTROOT="$APP" DOTNET_CONTENTROOT="$APP" Logging__LogLevel__Default=Warning TERM=dumb \
      dotnet "$APP/Byline.dll" seed --articles "$ARTICLES") >"$OUT/seed.log" 2>&1 \
    || { tail -n 20 "$OUT/seed.log" >&2; die "seed failed"; }
fi

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" >"$OUT/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# node <port> <share pages: true|false|none> <log> — "none": no Redis at all.
node() {
  local port="$1" share="$2" logf="$3" redis=()
  [ "$share" != none ] && redis=(Byline__Redis__Configuration="127.0.0.1:$REDIS_PORT" Byline__Redis__Prefix=bench Byline__Redis__SharePages="$share")
  # The working set (every story page) fits each node's output cache: the restart is what is measured.
  start_site "$port" unused "$logf" $(db_vars "$CONN") Byline__Media__Path="$WORK/media-shared" \
    Byline__Cache__MaxBytes=2147483648 Byline__Cache__DebugHeader=true "${redis[@]}"
}

# Every story's path, from the sitemaps.
paths_file="$OUT/paths.txt"
collect_paths() {
  local base="http://127.0.0.1:$1" index
  index="$(curl -s -H "Host: $HOST_NAME" "$base/sitemap.xml")"
  : >"$paths_file"
  for map in $(grep -oE '<loc>[^<]+</loc>' <<<"$index" | sed -E 's#</?loc>##g; s#^https?://[^/]+##'); do
    curl -s -H "Host: $HOST_NAME" "$base$map" | grep -oE '<loc>[^<]+</loc>' | sed -E 's#</?loc>##g; s#^https?://[^/]+##' >>"$paths_file" || true
  done
  grep -E '^/[a-z0-9-]+/.+-[0-9]+$' "$paths_file" | sort -u >"$paths_file.tmp" && mv "$paths_file.tmp" "$paths_file"
  log "$(wc -l <"$paths_file") story paths from the sitemaps"
}

# The wrk script: a random story per request; counts X-Cache values and statuses over all threads.
cat >"$OUT/random.lua" <<EOF
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  paths = {}
  for line in io.lines("$paths_file") do paths[#paths + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
  tally = {}
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], { ["Host"] = "$HOST_NAME", ["Accept-Encoding"] = "br" })
end
function response(status, headers, body)
  local k = tostring(status) .. ":" .. (headers["X-Cache"] or headers["x-cache"] or "-")
  tally[k] = (tally[k] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do for k, v in pairs(t:get("tally")) do total[k] = (total[k] or 0) + v end end
  for k, v in pairs(total) do io.write(string.format("tally %s %d\n", k, v)) end
end
EOF

hit_rate() {  # hit_rate <wrk output> -> "hits total rate%"
  awk '/^tally /{ split($2, a, ":"); n += $3; if (a[1] == "200" && (a[2] == "HIT" || a[2] == "SHARED" || a[2] == "STALE")) h += $3 }
       END { printf "%d %d %.1f\n", h, n, n ? 100 * h / n : 0 }' "$1"
}

echo "# bench/shared-pages.sh $(date -u '+%Y-%m-%d %H:%M UTC'), build $(git -C "$ROOT" rev-parse --short HEAD), $ARTICLES stories on PostgreSQL, load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. the first minute after a restart, sharing off then on ---------------------------------------
for share in false true; do
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  node "$PORT_A" "$share" "$OUT/a-$share.log"; PID_A=$SITE_PID
  node "$PORT_B" "$share" "$OUT/b-$share.log"; PID_B=$SITE_PID
  [ -s "$paths_file" ] || collect_paths "$PORT_A"
  log "share=$share: warming both nodes (every story once on each, 4 at a time)"
  for port in "$PORT_A" "$PORT_B"; do
    xargs -P 4 -I{} curl -s -o /dev/null -H "Host: $HOST_NAME" -H "Accept-Encoding: br" "http://127.0.0.1:$port{}" <"$paths_file"
  done
  log "share=$share: redis holds $(redis-cli -p "$REDIS_PORT" dbsize) keys; restarting node B (a deploy)"
  stop_pid "$PID_B"
  node "$PORT_B" "$share" "$OUT/b2-$share.log"; PID_B=$SITE_PID
  log "share=$share: first ${FIRST_MINUTE}s of node B after the restart (random stories, c16), load $(cut -d' ' -f1 /proc/loadavg)"
  wrk -t2 -c16 -d"${FIRST_MINUTE}s" --latency -s "$OUT/random.lua" "http://127.0.0.1:$PORT_B/" >"$OUT/first-minute-$share.txt" 2>&1 || true
  read -r hits total rate < <(hit_rate "$OUT/first-minute-$share.txt")
  echo "first minute after restart, sharing $share: $hits of $total served from a cache = ${rate} % ($(awk '/Requests\/sec/{print $2}' "$OUT/first-minute-$share.txt") req/s; $(grep '^tally' "$OUT/first-minute-$share.txt" | sort | tr '\n' ' '))"
  stop_pid "$PID_B"; stop_pid "$PID_A"
done

# --- 2. one node with Redis on vs off, alternated ----------------------------------------------------
redis-cli -p "$REDIS_PORT" flushall >/dev/null
node "$PORT_A" true "$OUT/rps-redis.log"; PID_A=$SITE_PID
node "$PORT_C" none "$OUT/rps-none.log"; PID_C=$SITE_PID
for port in "$PORT_A" "$PORT_C"; do
  xargs -P 4 -I{} curl -s -o /dev/null -H "Host: $HOST_NAME" -H "Accept-Encoding: br" "http://127.0.0.1:$port{}" <"$paths_file"
done
for round in $(seq 1 "$ROUNDS"); do
  for side in redis none; do
    port=$([ "$side" = redis ] && echo "$PORT_A" || echo "$PORT_C")
    wrk -t2 -c32 -d15s --latency -s "$OUT/random.lua" "http://127.0.0.1:$port/" >"$OUT/rps-$side-$round.txt" 2>&1 || true
    echo "round $round, Redis $([ "$side" = redis ] && echo on || echo off): $(awk '/Requests\/sec/{print $2}' "$OUT/rps-$side-$round.txt") req/s, p99 $(awk '$1=="99%"{print $2}' "$OUT/rps-$side-$round.txt"), hit rate $(hit_rate "$OUT/rps-$side-$round.txt" | cut -d' ' -f3) %, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
stop_pid "$PID_A"; stop_pid "$PID_C"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  on="$(awk '/Requests\/sec/{print $2}' "$OUT/rps-redis-$round.txt")"; off="$(awk '/Requests\/sec/{print $2}' "$OUT/rps-none-$round.txt")"
  ratios+=("$(awk -v a="${on:-0}" -v b="${off:-0}" 'BEGIN{ printf "%.3f", (b > 0 ? a / b : 0) }')")
done
echo "Redis on ÷ off per round: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END{print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2)}')"

# --- 3. publish on node A → visible on node B --------------------------------------------------------
if [ "$LATENCY_ROUNDS" -gt 0 ]; then
  dotnet build "$BENCH/PublishLatency" -c Release -o "$OUT/publat" --nologo -v quiet >"$OUT/publat-build.log" 2>&1 \
    || { tail -n 20 "$OUT/publat-build.log" >&2; die "PublishLatency build failed"; }
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  (cd "$WORK" && env Byline__Redis__Configuration="127.0.0.1:$REDIS_PORT" Byline__Redis__Prefix=bench \
     dotnet "$OUT/publat/PublishLatency.dll" "$CONN" "$LATENCY_ROUNDS" 5137 5138) >"$OUT/publat.txt" 2>&1 || { cat "$OUT/publat.txt" >&2; die "PublishLatency failed"; }
  echo "publish on A → visible on B ($LATENCY_ROUNDS rounds): $(grep -E 'editor waits|write started' "$OUT/publat.txt" | tr '\n' ' ')"
fi
echo "# done $(date -u '+%H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
