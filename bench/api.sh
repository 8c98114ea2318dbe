#!/usr/bin/env bash
# bench/api.sh — the content API uncached (the output cache never stores /api), side by side with
# nginx serving the very same JSON bytes as static files, and the reader's uncached section page of
# the same stories as a second reference, all in one run on one database:
#   stories   GET /api/v1/stories (20 newest published, no includes)
#   story     GET /api/v1/stories/{id} (section, tags, authors, body blocks, format data)
#   changes   GET /api/v1/changes?limit=10000 (after CHANGES synthetic outbox events are added)
#
#   ARTICLES=100000 bash bench/api.sh                 # SQLite file, seeded when missing
#   BENCH_DB="Host=…;Port=…;Username=…;Database=…" bash bench/api.sh    # PostgreSQL (seeded beforehand, e.g. bench/pgseed.sh)
#
# Env: ARTICLES (100000) BENCH_DB SKIP_BUILD=1 THREADS (2) CONNS (8) DURATION (10s) CHANGES (10000)
# Output: table on stdout and bench/.work/runs/<ts>-api/api.md
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
source "$BENCH/caching-lib.sh"
THREADS="${THREADS:-2}"; CONNS="${CONNS:-8}"; DURATION="${DURATION:-10s}"; CHANGES="${CHANGES:-10000}"
PORT="${PORT:-5161}"; NGINX_PORT="${NGINX_PORT:-5162}"
trap stop_started EXIT
need_cmds wrk:wrk nginx:nginx curl:curl sqlite3:sqlite3
TS="$(date -u +%Y%m%dT%H%M%SZ)"; RUN="$WORK/runs/$TS-api"; mkdir -p "$RUN"
mkdir -p "$WORK"
build_app
case "$DB" in Host=*|host=*) ;; *) ensure_db ;; esac
# psql_db <sql>: one statement on the PostgreSQL database BENCH_DB names (Host, Port, Username, Database).
psql_db() {
  local host port user name
  host="$(sed -nE 's/.*[Hh]ost=([^;]+).*/\1/p' <<<"$DB")"; port="$(sed -nE 's/.*[Pp]ort=([^;]+).*/\1/p' <<<"$DB")"
  user="$(sed -nE 's/.*[Uu]ser(name)?=([^;]+).*/\2/p' <<<"$DB")"; name="$(sed -nE 's/.*[Dd]atabase=([^;]+).*/\1/p' <<<"$DB")"
  PGPASSWORD="$(sed -nE 's/.*[Pp]assword=([^;]+).*/\1/p' <<<"$DB")" psql -X -q -At -h "$host" -p "${port:-5432}" -U "${user:-postgres}" -d "${name:-postgres}" -c "$1"
}
is_pg() { case "$DB" in Host=*|host=*) return 0 ;; *) return 1 ;; esac; }
if [ "$CHANGES" -gt 0 ]; then
  # Synthetic story events, as the write path appends them: one per published story, newest ids last.
  if is_pg; then
    psql_db "INSERT INTO \"ContentEvents\" (\"CreatedAt\", \"Keys\", \"Reason\", \"ArticleId\", \"Actor\")
      SELECT now(), 'article:' || \"Id\" || ' section:' || \"SectionId\" || ' home latest', 'story.publish', \"Id\", 'bench'
      FROM (SELECT \"Id\", \"SectionId\" FROM \"Articles\" WHERE \"Status\" = 3 ORDER BY \"Id\" DESC LIMIT $CHANGES) a ORDER BY \"Id\";" >/dev/null
  else
    sqlite3 "$DB" "INSERT INTO ContentEvents (CreatedAt, Keys, Reason, ArticleId, Actor)
      SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), 'article:' || Id || ' section:' || SectionId || ' home latest', 'story.publish', Id, 'bench'
      FROM (SELECT Id, SectionId FROM Articles WHERE Status = 3 ORDER BY Id DESC LIMIT $CHANGES) ORDER BY Id;"
  fi
