#!/usr/bin/env bash
# bench/wordpress.sh — Byline with the output cache OFF beside WordPress 6.1 (the peer in
# ${PEER_DIR:-/work/shared/peers/wordpress}: Debian's package, php-fpm, MariaDB, default theme, no page
# cache), both holding the same number of stories, measured alternately in one run with wrk:
# Byline article vs WordPress single post, Byline home vs WordPress home, at CONNS and (C1=1) at one
# connection. Neither side compresses: wrk sends no Accept-Encoding.
#
#   $PEER_DIR/setup.sh && $PEER_DIR/load.sh 100000    # once (long); not under the bench lock
#   bash bench/wordpress.sh                           # takes the bench lock only while measuring
#
# Env: ARTICLES (100000) BENCH_DB (default bench/.work/bench-$ARTICLES.db, seeded when missing)
#      SKIP_BUILD=1 THREADS (2) CONNS (32) DURATION (15s) WARMUP (5s) C1 (1) C1_DURATION (10s)
#      ROUNDS (2) QUIET_IDLE (85) QUIET_WAIT (120) FOREIGN_MAX (15) RETRIES (1) PORT (5151)
#      ARTICLE_PATH (Byline article; default: first story link on the home page) PEER_DIR PEER_STATE
#      BENCH_LOCK (/tmp/byline-bench.lock; empty: no lock) LOCK_WAIT (1800 s) OUTNAME (also write
#      bench/results/$OUTNAME.md)
# Output: a table on stdout and bench/.work/runs/<ts>-wordpress/wordpress.md (raw wrk output beside it).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
source "$BENCH/caching-lib.sh"

THREADS="${THREADS:-2}"; CONNS="${CONNS:-32}"; DURATION="${DURATION:-15s}"; WARMUP="${WARMUP:-5s}"
C1="${C1:-1}"; C1_DURATION="${C1_DURATION:-10s}"; ROUNDS="${ROUNDS:-2}"
FOREIGN_MAX="${FOREIGN_MAX:-15}"; RETRIES="${RETRIES:-1}"; QUIET_WAIT="${QUIET_WAIT:-120}"
PORT="${PORT:-5151}"; PEER_DIR="${PEER_DIR:-/work/shared/peers/wordpress}"
BENCH_LOCK="${BENCH_LOCK-/tmp/byline-bench.lock}"; LOCK_WAIT="${LOCK_WAIT:-1800}"
PEER_STARTED=0

