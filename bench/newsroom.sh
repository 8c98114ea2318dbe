#!/usr/bin/env bash
# Newsroom micro-benchmark: saving a 3,000-word story (with its revision) and the filtered story
# list, on a generated database of 100,000 articles in a temporary SQLite file.
#   bash bench/newsroom.sh [saves]      (default 200 saves)
set -euo pipefail
cd "$(dirname "$0")/.."
saves="${1:-200}"
work="$(mktemp -d /tmp/byline-newsroom-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export Byline__Database__Provider=Sqlite
export ConnectionStrings__Byline="Data Source=$work/byline.db"
export Byline__Media__Path="$work/media"

dotnet build src/Byline -c Release -o "$work/app" -v quiet -nologo
dotnet build bench/Byline.NewsroomBench -c Release -v quiet -nologo
echo "seeding 100,000 articles into $work/byline.db"
dotnet "$work/app/Byline.dll" seed --articles 100000 | tail -1
dotnet run --project bench/Byline.NewsroomBench -c Release --no-build -- "$saves"
