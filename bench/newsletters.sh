#!/usr/bin/env bash
# bench/newsletters.sh — newsletter sending and the one-click unsubscribe (issue 17), beside references in the same run.
#
#   bash bench/newsletters.sh            (SKIP_BUILD=1 reuses bench/.work/app; N=100000 recipients, REF_N=20000)
#   SEND_ONLY=1 bash bench/newsletters.sh   phase B alone (the sender's rate and memory), without phase A and the reference
#
# 1. A throwaway Postfix (scripts/postfix-test.sh) on loopback. Phase A delivers to its Maildir: an issue to
#    UNSUB_N (2,000) subscribers, whose List-Unsubscribe URLs are then each POSTed once (RFC 8058 one-click) and
#    timed, beside GET /healthz on the same server (the floor of one request) — p50/p95.
# 2. Phase B: Postfix is switched to discard what it accepts (virtual_transport = discard), so the disk is not
#    what is measured; an issue to N subscribers is sent by Byline's background sender (unpaced) and timed from
#    being queued to the last delivery row Sent; the sending process's RSS is sampled every second (peak).
#    Reference in the same run: a plain SMTP client loop (Python smtplib, one connection, one transaction per
#    message, as the sender does) sending REF_N copies of the same delivered message to the same Postfix.
# Load average is printed with the figures. Port: 5191 (PORT). The files of a run are named after its port, so two
# builds can be measured side by side on two ports. Phase B writes its RSS samples (seconds, VmRSS kB, delivery rows,
# rows sent) to bench/.work/newsletters-rss-PORT.tsv, to see whether the peak comes while making rows or sending.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap 'stop_started; [ -n "${PF:-}" ] && bash "$ROOT/scripts/postfix-test.sh" stop "$PF" >/dev/null 2>&1 || true' EXIT

PORT=${PORT:-5191}
N=${N:-100000}
REF_N=${REF_N:-20000}
UNSUB_N=${UNSUB_N:-2000}
need_cmds sqlite3:sqlite3 curl:curl python3:python3
mkdir -p "$WORK"
build_app

SEND_ONLY=${SEND_ONLY:-0}
PF="$WORK/postfix-newsletters-$PORT"
bash "$ROOT/scripts/postfix-test.sh" stop "$PF" >/dev/null 2>&1 || true
eval "$(bash "$ROOT/scripts/postfix-test.sh" start "$PF")"
log "postfix at $BYLINE_TEST_SMTP, maildir $BYLINE_TEST_MAILDIR"

DBF="$WORK/newsletters-bench-$PORT.db"
rm -f "$DBF" "$DBF-wal" "$DBF-shm"
start_site "$PORT" "$DBF" "$WORK/newsletters-site-$PORT.log" \
  Byline__Newsletters__SmtpServer="$BYLINE_TEST_SMTP" Byline__Newsletters__SmtpSecurity=None \
  Byline__Newsletters__BounceAddress=bounces@byline.test Byline__Newsletters__FromAddress=newsletters@byline.test \
  Byline__Newsletters__MessagesPerSecond=1000000 Byline__Newsletters__PollInterval=00:00:01 \
  Byline__PublicBaseUrl="http://127.0.0.1:$PORT"
SQL() { sqlite3 -cmd '.timeout 30000' "$DBF" "$@"; }

# make_list ID COUNT PREFIX: a list and COUNT confirmed subscribers at PREFIX-<n>@byline.test, straight into the database.
make_list() {
  local id=$1 count=$2 prefix=$3 now
  now=$(date -u '+%Y-%m-%d %H:%M:%S')
  SQL "INSERT INTO NewsletterLists (Id, Name, Slug, Description, SenderName, SenderAddress, ReplyTo, Kind, ScheduleDays, ScheduleMinute, StoryCount, OpenTracking, Enabled, CreatedAt, UpdatedAt)
       VALUES ($id, 'Bench $id', 'bench-$id', '', 'The Desk', 'desk@byline.test', NULL, 0, 0, 420, 6, 0, 1, '$now', '$now');
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
       INSERT INTO NewsletterSubscribers (Email, Name, CreatedAt) SELECT '$prefix-' || i || '@byline.test', 'Reader ' || i, '$now' FROM n;
       INSERT INTO NewsletterSubscriptions (SubscriberId, ListId, State, RequestedAt, ConfirmedAt)
         SELECT Id, $id, 1, '$now', '$now' FROM NewsletterSubscribers WHERE Email LIKE '$prefix-%';"
}
queue_issue() {  # queue_issue ID LIST
  local now; now=$(date -u '+%Y-%m-%d %H:%M:%S')
  SQL "INSERT INTO NewsletterIssues (Id, ListId, Subject, Note, ArticleIds, IsAlert, State, CreatedBy, CreatedAt, QueuedAt, Recipients, BaseUrl)
       VALUES ($1, $2, 'Bench issue $1', 'A note from the desk above the stories.', '', 0, 1, 'bench', '$now', '$now', 0, 'http://127.0.0.1:$PORT');"
}
sent_count() { SQL "SELECT COUNT(*) FROM NewsletterDeliveries WHERE IssueId = $1 AND State = 2;"; }