fi
mapfile -t extra < <(db_vars "$DB")
# The anonymous budget is raised so the limiter never answers 429 during the run (it is still consulted on every request).
start_site "$PORT" "$DB" "$RUN/site.log" "${extra[@]}" Byline__Cache__Enabled=false \
  Byline__Api__AnonymousRequestsPerMinute=100000000 Byline__Api__AnonymousMaxChanges=10000
BASE="http://127.0.0.1:$PORT"
ID="$(curl -sf "$BASE/api/v1/stories?limit=1&fields=id" | sed -E 's/.*"id":([0-9]+).*/\1/')"
[ -n "$ID" ] || die "no story from the API"
# The reader's page of the story's top-level section (a story's URL starts with it).
SECTION="$(curl -sf "$BASE/api/v1/stories/$ID?fields=url" | sed -E 's/.*"url":"\/([^/"]+)\/.*/\1/')"
if is_pg; then HEAD_ID="$(psql_db 'SELECT COALESCE(MAX("Id"), 0) FROM "ContentEvents";')"; else HEAD_ID="$(sqlite3 -readonly "$DB" 'SELECT MAX(Id) FROM ContentEvents;' 2>/dev/null || echo 0)"; fi
SINCE_ID=$((HEAD_ID > CHANGES ? HEAD_ID - CHANGES : 0))
SINCE="$(printf 'c.0.%s' "$SINCE_ID" | base64 | tr -d '=' | tr '+/' '-_')"
declare -A URLS=([stories]="/api/v1/stories" [story]="/api/v1/stories/$ID" [changes]="/api/v1/changes?since=$SINCE&limit=10000" [section-page]="/$SECTION")
STATIC="$RUN/static"; mkdir -p "$STATIC"
for p in stories story changes; do
  curl -sf -o "$STATIC/$p.json" "$BASE${URLS[$p]}" || die "${URLS[$p]} failed"
done
N_CHANGES="$(grep -o '"sequence"' "$STATIC/changes.json" | wc -l)"
chmod 755 "$RUN" "$STATIC"; chmod 644 "$STATIC"/*
static_nginx "$STATIC" "$NGINX_PORT" story.json "application/json json;" "gzip off; etag on;"
curl -sf -o "$RUN/check.json" "http://127.0.0.1:$NGINX_PORT/story.json"; cmp -s "$RUN/check.json" "$STATIC/story.json" || die "nginx does not serve the stored bytes"
# Warm every endpoint (the runtime tiers its hot code up in the first seconds).
for p in stories story changes section-page; do wrk -t"$THREADS" -c"$CONNS" -d4s "$BASE${URLS[$p]}" >/dev/null 2>&1 || true; done
rows=()
for p in stories story changes section-page; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE${URLS[$p]}")"; [ "$code" = 200 ] || die "${URLS[$p]} answered $code"
  log "$p (idle $(wait_quiet)%)"
  rows+=("$(wrk_run "byline $p" "$BASE${URLS[$p]}" "$RUN/$p.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION")")
  if [ "$p" != section-page ]; then
    rows+=("$(wrk_run "nginx $p.json ($(stat -c %s "$STATIC/$p.json") B)" "http://127.0.0.1:$NGINX_PORT/$p.json" "$RUN/nginx-$p.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION")")
  fi
done
# One client at a time: the latency of a lone request, without queueing behind the others.
for p in stories story changes; do
  rows+=("$(wrk_run "byline $p c1" "$BASE${URLS[$p]}" "$RUN/$p-c1.txt" -t1 -c1 -d"$DURATION")")
done
{
  echo "Content API uncached on $(db_label "$DB") ($(if is_pg; then psql_db 'SELECT COUNT(*) FROM "Articles";'; else db_article_count "$DB"; fi) articles, $N_CHANGES changes in the feed page), wrk -t$THREADS -c$CONNS -d$DURATION, $(date -u +%F); load average $(cut -d" " -f1-3 /proc/loadavg)"
  echo
  echo "| what | req/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---|"
  for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
} | tee "$RUN/api.md"
