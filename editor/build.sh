#!/usr/bin/env bash
# Builds the newsroom's block editor from the pinned packages in package-lock.json into
# src/Byline/wwwroot/block-editor.js and its pictures-and-embeds part, src/Byline/wwwroot/block-editor-media.js
# (a separate file the story page loads after the editor; committed: running Byline needs only the .NET SDK).
#   editor/build.sh            rebuild the committed files
#   editor/build.sh --check    rebuild into a temporary folder and fail if any file differs from the committed one
# Needs node and npm (Debian 12: apt-get install nodejs npm). Exit codes: 1 differs, 3 packages not installable.
set -euo pipefail
cd "$(dirname "$0")"
OUT=../src/Byline/wwwroot
TARGET=$OUT
if [ "${1:-}" = "--check" ]; then
  TARGET=$(mktemp -d)
  trap 'rm -rf "$TARGET"' EXIT
fi
# Installs exactly the locked versions; no install scripts (esbuild finds its platform binary package itself).
command -v npm >/dev/null || { echo "npm is missing (Debian: apt-get install nodejs npm)" >&2; exit 3; }
if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null; then
  echo "error: npm ci could not install the locked packages" >&2
  exit 3
fi
bundle() { # source file, output name
  node_modules/.bin/esbuild "src/$1" --bundle --minify --format=iife --target=es2020 \
    --alias:linkify-it=./src/stub-linkify.js --alias:punycode.js=./src/stub-punycode.js \
    --legal-comments=none --charset=utf8 --log-level=warning --outfile="$TARGET/$2"
}
bundle block-editor.js block-editor.js
bundle media.js block-editor-media.js
status=0
for file in block-editor.js block-editor-media.js; do
  if [ "$TARGET" != "$OUT" ]; then
    if cmp -s "$TARGET/$file" "$OUT/$file"; then
      echo "$file matches a fresh build"
    else
      echo "$file differs from a fresh build of editor/ (run editor/build.sh and commit the result)" >&2
      status=1
    fi
  else
    printf 'built %s: %s bytes, %s bytes gzipped\n' "$OUT/$file" "$(wc -c <"$OUT/$file")" "$(gzip -9 -c "$OUT/$file" | wc -c)"
  fi
done
exit $status
