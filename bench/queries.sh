#!/usr/bin/env bash
# bench/queries.sh — how many SQL commands one article page and one home page request make.
# Starts Byline (Release, the bench database) with EF Core's command log on and counts the
# "Executed DbCommand" entries each request adds, one request at a time.
#
#   bash bench/queries.sh
#
# Env: ARTICLES (100000) SKIP_BUILD=1 ARTICLE_PATH REPEAT (3) QUERIES_APPEND (a markdown file to append to)
# Output: a table on stdout; each request's SQL in bench/.work/queries/.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

PORT=5183; REPEAT="${REPEAT:-3}"
trap stop_started EXIT
trap 'exit 130' INT TERM
need_cmds curl:curl
mkdir -p "$WORK"
QD="$WORK/queries"; rm -rf "$QD"; mkdir -p "$QD"

build_app
ensure_db
LOGF="$QD/site.log"
# The simple console formatter, one line per entry, so that counting lines counts commands.
start_site "$PORT" "$DB" "$LOGF" \
  "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information" \
  "Logging__Console__FormatterOptions__SingleLine=true" Byline__Cache__Enabled=false
BASE="http://127.0.0.1:$PORT"
ARTICLE_PATH="${ARTICLE_PATH:-$(first_article_path "$BASE" || true)}"
[ -n "$ARTICLE_PATH" ] || die "no article link found on $BASE/"

count_cmds() { grep -c 'Executed DbCommand' "$LOGF" || true; }
settled_count() {  # the log is written by a background queue: wait (≤ 3 s) until it stops growing
  local a b i
  a="$(count_cmds)"
  for i in $(seq 1 15); do sleep 0.2; b="$(count_cmds)"; [ "$a" = "$b" ] && break; a="$b"; done
  echo "$b"
}
# one_request <name> <path> <n> — prints the number of SQL commands this request made
one_request() {
  local before after code lines0
  before="$(settled_count)"; lines0="$(wc -l <"$LOGF")"
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$BASE$2")"
  after="$(settled_count)"
  tail -n +"$((lines0 + 1))" "$LOGF" >"$QD/$1.$3.log"
  [ "$code" = 200 ] || log "WARNING: $2 answered HTTP $code"
  echo "$((after - before))"
}

declare -A COUNTS
for page in home article; do
  path=/; [ "$page" = article ] && path="$ARTICLE_PATH"
  COUNTS[$page]=""
  for i in $(seq 1 "$REPEAT"); do COUNTS[$page]+="$(one_request "$page" "$path" "$i") "; done
done
# A quiet spell of the same length: commands the host runs on its own (background work) would show here.
b="$(settled_count)"; sleep 2; IDLE_CMDS=$(( $(settled_count) - b ))

{
  echo
  echo "## SQL commands per page ($(date -u '+%F %H:%M UTC'))"
  echo
  echo "Counted from EF Core's \`Executed DbCommand\` log entries, one request at a time, $REPEAT requests per page"
  echo "(the first request of each page is the first after start-up)."
  echo
  echo "| page | URL | SQL commands per request (1st, 2nd, …) |"
  echo "|---|---|---:|"
  echo "| home | \`/\` | $(echo ${COUNTS[home]} | sed 's/ /, /g') |"
  echo "| article | \`$ARTICLE_PATH\` | $(echo ${COUNTS[article]} | sed 's/ /, /g') |"
  echo
  echo "- commands logged during a 2 s idle spell with no requests: $IDLE_CMDS"
  echo "- database: $(db_article_count "$DB") articles; each request's SQL: \`bench/.work/queries/<page>.<n>.log\`"
} | tee -a "${QUERIES_APPEND:-/dev/null}"
