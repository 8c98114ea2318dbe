#!/usr/bin/env bash
# bench/uncached.sh — Byline with the output cache OFF (every request renders from the database):
# article, home, section page 1 and page 1000, tag and author pages, wrk --latency, one after the
# other; records p50/p99 and the server's peak resident set.
#
#   BENCH_DB=/path/byline.db CONNS=8 bash bench/uncached.sh                   # SQLite file
#   BENCH_DB="Host=127.0.0.1;Port=5470;Username=postgres;Database=byline1m" bash bench/uncached.sh
#
# Env: BENCH_DB SKIP_BUILD=1 THREADS (2) CONNS (8) DURATION (15s) PAGES ("article home section section1000 tag author")
#      WARMUP_EACH (4s: every page is served this long before the first is measured)
#      SITE_ENV (extra VAR=value for the server, e.g. "DOTNET_GCHeapHardLimit=0x10000000")
# Output: table on stdout and bench/.work/runs/<ts>-uncached/uncached.md
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
source "$BENCH/caching-lib.sh"
THREADS="${THREADS:-2}"; CONNS="${CONNS:-8}"; DURATION="${DURATION:-15s}"
PAGES="${PAGES:-article home section section1000 tag author}"
PORT="${PORT:-5134}"
trap stop_started EXIT
need_cmds wrk:wrk curl:curl
TS="$(date -u +%Y%m%dT%H%M%SZ)"; RUN="$WORK/runs/$TS-uncached"; mkdir -p "$RUN"
build_app
mapfile -t extra < <(db_vars "$DB")
# shellcheck disable=SC2206
site_env=(${SITE_ENV:-})
start_site "$PORT" "$DB" "$RUN/site.log" "${extra[@]}" Byline__Cache__Enabled=false "${site_env[@]}"
BASE="http://127.0.0.1:$PORT"
ARTICLE="$(first_article_path "$BASE" || true)"; [ -n "$ARTICLE" ] || die "no article link on $BASE/"
SECTION="/$(echo "$ARTICLE" | cut -d/ -f2)"
TAG="$(curl -sf "$BASE$ARTICLE" | grep -oE 'href="/tag/[a-z0-9-]+"' | head -n1 | sed -E 's/href="(.*)"/\1/' || true)"
AUTHOR="$(curl -sf "$BASE$ARTICLE" | grep -oE 'href="/author/[a-z0-9-]+"' | head -n1 | sed -E 's/href="(.*)"/\1/' || true)"
declare -A URLS=([article]="$ARTICLE" [home]="/" [section]="$SECTION" [section1000]="$SECTION?page=1000" [tag]="$TAG" [author]="$AUTHOR")
rss_watch "$SITE_PID" "$RUN/rss.max"
# The runtime tiers its hot code up in the background during the first tens of seconds (docs/speed.md):
# every page is served for WARMUP_EACH before any is measured, so no page pays for the start-up.
for p in $PAGES; do
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP_EACH:-4s}" "$BASE${URLS[$p]}" >/dev/null 2>&1 || true
done
rows=()
for p in $PAGES; do
  u="$BASE${URLS[$p]}"
  code="$(curl -s -o /dev/null -w '%{http_code}' "$u")"; [ "$code" = 200 ] || die "$u answered $code"
  log "$p: ${URLS[$p]} (idle $(wait_quiet)%)"
  wrk -t"$THREADS" -c"$CONNS" -d3s "$u" >/dev/null 2>&1 || true
  rows+=("$(wrk_run "$p ${URLS[$p]}" "$u" "$RUN/$p.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION")")
done
sleep 1
RSS_MB="$(awk '{printf "%.0f", $1/1024}' "$RUN/rss.max")"
ANON_MB="$(awk '{printf "%.0f", $1/1024}' "$RUN/rss.max.anon")"
FILE_MB="$(awk '{printf "%.0f", $1/1024}' "$RUN/rss.max.file")"
{
  echo "Uncached pages on $(db_label "$DB") ($(db_article_count "$DB" || true) articles), wrk -t$THREADS -c$CONNS -d$DURATION, $(date -u +%F); server peak RSS ${RSS_MB} MB (anonymous ${ANON_MB} MB, file-backed ${FILE_MB} MB, each its own peak); load average $(cut -d" " -f1-3 /proc/loadavg)${SITE_ENV:+ with $SITE_ENV}"
  echo
  echo "| page | req/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---|"
  for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
} | tee "$RUN/uncached.md"
