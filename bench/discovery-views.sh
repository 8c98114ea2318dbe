#!/usr/bin/env bash
# View counting under load (see bench/discovery.md). Two Byline processes on copies of one small
# generated database: counting on (:5121) and Byline:Discovery:CountViews=false (:5122). Measures
#   (a) POST /v accepted per second, wrk -t2 -c32, counting on, and the same against the process with
#       counting off (the cost of counting itself: server CPU per beacon, on vs off);
#   (b) the article page (CACHED: warm output cache, the page most readers get) at c32 while a beacon
#       load runs beside it at c8, counting on vs off, rounds alternating on/off then off/on;
#       and the page alone (no beacons) as the reference of the same run.
# After the runs the counting process is stopped (its final flush) and the views stored are compared
# with the beacons wrk got a 204 for. Prints a markdown table with the machine's load per run and the
# server's CPU time per request, which a busy machine does not inflate the way it cuts throughput.
# REF_APP=<a published build of another commit> adds it as a reference process (:5123, counting on)
# to the beacons-alone runs, alternated with this build.
#   bash bench/discovery-views.sh            # ROUNDS=2 D=15s ARTICLES=2000
set -euo pipefail
ARTICLES="${ARTICLES:-2000}"
source "$(dirname "$0")/lib.sh"
ROUNDS="${ROUNDS:-2}"
D="${D:-15s}"
SECS="${D%s}"
ON_PORT="${ON_PORT:-5121}"
OFF_PORT="${OFF_PORT:-5122}"
REF_PORT="${REF_PORT:-5123}"
RUN="$WORK/views-$(date -u +%Y%m%dT%H%M%S)"
trap stop_started EXIT
need_cmds wrk:wrk sqlite3:sqlite3
mkdir -p "$RUN"
build_app
ensure_db
cp "$DB" "$RUN/on.db"
cp "$DB" "$RUN/off.db"
start_site "$ON_PORT" "$RUN/on.db" "$RUN/on.log" Byline__Discovery__CountViews=true
ON_PID=$SITE_PID
start_site "$OFF_PORT" "$RUN/off.db" "$RUN/off.log" Byline__Discovery__CountViews=false
OFF_PID=$SITE_PID
REF_PID=
if [ -n "${REF_APP:-}" ]; then
  cp "$DB" "$RUN/ref.db"
  saved_app="$APP"; APP="$REF_APP"
  start_site "$REF_PORT" "$RUN/ref.db" "$RUN/ref.log" Byline__Discovery__CountViews=true
  REF_PID=$SITE_PID; APP="$saved_app"
fi
ARTICLE="$(first_article_path "http://127.0.0.1:$ON_PORT")"
[ -n "$ARTICLE" ] || die "no article link on the home page"
log "article under test: $ARTICLE"
# Beacons carry the page's view token (see docs/discovery.md); every beacon of the run is the same
# client and story, so after the first it exercises the token check and the per-client bounds.
VIEW_TOKEN="$(curl -s "http://127.0.0.1:$ON_PORT$ARTICLE" | grep -o 'data-view="[^"]*"' | head -1 | sed 's/data-view="//;s/"$//')"
export VIEW_TOKEN
log "view token: ${VIEW_TOKEN:-none (a build before view tokens)}"

# Warm both processes: JIT, the output cache entry, the beacon path.
for port in "$ON_PORT" "$OFF_PORT" ${REF_PID:+"$REF_PORT"}; do
  wrk -t1 -c8 -d3s "http://127.0.0.1:$port$ARTICLE" >/dev/null
  wrk -t1 -c8 -d3s -s "$BENCH/views.lua" "http://127.0.0.1:$port/v" >"$RUN/warm-$port.txt"
done

jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
proc_jiffies() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rate() { awk '/Requests\/sec/{print $2}' "$1"; }
non2xx() { awk '/Non-2xx/{print $5}' "$1" | grep . || echo 0; }
requests() { awk '/requests in/{print $1}' "$1"; }
HZ="$(getconf CLK_TCK)"
CORES="$(nproc)"
TOTAL_BEACONS=$(( $(requests "$RUN/warm-$ON_PORT.txt") - $(non2xx "$RUN/warm-$ON_PORT.txt") ))

# The share of the machine other processes took during a run: busy jiffies minus ours (app + wrk).
foreign_pct() {  # foreign_pct <machine jiffies> <our jiffies> <seconds>
  awk -v m="$1" -v o="$2" -v s="$3" -v hz="$HZ" -v c="$CORES" 'BEGIN{f=(m-o)/(hz*s*c)*100; if (f<0) f=0; printf "%.0f", f}'
}

us_per() {  # us_per <jiffies> <requests>: server CPU microseconds per request
  awk -v j="$1" -v n="$2" -v hz="$HZ" 'BEGIN{ if (n > 0) printf "%.1f", j / hz * 1e6 / n; else print "-" }'
}

