#!/usr/bin/env bash
# bench/run.sh — Byline's uncached article and home pages against nginx serving the article's
# exact bytes as a static file, measured side by side in one run with wrk.
#
#   bash bench/run.sh                 # build, seed (or reuse) 100,000 articles, measure, write results
#
# Env: ARTICLES (100000) RESEED=1 SKIP_BUILD=1 THREADS (2) CONNS (32) DURATION (15s) WARMUP (5s)
#      ROUNDS (2) QUIET_IDLE (85) QUIET_WAIT (180) FOREIGN_MAX (15) RETRIES (2) QUERIES (1: also count
#      SQL per page) ARTICLE_PATH (/section/slug-id; default: first story link on the home page)
#      PORT (5180) STATIC_PORT (5181) BENCH_DB BENCH_APP (a published build to use instead of bench/.work/app)
# Output: bench/results/<UTC date>-baseline.md (also printed); raw wrk output in bench/.work/runs/.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

THREADS="${THREADS:-2}"; CONNS="${CONNS:-32}"; DURATION="${DURATION:-15s}"; WARMUP="${WARMUP:-5s}"
ROUNDS="${ROUNDS:-2}"; FOREIGN_MAX="${FOREIGN_MAX:-15}"; RETRIES="${RETRIES:-2}"
PORT="${PORT:-5180}"; STATIC_PORT="${STATIC_PORT:-5181}"
NGINX_PID=""

trap stop_started EXIT
trap 'exit 130' INT TERM

need_cmds wrk:wrk nginx:nginx curl:curl
mkdir -p "$WORK"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$WORK/runs/$TS"; mkdir -p "$RUN"

build_app
ensure_db
# The uncached path: every request runs the page handler, its queries and Razor (bench/cache-vs-nginx.sh measures hits).
start_site "$PORT" "$DB" "$RUN/site.log" Byline__Cache__Enabled=false
BASE="http://127.0.0.1:$PORT"

ARTICLE_PATH="${ARTICLE_PATH:-$(first_article_path "$BASE" || true)}"
[ -n "$ARTICLE_PATH" ] || die "no article link found on $BASE/ (set ARTICLE_PATH=/section/slug-id)"
ARTICLE_URL="$BASE$ARTICLE_PATH"; HOME_URL="$BASE/"
for u in "$ARTICLE_URL" "$HOME_URL"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$u")"
  [ "$code" = 200 ] || die "$u answered HTTP $code"
done
log "article: $ARTICLE_PATH"

# --- the static copy: the exact bytes Byline sends for the article (no Accept-Encoding, like wrk)
STATIC="$WORK/static"; mkdir -p "$STATIC"
curl -sf --max-time 30 -D "$RUN/article.headers" -o "$STATIC/article.html" "$ARTICLE_URL"
curl -sf --max-time 30 -o "$RUN/article.2.html" "$ARTICLE_URL"
if cmp -s "$STATIC/article.html" "$RUN/article.2.html"; then SAME_BYTES=yes; else
  SAME_BYTES=no; log "WARNING: the article's HTML differs between two requests (per-request content)"; fi
CTYPE="$(awk -F': ' 'tolower($1)=="content-type"{sub(/\r$/,"",$2); print $2}' "$RUN/article.headers" | tail -n 1)"
CTYPE="${CTYPE:-text/html; charset=utf-8}"
chmod 644 "$STATIC/article.html"

NGX="$WORK/nginx"; mkdir -p "$NGX/tmp"
NGX_USER=""
if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -r "$STATIC/article.html" 2>/dev/null; then
  NGX_USER="user root;"  # the clone lives where 'nobody' cannot read; loopback-only bench server
fi
cat >"$NGX/nginx.conf" <<EOF
# Written by bench/run.sh: the reference for a cached page — the article's bytes as a static file.
$NGX_USER
worker_processes auto;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  types { }
  default_type "$CTYPE";
  server {
    listen 127.0.0.1:$STATIC_PORT;
    root $STATIC;
    location = /article.html { }
    location / { return 404; }
  }
}
EOF
if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$STATIC_PORT/"; then
  die "something already listens on 127.0.0.1:$STATIC_PORT; not mine to stop"
fi
nginx -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;' >"$NGX/stdout.log" 2>&1 &
NGINX_PID=$!; STARTED_PIDS+=("$NGINX_PID")
STATIC_URL="http://127.0.0.1:$STATIC_PORT/article.html"
for i in $(seq 1 50); do curl -s -o /dev/null --max-time 1 "$STATIC_URL" && break; sleep 0.2; done
cmp -s "$STATIC/article.html" <(curl -sf --max-time 5 "$STATIC_URL") || die "nginx does not serve the same bytes"
NGX_CTYPE="$(curl -s -o /dev/null -w '%{content_type}' "$STATIC_URL")"
[ "$NGX_CTYPE" = "$CTYPE" ] || log "WARNING: content types differ: Byline '$CTYPE', nginx '$NGX_CTYPE'"