cleanup() {
  stop_started
  # Only a peer this script started is stopped again; one that was already running is left as found.
  if [ "$PEER_STARTED" = 1 ]; then "$PEER_DIR/teardown.sh" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the peer must be set up and loaded: otherwise one line and a non-zero exit --------------------
[ -x "$PEER_DIR/start.sh" ] && [ -f "$PEER_DIR/env.sh" ] \
  || die "WordPress peer not found in $PEER_DIR (set PEER_DIR)"
# Read the peer's own settings (state folder, port, MariaDB socket) instead of restating them here.
read -r P_STATE WP_PORT DB_SOCK DB_NAME < <(bash -c 'source "$1/env.sh"; echo "$STATE $WP_PORT $DB_SOCK $DB_NAME"' _ "$PEER_DIR")
[ -f "$P_STATE/conf/nginx.conf" ] && [ -f /usr/share/wordpress/wp-includes/version.php ] \
  || die "WordPress peer not set up: run $PEER_DIR/setup.sh && $PEER_DIR/load.sh $ARTICLES"
need_cmds wrk:wrk curl:curl
if ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$WP_PORT/fpm-status"; then
  log "WordPress peer not running; starting it ($PEER_DIR/start.sh), stopped again on exit"
  PEER_STARTED=1
  "$PEER_DIR/start.sh" >/dev/null || die "WordPress peer failed to start ($PEER_DIR/start.sh)"
fi
WP_POSTS="$(mariadb --socket="$DB_SOCK" -uroot -N -e \
  "SELECT COUNT(*) FROM $DB_NAME.wp_posts WHERE post_type='post' AND post_status='publish'" 2>/dev/null || echo 0)"
[ "$WP_POSTS" = "$ARTICLES" ] \
  || die "WordPress holds ${WP_POSTS:-0} published posts, not $ARTICLES: run $PEER_DIR/load.sh $ARTICLES"
# The peer's choice of post: the 100th most recent (a recent story, not on the home page).
mapfile -t WP_URLS < <(cd /tmp && php "$PEER_DIR/php/urls.php")
WP_POST_URL="${WP_URLS[0]:-}"; WP_HOME_URL="${WP_URLS[1]:-}"
[ -n "$WP_POST_URL" ] || die "the peer's urls.php printed no post URL"

mkdir -p "$WORK"
REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"  # the commit built, not the one at report time
TS="$(date -u +%Y%m%dT%H%M%SZ)"; OUT="$WORK/runs/$TS-wordpress"; mkdir -p "$OUT"

# --- Byline: Release build, output cache off, the same number of stories --------------------------
build_app
ensure_db
start_site "$PORT" "$DB" "$OUT/site.log" Byline__Cache__Enabled=false
BASE="http://127.0.0.1:$PORT"
ARTICLE_PATH="${ARTICLE_PATH:-$(first_article_path "$BASE" || true)}"
[ -n "$ARTICLE_PATH" ] || die "no article link found on $BASE/ (set ARTICLE_PATH=/section/slug-id)"

# name|url — the order of one round; even rounds run it backwards.
TARGETS=("byline-article|$BASE$ARTICLE_PATH" "wp-post|$WP_POST_URL" "byline-home|$BASE/" "wp-home|$WP_HOME_URL")
declare -A BYTES CTYPE
for t in "${TARGETS[@]}"; do
  name="${t%%|*}"; url="${t#*|}"
  read -r code size ctype < <(curl -s -o "$OUT/$name.html" -D "$OUT/$name.headers" --max-time 60 \
    -w '%{http_code} %{size_download} %{content_type}\n' "$url")
  [ "$code" = 200 ] || die "$name: $url answered HTTP $code"
  # Both sides must answer uncompressed bytes to a client that asks for nothing else.
  if grep -qi '^content-encoding:' "$OUT/$name.headers"; then die "$name: compressed without Accept-Encoding"; fi
  BYTES[$name]="$size"; CTYPE[$name]="${ctype// /}"
done

# --- measuring --------------------------------------------------------------------------------------
CLK="$(getconf CLK_TCK)"
machine_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
pids_of() { local p="$1"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null && { echo "$p"; pgrep -P "$p" || true; }; }
ours_ticks() {  # CPU ticks so far of both servers: Byline, and the peer's nginx, php-fpm and MariaDB
  local f p t=0 all=("$SITE_PID")
  for f in "$P_STATE/run/nginx.pid" "$P_STATE/run/php-fpm.pid" "$P_STATE/run/mysql/mariadb.pid"; do
    [ -s "$f" ] && all+=("$(cat "$f")")
  done
  for p in "${all[@]}"; do
    for q in $(pids_of "$p"); do t=$((t + $(awk '{print $14+$15}' "/proc/$q/stat" 2>/dev/null || echo 0))); done
  done
  echo "$t"
}
# php-fpm keeps working through requests queued before wrk hung up; the next run must not share
# the cores with that tail, so wait (bounded) until the pool is idle again.
wait_wp_idle() {
  local i st
  for i in $(seq 1 240); do
    st="$(curl -s --max-time 2 "http://127.0.0.1:$WP_PORT/fpm-status" || true)"
    grep -qE '^active processes: *1$' <<<"$st" && grep -qE '^listen queue: *0$' <<<"$st" && return 0
    sleep 0.5
  done
  log "WARNING: php-fpm still busy after 120 s"
}
# measure <name> <url> <conns> <duration> <out> — prints "rps p50 p99 errors idle foreign load1"
measure() {
  local name="$1" url="$2" conns="$3" dur="$4" out="$5" try idle b0 t0 s0 b1 t1 s1 w row foreign load
  for try in $(seq 0 "$RETRIES"); do
    wait_wp_idle; idle="$(wait_quiet)"; load="$(cut -d' ' -f1 /proc/loadavg)"
    log "$name: wrk -c$conns -d$dur (idle before ${idle}%, load $load)"
    read -r b0 t0 < <(machine_ticks); s0="$(ours_ticks)"
    # wrk refuses fewer connections than threads: one connection gets one thread.
    w="$( { TIMEFORMAT='%3U %3S'; time wrk_run "$name" "$url" "$out" -t"$(( conns < THREADS ? conns : THREADS ))" -c"$conns" -d"$dur" --timeout 10s >"$out.row"; } 2>&1 )"
    read -r b1 t1 < <(machine_ticks); s1="$(ours_ticks)"
    row="$(cat "$out.row")"
    # Other tenants' share of the machine: busy time minus both servers and wrk itself.
    foreign="$(awk -v b="$((b1-b0))" -v t="$((t1-t0))" -v s="$((s1-s0))" -v w="$w" -v hz="$CLK" 'BEGIN{
      split(w, a, " "); f = (t > 0) ? 100 * (b - s - (a[1] + a[2]) * hz) / t : 0; if (f < 0) f = 0; printf "%.0f", f }')"
    IFS='|' read -r _ rps p50 p99 _ <<<"$row"
    errs="$(awk '/^ *Non-2xx/{s+=$NF} /^ *Socket errors/{sub(/.*errors:/,""); gsub(/[^0-9 ]/," "); for(i=1;i<=NF;i++) s+=$i} END{print s+0}' "$out")"
    [ "$foreign" -le "$FOREIGN_MAX" ] && break
    [ "$try" -lt "$RETRIES" ] && log "  other tenants used ${foreign}% of the machine; measuring again"
  done
  echo "$rps $p50 $p99 $errs $idle $foreign $load"
}