# --- Phase A: one-click unsubscribe latency, on mail delivered to the Maildir.
if [ "$SEND_ONLY" != 1 ]; then
make_list 1 "$UNSUB_N" unsub
queue_issue 1 1
for _ in $(seq 1 600); do [ "$(sent_count 1)" -ge "$UNSUB_N" ] && break; sleep 1; done
for _ in $(seq 1 600); do [ "$(ls "$BYLINE_TEST_MAILDIR/new" 2>/dev/null | wc -l)" -ge "$UNSUB_N" ] && break; sleep 1; done
log "phase A: $UNSUB_N issues delivered to the Maildir"
python3 - "$BYLINE_TEST_MAILDIR/new" "$PORT" "$WORK/newsletters-sample.eml" <<'EOF' >"$WORK/newsletters-unsub.txt"
import email, os, sys, time, http.client, urllib.parse, statistics
folder, port, sample = sys.argv[1], int(sys.argv[2]), sys.argv[3]
urls = []
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), 'rb') as f:
        raw = f.read()
    m = email.message_from_bytes(raw)
    u = m.get('List-Unsubscribe')
    if u:
        urls.append(u.strip().strip('<>').split('>')[0])
        if not os.path.exists(sample):
            # The message as Byline handed it over: drop the headers Postfix added on delivery.
            lines = raw.split(b'\n')
            while lines and (lines[0].startswith((b'Return-Path:', b'Delivered-To:', b'Received:', b'X-Original-To:')) or lines[0][:1] in (b' ', b'\t')):
                lines.pop(0)
            open(sample, 'wb').write(b'\n'.join(lines))
conn = http.client.HTTPConnection('127.0.0.1', port)
def timed(method, path, body=None, headers={}):
    t = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse(); r.read()
    return (time.perf_counter() - t) * 1000, r.status
for _ in range(50):
    timed('GET', '/healthz')
unsub, floor, bad = [], [], 0
for u in urls:
    p = urllib.parse.urlsplit(u)
    ms, status = timed('POST', p.path + '?' + p.query, 'List-Unsubscribe=One-Click', {'Content-Type': 'application/x-www-form-urlencoded'})
    unsub.append(ms); bad += status != 200
    ms, _ = timed('GET', '/healthz'); floor.append(ms)
def pct(xs, q):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
print(f"unsubscribe_n={len(unsub)} non200={bad}")
print(f"unsubscribe_p50_ms={pct(unsub,.5):.2f} unsubscribe_p95_ms={pct(unsub,.95):.2f}")
print(f"healthz_p50_ms={pct(floor,.5):.2f} healthz_p95_ms={pct(floor,.95):.2f}")
EOF
cat "$WORK/newsletters-unsub.txt"
left=$(SQL "SELECT COUNT(*) FROM NewsletterSubscriptions WHERE ListId = 1 AND State = 2;")
log "phase A: $left of $UNSUB_N subscriptions ended by the one-click POSTs"
fi

# --- Phase B: throughput and RSS. Postfix discards what it accepts from here on.
postconf -c "$PF/etc" -e 'virtual_transport = discard' >/dev/null
postfix -c "$PF/etc" reload >/dev/null 2>&1
sleep 2
make_list 2 "$N" bulk
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
idle=$(awk '/^VmRSS/ {print $2}' "/proc/$SITE_PID/status")
TRACE="$WORK/newsletters-rss-$PORT.tsv"
printf 'seconds\tvmrss_kb\trows\tsent\n' >"$TRACE"
peak=0
start=$(date +%s.%N)
queue_issue 2 2
while :; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SITE_PID/status")
  [ "$rss" -gt "$peak" ] && peak=$rss
  c=$(sent_count 2)
  printf '%s\t%s\t%s\t%s\n' "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')" "$rss" \
    "$(SQL "SELECT Recipients FROM NewsletterIssues WHERE Id = 2;")" "$c" >>"$TRACE"
  [ "$c" -ge "$N" ] && break
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 3600) }' && die "phase B: not done within an hour ($c of $N)"
  sleep 1
done
end=$(date +%s.%N)
load_during=$(cut -d' ' -f1-3 /proc/loadavg)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%d", n * 3600 / s }')
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SITE_PID/status")
echo "byline_messages=$N seconds=$secs per_hour=$rate idle_rss_mb=$((idle / 1024)) peak_rss_mb=$((peak / 1024)) vmhwm_mb=$((hwm / 1024))"
echo "load_before=\"$load_before\" load_after=\"$load_during\""

# --- Reference: a plain SMTP loop, the same message, the same Postfix (still discarding).
[ "$SEND_ONLY" = 1 ] && exit 0
python3 - "$BYLINE_TEST_SMTP" "$WORK/newsletters-sample.eml" "$REF_N" <<'EOF'
import smtplib, sys, time
host, port = sys.argv[1].split(':')
data = open(sys.argv[2], 'rb').read().replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
n = int(sys.argv[3])
s = smtplib.SMTP(host, int(port)); s.ehlo('bench.byline.test')
t = time.perf_counter()
for i in range(n):
    s.sendmail('bounces@byline.test', [f'ref-{i}@byline.test'], data)
secs = time.perf_counter() - t
s.quit()
print(f"reference_messages={n} seconds={secs:.1f} per_hour={int(n * 3600 / secs)} bytes_per_message={len(data)}")
EOF
echo "load_end=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