# --- measuring -------------------------------------------------------------------------------
CLK="$(getconf CLK_TCK)"
machine_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
our_server_ticks() {  # CPU ticks used so far by Byline and nginx (master and workers)
  local p c t=0
  for p in "$SITE_PID" "$NGINX_PID"; do
    for c in "$p" $(pgrep -P "$p" || true); do
      t=$((t + $(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$t"
}
# wrk_once <url> <conns> <duration> <out> — sets FOREIGN: % of the machine used by other tenants.
wrk_once() {
  local b0 t0 s0 b1 t1 s1 w
  read -r b0 t0 < <(machine_ticks); s0="$(our_server_ticks)"
  w="$( { TIMEFORMAT='%3U %3S'; time wrk -t"$THREADS" -c"$2" -d"$3" --timeout 10s --latency "$1" >"$4" 2>&1; } 2>&1 )"
  read -r b1 t1 < <(machine_ticks); s1="$(our_server_ticks)"
  FOREIGN="$(awk -v b="$((b1-b0))" -v t="$((t1-t0))" -v s="$((s1-s0))" -v w="$w" -v hz="$CLK" 'BEGIN{
    split(w, a, " "); f = (t > 0) ? 100 * (b - s - (a[1] + a[2]) * hz) / t : 0; if (f < 0) f = 0; printf "%.0f", f }')"
}
measure() {  # measure <name> <url> <out> — quiet machine first; re-run (bounded) if others interfered
  local try idle
  for try in $(seq 0 "$RETRIES"); do
    idle="$(wait_quiet)"
    log "$1: wrk -t$THREADS -c$CONNS -d$DURATION (idle before: ${idle}%)"
    wrk_once "$2" "$CONNS" "$DURATION" "$3"
    echo "$idle $FOREIGN" >"$3.cpu"
    [ "$FOREIGN" -le "$FOREIGN_MAX" ] && return 0
    if [ "$try" -lt "$RETRIES" ]; then
      log "  other tenants used ${FOREIGN}% of the machine during the run; measuring again"
    else
      log "  other tenants used ${FOREIGN}% of the machine during the run; no retries left, keeping it"
    fi
  done
}
to_ms() {  # wrk latency (812.00us, 3.21ms, 1.02s, 1.5m) -> ms
  awk -v v="$1" 'BEGIN{ n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", n * f }'
}
parse_wrk() {  # -> "rps p50ms p99ms non2xx sockerr completed"
  local f="$1"
  printf '%s %s %s %s %s %s\n' \
    "$(awk '/^Requests\/sec:/{printf "%.2f", $2}' "$f")" \
    "$(to_ms "$(awk '$1=="50.000%" || $1=="50%"{print $2; exit}' "$f")")" \
    "$(to_ms "$(awk '$1=="99.000%" || $1=="99%"{print $2; exit}' "$f")")" \
    "$(awk '/Non-2xx or 3xx responses/{s += $NF} END{print s + 0}' "$f")" \
    "$(awk '/Socket errors/{gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i} END{print s + 0}' "$f")" \
    "$(awk '/ requests in /{print $1; exit}' "$f")"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END{ if (NR == 0) print "-";
  else if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

NAMES=(article home static)
declare -A URL=([article]="$ARTICLE_URL" [home]="$HOME_URL" [static]="$STATIC_URL")
declare -A LABEL=([article]="Byline article, uncached" [home]="Byline home, uncached" [static]="nginx static article (same bytes)")
declare -A BYTES SINGLE
for n in "${NAMES[@]}"; do BYTES[$n]="$(curl -s -o /dev/null -w '%{size_download}' "${URL[$n]}")"; done
for n in article home; do  # one request at a time, three times: what a lone reader waits
  SINGLE[$n]="$(for i in 1 2 3; do curl -s -o /dev/null --max-time 60 -w '%{time_total}\n' "${URL[$n]}"; done \
    | awk '{printf "%s%.0f", (NR > 1 ? ", " : ""), $1 * 1000} END{print " ms"}')"
done

for n in "${NAMES[@]}"; do
  wait_quiet >/dev/null
  log "$n: warm-up $WARMUP"
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${URL[$n]}" >"$RUN/$n.warmup.txt" 2>&1
done

ORDER_LOG=()
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then order=(article home static); else order=(static home article); fi
  for n in "${order[@]}"; do
    measure "$n" "${URL[$n]}" "$RUN/$n.$r.txt"
    ORDER_LOG+=("$n")
  done
done

# --- results ---------------------------------------------------------------------------------
declare -A RPS P50 P99 N2XX SERR RANGE CPU DONE
for n in "${NAMES[@]}"; do
  rs=""; p5=""; p9=""; nx=0; se=0; fo=""; dn=0
  for r in $(seq 1 "$ROUNDS"); do
    read -r a b c d e g < <(parse_wrk "$RUN/$n.$r.txt")
    rs+="$a "; p5+="$b "; p9+="$c "; nx=$((nx + d)); se=$((se + e)); dn=$((dn + ${g:-0}))
    fo+="$(awk '{print $2}' "$RUN/$n.$r.txt.cpu")/"
  done
  RPS[$n]="$(median <<<"$rs" | awk '{printf ($1 < 10 ? "%.1f" : "%.0f"), $1}')"
  P50[$n]="$(median <<<"$p5" | xargs printf '%.2f')"; P99[$n]="$(median <<<"$p9" | xargs printf '%.1f')"
  N2XX[$n]="$nx"; SERR[$n]="$se"; CPU[$n]="${fo%/}"; DONE[$n]="$dn"
  # wrk leaves requests slower than --timeout (10 s) out of its histogram and prints 0 when it is empty
  if [ "$dn" = 0 ] || [ "${P50[$n]}" = 0.00 ]; then P50[$n]="> 10 s"; P99[$n]="> 10 s"; fi
  if [ "$se" != 0 ]; then P99[$n]="${P99[$n]} (+$se over 10 s)"; fi
  RANGE[$n]="$(tr ' ' '\n' <<<"$rs" | grep -v '^$' | sort -g | sed -n '1p;$p' \
    | awk '{printf "%s" ($1 < 10 ? "%.1f" : "%.0f"), (NR > 1 ? "–" : ""), $1}')"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "–"; else printf "%.4f", a / b }'; }
times_slower() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "–"; else printf "%.0f× faster", a / b }'; }

mkdir -p "$BENCH/results"
OUT="$BENCH/results/${OUTNAME:-$(date -u +%F)-baseline}.md"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git -C "$ROOT" status --porcelain -- src 2>/dev/null | grep -q . && echo ' (src modified)' || true)"
{
  echo "# Byline baseline — $(date -u '+%F %H:%M UTC')"
  echo
  echo "Side by side in one run: Byline (Release, SQLite, no output cache in front) against nginx"
  echo "serving the article page's exact bytes as a static file. Medians of $ROUNDS runs per target, run"
  echo "order alternated (${ORDER_LOG[*]})."
  echo
  echo "| target | body bytes | req/s (median; range) | p50 ms | p99 ms | requests completed (all runs) | non-2xx | socket errors | req/s ÷ nginx | nginx is |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for n in "${NAMES[@]}"; do
    if [ "$n" = static ]; then rt="1"; ts="—"; else rt="$(ratio "${RPS[$n]}" "${RPS[static]}")"; ts="$(times_slower "${RPS[static]}" "${RPS[$n]}")"; fi
    echo "| ${LABEL[$n]} | ${BYTES[$n]} | ${RPS[$n]} (${RANGE[$n]}) | ${P50[$n]} | ${P99[$n]} | ${DONE[$n]} | ${N2XX[$n]} | ${SERR[$n]} | $rt | $ts |"
  done
  echo
  echo "- single requests before the load (curl, time total): article ${SINGLE[article]}, home ${SINGLE[home]}"
  echo "- article: \`$ARTICLE_PATH\`; same bytes on two requests: $SAME_BYTES; content type \`$CTYPE\` on both servers"
  echo "- data: $(db_article_count "$DB") articles in a fresh SQLite file (WAL); $SEED_NOTE"
  echo "- load: wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}') -t$THREADS -c$CONNS -d$DURATION --latency, keep-alive, no Accept-Encoding (no compression on either side); $WARMUP warm-up per target; loopback, wrk shares the CPUs with the servers"
  echo "- hygiene: before each run, waited (≤ ${QUIET_WAIT:-180} s) for ≥ ${QUIET_IDLE:-85} % machine idle; a run is repeated (≤ $RETRIES times) when other tenants used > $FOREIGN_MAX % of the machine; other tenants' share per run: article ${CPU[article]} %, home ${CPU[home]} %, static ${CPU[static]} %"
  echo "- host: $(nproc) vCPU ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r); loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- software: .NET $(dotnet --version 2>/dev/null) SDK, Byline $COMMIT$DIRTY, $(nginx -v 2>&1 | sed 's|.*: ||') (worker_processes auto, sendfile on, access_log off, gzip off)"
} >"$OUT"

if [ "${QUERIES:-1}" = 1 ]; then
  stop_started  # the query count runs its own Byline with SQL logging on
  SKIP_BUILD=1 ARTICLE_PATH="$ARTICLE_PATH" QUERIES_APPEND="$OUT" bash "$BENCH/queries.sh" >/dev/null || log "WARNING: queries.sh failed"
fi
cp "$OUT" "$RUN/summary.md"
cat "$OUT"
