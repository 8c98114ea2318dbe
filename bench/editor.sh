#!/usr/bin/env bash
# The block editor's weight: rebuilds src/Byline/wwwroot/block-editor.js from editor/ (editor/build.sh)
# and its pictures-and-embeds part (block-editor-media.js) and prints their sizes raw and gzipped (-9, as the static file middleware's precompressed answer would
# be at best), beside the newsroom's other editor script in the same run. Target: < 150 KB gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash editor/build.sh >/dev/null
size() { printf '| `%s` | %s | %s |\n' "$1" "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| file | bytes | gzip -9 bytes |'
echo '| --- | --- | --- |'
size src/Byline/wwwroot/block-editor.js
size src/Byline/wwwroot/block-editor-media.js
size src/Byline/wwwroot/newsroom-editor.js