take_lock() {
  [ -n "$BENCH_LOCK" ] || return 0
  exec 9>"$BENCH_LOCK"
  log "waiting for the bench lock $BENCH_LOCK (at most ${LOCK_WAIT}s)"
  flock -w "$LOCK_WAIT" 9 || die "bench lock $BENCH_LOCK still held after ${LOCK_WAIT}s"
  log "bench lock taken"
}
release_lock() { [ -n "$BENCH_LOCK" ] && flock -u 9 || true; }

# Warm both sides first (JIT, SQLite and InnoDB pages, opcache) — outside the lock.
for t in "${TARGETS[@]}"; do wrk -t"$THREADS" -c"$THREADS" -d"$WARMUP" "${t#*|}" >/dev/null 2>&1 || true; done

take_lock
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A R
for round in $(seq 1 "$ROUNDS"); do
  order=("${TARGETS[@]}")
  if (( round % 2 == 0 )); then order=(); for ((i=${#TARGETS[@]}-1; i>=0; i--)); do order+=("${TARGETS[$i]}"); done; fi
  for t in "${order[@]}"; do
    name="${t%%|*}"; url="${t#*|}"
    wrk -t"$THREADS" -c"$THREADS" -d"$WARMUP" "$url" >/dev/null 2>&1 || true
    R[$name|$CONNS|$round]="$(measure "$name" "$url" "$CONNS" "$DURATION" "$OUT/$name.c$CONNS.r$round.txt")"
  done
  if [ "$C1" = 1 ]; then
    for t in "${order[@]}"; do
      name="${t%%|*}"; url="${t#*|}"
      R[$name|1|$round]="$(measure "$name" "$url" 1 "$C1_DURATION" "$OUT/$name.c1.r$round.txt")"
    done
  fi
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
release_lock

# --- report -----------------------------------------------------------------------------------------
field() { local v; read -r -a v <<<"${R[$1]}"; echo "${v[$2]}"; }   # field <key> <index>
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f", a / b; else print "-" }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END{ if (NR%2) print v[(NR+1)/2]; else printf "%.2f", (v[NR/2]+v[NR/2+1])/2 }'; }
conns_list=("$CONNS"); [ "$C1" = 1 ] && conns_list+=(1)
WP_VERSION="$(dpkg-query -W -f='${Version}' wordpress 2>/dev/null || echo '?')"
{
  echo "# Byline (output cache off) beside WordPress 6.1, $ARTICLES stories each — $TS"
  echo
  echo "- Byline $REV$([ "${SKIP_BUILD:-0}" = 1 ] && echo " (SKIP_BUILD=1: the build in $APP may be older)") Release, SQLite $DB, cache off, 127.0.0.1:$PORT"
  echo "- WordPress $WP_VERSION (Debian), theme $(mariadb --socket="$DB_SOCK" -uroot -N -e "SELECT option_value FROM $DB_NAME.wp_options WHERE option_name='stylesheet'" 2>/dev/null), PHP $(dpkg-query -W -f='${Version}' php8.2-fpm 2>/dev/null) fpm, MariaDB $(dpkg-query -W -f='${Version}' mariadb-server 2>/dev/null), nginx $(dpkg-query -W -f='${Version}' nginx 2>/dev/null), $WP_POSTS posts, no page or object cache"
  echo "- wrk $(dpkg-query -W -f='${Version}' wrk 2>/dev/null) -t$THREADS, c$CONNS for $DURATION$([ "$C1" = 1 ] && echo " and c1 for $C1_DURATION"), --timeout 10s, $WARMUP warm-up per run, no Accept-Encoding; $ROUNDS rounds, order alternated; $(nproc) vCPU shared by wrk and both servers"
  echo "- Byline article $ARTICLE_PATH; WordPress post ${WP_POST_URL#http://127.0.0.1:$WP_PORT}"
  echo "- load average before: $LOAD_BEFORE; after: $LOAD_AFTER; lock: ${BENCH_LOCK:-none}"
  echo
  echo "| target | conns | body bytes | req/s per round | req/s median | p50 ms per round | p99 ms per round | errors | idle before % / others' CPU % / load1 per round |"
  echo "|---|---:|---:|---|---:|---|---|---:|---|"
  for c in "${conns_list[@]}"; do
    for t in "${TARGETS[@]}"; do
      name="${t%%|*}"; rps=(); p50=(); p99=(); env=(); err=0
      for round in $(seq 1 "$ROUNDS"); do
        k="$name|$c|$round"
        rps+=("$(field "$k" 0)"); p50+=("$(field "$k" 1)"); p99+=("$(field "$k" 2)")
        err=$((err + $(field "$k" 3))); env+=("$(field "$k" 4)/$(field "$k" 5)/$(field "$k" 6)")
      done
      echo "| $name | $c | ${BYTES[$name]} | ${rps[*]} | $(echo "${rps[*]}" | median) | ${p50[*]} | ${p99[*]} | $err | ${env[*]} |"
    done
  done
  echo
  echo "Byline ÷ WordPress, req/s, each round on its own (same round = same conditions) and the medians:"
  echo
  echo "| pair | conns | per round | of medians |"
  echo "|---|---:|---|---:|"
  for c in "${conns_list[@]}"; do
    for pair in "byline-article wp-post" "byline-home wp-home"; do
      read -r a b <<<"$pair"; per=(); ra=(); rb=()
      for round in $(seq 1 "$ROUNDS"); do
        x="$(field "$a|$c|$round" 0)"; y="$(field "$b|$c|$round" 0)"; ra+=("$x"); rb+=("$y")
        per+=("$(ratio "$x" "$y")×")
      done
      echo "| $a / $b | $c | ${per[*]} | $(ratio "$(echo "${ra[*]}" | median)" "$(echo "${rb[*]}" | median)")× |"
    done
  done
  echo
  echo "Content types: $(for t in "${TARGETS[@]}"; do n="${t%%|*}"; printf '%s %s; ' "$n" "${CTYPE[$n]}"; done)"
} | tee "$OUT/wordpress.md"
if [ -n "${OUTNAME:-}" ]; then cp "$OUT/wordpress.md" "$BENCH/results/$OUTNAME.md"; log "wrote bench/results/$OUTNAME.md"; fi
