#!/usr/bin/env bash
# bench/cache-vs-nginx.sh — Byline's cached article page (warm, Accept-Encoding: gzip) against nginx
# serving the very same gzip bytes, taken from Byline's stored entry, as a pre-compressed static
# file (gzip_static). Alternates the two, ROUNDS times, wrk -t2 -c64 -d15s.
#
#   BENCH_DB=/path/to/byline.db bash bench/cache-vs-nginx.sh      (or a PostgreSQL connection string)
#
# Env: BENCH_DB (bench/.work/bench-100000.db) SKIP_BUILD=1 THREADS (2) CONNS (64) DURATION (15s) ROUNDS (2)
# Output: a table on stdout and in bench/.work/runs/<ts>/cache-vs-nginx.md.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
source "$BENCH/caching-lib.sh"
THREADS="${THREADS:-2}"; CONNS="${CONNS:-64}"; DURATION="${DURATION:-15s}"; ROUNDS="${ROUNDS:-2}"
PORT=5131; NGINX_PORT=5132
trap stop_started EXIT
need_cmds wrk:wrk nginx:nginx curl:curl
TS="$(date -u +%Y%m%dT%H%M%SZ)"; RUN="$WORK/runs/$TS-cache"; mkdir -p "$RUN"
build_app
mapfile -t extra < <(db_vars "$DB")
start_site "$PORT" "$DB" "$RUN/site.log" "${extra[@]}" Byline__Cache__Enabled=true
BASE="http://127.0.0.1:$PORT"
ARTICLE_PATH="${ARTICLE_PATH:-$(first_article_path "$BASE" || true)}"
[ -n "$ARTICLE_PATH" ] || die "no article link on $BASE/"
URL="$BASE$ARTICLE_PATH"
curl -sf -o /dev/null "$URL"   # render once: from here on every request is a hit

STATIC="$RUN/static"; mkdir -p "$STATIC"
curl -sf -H 'Accept-Encoding: gzip' -D "$RUN/gz.headers" -o "$STATIC/article.html.gz" "$URL"
curl -sf -o "$STATIC/article.html" "$URL"
grep -qi '^x-cache: HIT' "$RUN/gz.headers" || die "the warm article was not a cache hit"
chmod 755 "$RUN" "$STATIC"; chmod 644 "$STATIC"/*
static_nginx "$STATIC" "$NGINX_PORT" article.html "text/html html;" "gzip off; gzip_static on; etag on;"
NURL="http://127.0.0.1:$NGINX_PORT/article.html"
curl -sf -H 'Accept-Encoding: gzip' -o "$RUN/nginx.gz" "$NURL"
cmp -s "$RUN/nginx.gz" "$STATIC/article.html.gz" || die "nginx does not serve the stored gzip bytes"
SIZE="$(stat -c %s "$STATIC/article.html.gz")"; ISIZE="$(stat -c %s "$STATIC/article.html")"

rows=()
for r in $(seq 1 "$ROUNDS"); do
  log "round $r: byline (idle $(wait_quiet)%)"
  wrk -t"$THREADS" -c"$CONNS" -d3s -H 'Accept-Encoding: gzip' "$URL" >/dev/null 2>&1 || true
  rows+=("$(wrk_run "byline cached r$r" "$URL" "$RUN/byline-$r.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION" -H 'Accept-Encoding: gzip')")
  log "round $r: nginx (idle $(wait_quiet)%)"
  wrk -t"$THREADS" -c"$CONNS" -d3s -H 'Accept-Encoding: gzip' "$NURL" >/dev/null 2>&1 || true
  rows+=("$(wrk_run "nginx gzip_static r$r" "$NURL" "$RUN/nginx-$r.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION" -H 'Accept-Encoding: gzip')")
done
{
  echo "Cached article $ARTICLE_PATH on $(db_label "$DB"), $SIZE gzip bytes ($ISIZE identity), wrk -t$THREADS -c$CONNS -d$DURATION, Accept-Encoding: gzip, $(date -u +%F)"
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---|"
  for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
} | tee "$RUN/cache-vs-nginx.md"
