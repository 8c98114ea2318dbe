#!/usr/bin/env bash
# The wire desk's bench (bench/Byline.WireBench; record in bench/wire.md):
#   1. ingest: N ninjs items (default 10,000) polled through the real poller from a feed server on loopback
#      (in the bench process), exact dedup and clustering on, beside the raw parse rate of the same documents;
#   2. the desk's list and search p50/p95 with SIZE wire items (default 1,000,000; bench-only bulk generator
#      writing the real tables: SQLite prepared INSERTs with the FTS triggers, PostgreSQL binary COPY);
#   3. push → on the desk's first page, p50/p95 (parse + ingest + the desk query, in process).
# SQLite in a temporary file; PostgreSQL when PG="Host=…;Port=…;Username=…" names a server of your own
# (a fresh database per run). The machine's load average is printed before and after each step.
#   PG="Host=127.0.0.1;Port=5452;Username=postgres" SIZE=1000000 bash bench/wire.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${SIZE:-1000000}"
N="${N:-10000}"
RUNS="${RUNS:-30}"
work="$(mktemp -d /tmp/byline-wire-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dotnet build bench/Byline.WireBench -c Release -v quiet -nologo -o "$work/bench" > /dev/null
bench() { dotnet "$work/bench/Byline.WireBench.dll" "$@"; }

run_db() {  # run_db Provider ConnectionString
  export Byline__Database__Provider="$1" ConnectionStrings__Byline="$2" Byline__Media__Path="$work/media"
  echo "== $1 · $(date -u +%FT%TZ) · $(nproc) cores"
  bench ingest "$N"
  bench seed "$SIZE"
  bench desk "$RUNS"
  bench push 50
}

run_db Sqlite "Data Source=$work/wire.db"
if [ -n "${PG:-}" ]; then
  port="$(echo "$PG" | sed -E 's/.*Port=([0-9]+).*/\1/')"
  psql "postgresql://postgres@127.0.0.1:$port/postgres" -qc "DROP DATABASE IF EXISTS byline_bench_wire" -c "CREATE DATABASE byline_bench_wire" > /dev/null
  run_db Postgres "$PG;Database=byline_bench_wire"
fi
