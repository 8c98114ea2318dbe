#!/usr/bin/env bash
# Memory of picture uploads (see bench/media.md): six concurrent uploads of a 40-megapixel PNG
# (12000 x 3333, the picture of issue 21 §5) through the newsroom form, into this build and into a
# reference build, one after the other in the same run. Reports the process's resident set before the
# uploads, its peak while they run (sampled every 50 ms from /proc, and VmHWM), and how long the six took.
#   bash bench/media-upload-rss.sh                      # reference: REF_APP (default /work/main build output)
#   REF_APP=/path/to/other/build bash bench/media-upload-rss.sh
set -euo pipefail
ARTICLES=0
source "$(dirname "$0")/lib.sh"
PORT="${PORT:-5131}"
UPLOADS="${UPLOADS:-6}"
REF_APP="${REF_APP:-/work/main/src/Byline/bin/Release/net10.0}"
RUN="$WORK/media-rss-$(date -u +%Y%m%dT%H%M%S)"
trap stop_started EXIT
need_cmds curl:curl python3:python3
mkdir -p "$RUN"
build_app

# A 12000 x 3333 PNG, one colour per row band: about a hundred kilobytes on disk, 160 MB decoded.
python3 - "$RUN/wide.png" <<'PY'
import sys, zlib, struct
w, h = 12000, 3333
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
rows = bytearray()
for y in range(h):
    shade = (y * 255) // h
    rows += b"\x00" + bytes((shade, 90, 255 - shade)) * w
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
log "picture: $(stat -c %s "$RUN/wide.png") bytes, 12000 x 3333"

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }

measure() {  # measure <label> <app dir>
  local label="$1" app="$2" db="$RUN/$1.db" saved="$APP"
  APP="$app"
  MEDIA="$RUN/media-$label"
  start_site "$PORT" "$db" "$RUN/$label.log"
  local pid="$SITE_PID" base="http://127.0.0.1:$PORT" jar="$RUN/$label.cookies" email="bench-$label@example.org" password="Bench-password-$RANDOM-aA1!"
  local vars=(); mapfile -t vars < <(byline_env "$db")
  echo "$password" | (cd "$WORK" && env "${vars[@]}" dotnet "$app/Byline.dll" user add --email "$email" --role contributor >/dev/null)
  local token
  token="$(curl -s -c "$jar" -b "$jar" "$base/newsroom/signin" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "Email=$email" --data-urlencode "Password=$password" --data-urlencode "__RequestVerificationToken=$token" "$base/newsroom/signin")" = 302 ] || die "$label: sign-in failed"
  token="$(curl -s -c "$jar" -b "$jar" "$base/newsroom/media" | grep -o 'name="__RequestVerificationToken"[^>]*value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  APP="$saved"
  # Wait (10 s at most) until start-up garbage has settled — the resident set steady within 1 % over
  # half a second — then note the resident set the uploads start from.
  local prev settled; prev="$(rss_kb "$pid")"
  for _ in $(seq 1 20); do
    sleep 0.5
    settled="$(rss_kb "$pid")"
    (( settled * 100 >= prev * 99 && settled * 100 <= prev * 101 )) && break
    prev="$settled"
  done
  local before; before="$(rss_kb "$pid")"
  local peak="$before" t0 t1 i curls=() running
  t0="$(date +%s.%N)"
  for i in $(seq 1 "$UPLOADS"); do
    curl -s -o /dev/null -w '%{http_code}\n' -b "$jar" -F "Upload=@$RUN/wide.png;type=image/png" -F "Alt=wide $i" -F "__RequestVerificationToken=$token" "$base/newsroom/media" >"$RUN/$label-upload-$i.code" &
    curls+=("$!")
  done
  # Only the uploads: the site itself is a background job of this shell too.
  while :; do
    running=0
    for i in "${curls[@]}"; do kill -0 "$i" 2>/dev/null && running=1; done
    [ "$running" = 1 ] || break
    local now; now="$(rss_kb "$pid" || echo 0)"
    [ "${now:-0}" -gt "$peak" ] && peak="$now"
    sleep 0.05
  done
  wait "${curls[@]}" || true
  t1="$(date +%s.%N)"
  local ok; ok="$(cat "$RUN/$label"-upload-*.code | grep -c '^302$' || true)"
  echo "| $label | $ok/$UPLOADS stored | $((before / 1024)) MB | **$((peak / 1024)) MB** | $(( $(hwm_kb "$pid") / 1024 )) MB | $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s |"
  stop_pid "$pid"
}

echo "# Picture uploads, $(date -u '+%F %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD), $UPLOADS concurrent uploads of a 12000 x 3333 PNG ($(stat -c %s "$RUN/wide.png") bytes)"
echo
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| build | uploads | RSS before | RSS peak during (50 ms samples) | VmHWM (peak since start) | wall clock for all |"
echo "| --- | --- | --- | --- | --- | --- |"
measure this "$APP"
if [ -f "$REF_APP/Byline.dll" ]; then measure reference "$REF_APP"; fi
echo
echo "Raw output: $RUN"