beacons_alone() {  # beacons_alone <label> <port> <pid> <round>
  local label="$1" port="$2" pid="$3" round="$4" out="$RUN/beacons-$1-$4.txt" m0 a0 a w
  m0=$(jiffies); a0=$(proc_jiffies "$pid")
  /usr/bin/time -f "%U %S" -o "$out.cpu" wrk -t2 -c32 -d"$D" -s "$BENCH/views.lua" "http://127.0.0.1:$port/v" >"$out"
  a=$(( $(proc_jiffies "$pid") - a0 ))
  w=$(awk -v hz="$HZ" '{printf "%.0f", ($1+$2)*hz}' "$out.cpu")
  [ "$label" = this ] && TOTAL_BEACONS=$((TOTAL_BEACONS + $(requests "$out") - $(non2xx "$out")))
  echo "$label $(rate "$out") $(us_per "$a" "$(requests "$out")")" >>"$RUN/beacons.txt"
  echo "| (a) beacons alone, $label build, round $round | $(rate "$out") beacons/s (non-2xx $(non2xx "$out")) | server CPU $(us_per "$a" "$(requests "$out")") µs per beacon | $(foreign_pct $(( $(jiffies) - m0 )) $(( a + w )) "$SECS") % |"
}

page_run() {  # page_run <label> <port> <pid> <with beacons: 1|0> <round>
  local label="$1" port="$2" pid="$3" beacons="$4" round="$5" m0 a0 w=0 bp
  local page="$RUN/page-$label-$round.txt" beacon="$RUN/beacon-$label-$round.txt"
  m0=$(jiffies); a0=$(proc_jiffies "$pid")
  local a
  if [ "$beacons" = 1 ]; then
    /usr/bin/time -f "%U %S" -o "$beacon.cpu" wrk -t1 -c8 -d"$D" -s "$BENCH/views.lua" "http://127.0.0.1:$port/v" >"$beacon" &
    bp=$!
  fi
  /usr/bin/time -f "%U %S" -o "$page.cpu" wrk -t1 -c32 -d"$D" "http://127.0.0.1:$port$ARTICLE" >"$page"
  if [ "$beacons" = 1 ]; then
    wait "$bp"
    w=$(awk -v hz="$HZ" '{printf "%.0f", ($1+$2)*hz}' "$beacon.cpu")
    [ "$label" = on ] && TOTAL_BEACONS=$((TOTAL_BEACONS + $(requests "$beacon") - $(non2xx "$beacon")))
  fi
  w=$((w + $(awk -v hz="$HZ" '{printf "%.0f", ($1+$2)*hz}' "$page.cpu")))
  a=$(( $(proc_jiffies "$pid") - a0 ))
  local f; f=$(foreign_pct $(( $(jiffies) - m0 )) $(( a + w )) "$SECS")
  local served=$(( $(requests "$page") + $([ "$beacons" = 1 ] && requests "$beacon" || echo 0) ))
  echo "$label $round $(rate "$page") $([ "$beacons" = 1 ] && rate "$beacon" || echo -) $f" >>"$RUN/pages.txt"
  echo "| (b) page, $([ "$label" = alone ] && echo "counting on, no beacons" || echo "counting $label + beacons"), round $round | $(rate "$page") pages/s (non-2xx $(non2xx "$page")) | $([ "$beacons" = 1 ] && echo "$(rate "$beacon") beacons/s; " || echo "")server CPU $(us_per "$a" "$served") µs per request | $f % |"
}

echo "# View counting, $(date -u '+%F %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD), $ARTICLES stories, SQLite, wrk $D per run"
echo
echo "Machine idle before the runs: $(cpu_idle_pct 3) %; load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| run | result | beside it / cost | other processes' CPU during the run |"
echo "| --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  beacons_alone this "$ON_PORT" "$ON_PID" "$r"
  beacons_alone counting-off "$OFF_PORT" "$OFF_PID" "$r"
  if [ -n "$REF_PID" ]; then beacons_alone reference "$REF_PORT" "$REF_PID" "$r"; fi
done
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="on off"; else order="off on"; fi
  for mode in $order; do
    if [ "$mode" = on ]; then page_run on "$ON_PORT" "$ON_PID" 1 "$r"; else page_run off "$OFF_PORT" "$OFF_PID" 1 "$r"; fi
  done
  page_run alone "$ON_PORT" "$ON_PID" 0 "$r"
done
echo
awk '
  { page[$1] = page[$1] " " $3; if ($4 != "-") beacon[$1] = beacon[$1] " " $4 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    on = median(page["on"]); off = median(page["off"]); alone = median(page["alone"])
    printf "Medians: page with beacons, counting on **%.0f**/s, counting off **%.0f**/s (on/off = **%.3f**); beacons beside it %.0f/s (on), %.0f/s (off); page alone %.0f/s.\n", on, off, on / off, median(beacon["on"]), median(beacon["off"]), alone
  }' "$RUN/pages.txt"
awk '
  { rate[$1] = rate[$1] " " $2; cpu[$1] = cpu[$1] " " $3 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k in rate) printf "Beacons alone, %s build: median **%.0f**/s accepted, server CPU **%.1f µs** per beacon (one core could accept ~%.0f/s).\n", k, median(rate[k]), median(cpu[k]), 1e6 / median(cpu[k])
  }' "$RUN/beacons.txt"
stop_pid "$ON_PID"
STORED="$(sqlite3 -readonly "$RUN/on.db" 'SELECT COALESCE(SUM(Views), 0) FROM ArticleViews;')"
echo
echo "Beacons answered 204 by the counting process: $TOTAL_BEACONS; views stored after its final flush: $STORED."
echo "Raw output: $RUN"
