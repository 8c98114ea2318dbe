#!/usr/bin/env bash
# Builds the newsroom's block editor from the pinned packages in package-lock.json into
# src/Byline/wwwroot/block-editor.js (committed: running Byline needs only the .NET SDK).
#   editor/build.sh            rebuild the committed file
#   editor/build.sh --check    rebuild into a temporary file and fail if it differs from the committed one
# Needs node and npm (Debian 12: apt-get install nodejs npm). Exit codes: 1 differs, 3 packages not installable.
set -euo pipefail
cd "$(dirname "$0")"
OUT=../src/Byline/wwwroot/block-editor.js
TARGET=$OUT
if [ "${1:-}" = "--check" ]; then
  TARGET=$(mktemp --suffix=.js)
  trap 'rm -f "$TARGET"' EXIT
fi
# Installs exactly the locked versions; no install scripts (esbuild finds its platform binary package itself).
command -v npm >/dev/null || { echo "npm is missing (Debian: apt-get install nodejs npm)" >&2; exit 3; }
if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null; then
  echo "error: npm ci could not install the locked packages" >&2
  exit 3
fi
node_modules/.bin/esbuild src/block-editor.js --bundle --minify --format=iife --target=es2020 \
  --alias:linkify-it=./src/stub-linkify.js --alias:punycode.js=./src/stub-punycode.js \
  --legal-comments=none --charset=utf8 --log-level=warning --outfile="$TARGET"
if [ "$TARGET" != "$OUT" ]; then
  if cmp -s "$TARGET" "$OUT"; then
    echo "block-editor.js matches a fresh build"
  else
    echo "block-editor.js differs from a fresh build of editor/ (run editor/build.sh and commit the result)" >&2
    exit 1
  fi
else
  printf 'built %s: %s bytes, %s bytes gzipped\n' "$OUT" "$(wc -c <"$OUT")" "$(gzip -9 -c "$OUT" | wc -c)"
fi
