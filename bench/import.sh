#!/usr/bin/env bash
# import.sh — `byline import wordpress` on a generated 20,000-post WXR (bench/make-wxr.py), beside
# `byline seed --articles 20000` as the reference in the same run: wall seconds and peak RSS of each
# (GNU time), then the same import again (every post unchanged). SQLite always; PostgreSQL too when
# PG="Host=…;Port=…;Username=…" names a server (a fresh database per run). N=… changes the size.
# Then `byline import ghost` on a generated N-post Ghost 5 export (bench/make-ghost.py) the same way.
# ONLY=ghost or ONLY=wordpress runs one importer (the seed reference always runs).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
N="${N:-20000}"
WORK="$HERE/.work/import"
mkdir -p "$WORK"
DLL="$ROOT/src/Byline/bin/Release/net10.0/Byline.dll"
[ -f "$DLL" ] || dotnet build "$ROOT/src/Byline/Byline.csproj" -c Release -nologo -v quiet
ONLY="${ONLY:-}"
if [ "$ONLY" != ghost ]; then
  [ -s "$WORK/export-$N.xml" ] || python3 "$HERE/make-wxr.py" "$N" "$WORK/export-$N.xml"
  echo "export: $(du -m "$WORK/export-$N.xml" | cut -f1) MB, $N posts"
fi
if [ "$ONLY" != wordpress ]; then
  [ -s "$WORK/ghost-$N.json" ] || python3 "$HERE/make-ghost.py" "$N" "$WORK/ghost-$N.json"
  echo "Ghost export: $(du -m "$WORK/ghost-$N.json" | cut -f1) MB, $N posts"
fi

measure() { # label, then the command
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt"; return 1; }
  read -r secs kb < "$WORK/time.txt"
  printf '| %s | %s s | %s MB |\n' "$label" "$secs" "$((kb / 1024))"
}

run_db() { # provider connection-string
  local provider="$1" conn="$2"
  export Byline__Database__Provider="$provider" ConnectionStrings__Byline="$conn" Byline__Media__Path="$WORK/media"
}

echo "| run | wall | peak RSS |"
echo "| --- | ---: | ---: |"
rm -f "$WORK"/import.db* "$WORK"/seed.db*
run_db Sqlite "Data Source=$WORK/seed.db"
dotnet "$DLL" search rebuild > /dev/null 2>&1   # migrate first: the seed's own time is its load
measure "SQLite: seed --articles $N (reference)" dotnet "$DLL" seed --articles "$N"
if [ "$ONLY" != ghost ]; then
  run_db Sqlite "Data Source=$WORK/import.db"
  dotnet "$DLL" search rebuild > /dev/null 2>&1
  measure "SQLite: import wordpress, first run" dotnet "$DLL" import wordpress "$WORK/export-$N.xml" --report "$WORK/report.tsv"
  grep -E "^posts|^redirects" "$WORK/out.txt" | sed 's/^/    /'
  measure "SQLite: import wordpress, second run (unchanged)" dotnet "$DLL" import wordpress "$WORK/export-$N.xml"
fi
if [ "$ONLY" != wordpress ]; then
  rm -f "$WORK"/ghost.db*
  run_db Sqlite "Data Source=$WORK/ghost.db"
  dotnet "$DLL" search rebuild > /dev/null 2>&1
  measure "SQLite: import ghost, first run" dotnet "$DLL" import ghost "$WORK/ghost-$N.json" --report "$WORK/ghost-report.tsv"
  grep -E "^posts|^redirects" "$WORK/out.txt" | sed 's/^/    /'
  measure "SQLite: import ghost, second run (unchanged)" dotnet "$DLL" import ghost "$WORK/ghost-$N.json"
fi
if [ -n "${PG:-}" ]; then
  for db in byline_bench_seed byline_bench_import byline_bench_ghost; do
    psql "postgresql://postgres@127.0.0.1:$(echo "$PG" | sed -E 's/.*Port=([0-9]+).*/\1/')/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" > /dev/null
  done
  run_db Postgres "$PG;Database=byline_bench_seed"
  dotnet "$DLL" search rebuild > /dev/null 2>&1
  measure "PostgreSQL: seed --articles $N (reference)" dotnet "$DLL" seed --articles "$N"
  if [ "$ONLY" != ghost ]; then
    run_db Postgres "$PG;Database=byline_bench_import"
    dotnet "$DLL" search rebuild > /dev/null 2>&1
    measure "PostgreSQL: import wordpress, first run" dotnet "$DLL" import wordpress "$WORK/export-$N.xml"
    grep -E "^posts|^redirects" "$WORK/out.txt" | sed 's/^/    /'
    measure "PostgreSQL: import wordpress, second run (unchanged)" dotnet "$DLL" import wordpress "$WORK/export-$N.xml"
  fi
  if [ "$ONLY" != wordpress ]; then
    run_db Postgres "$PG;Database=byline_bench_ghost"
    dotnet "$DLL" search rebuild > /dev/null 2>&1
    measure "PostgreSQL: import ghost, first run" dotnet "$DLL" import ghost "$WORK/ghost-$N.json"
    grep -E "^posts|^redirects" "$WORK/out.txt" | sed 's/^/    /'
    measure "PostgreSQL: import ghost, second run (unchanged)" dotnet "$DLL" import ghost "$WORK/ghost-$N.json"
  fi
fi
