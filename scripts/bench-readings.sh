#!/usr/bin/env bash
# The readings benchmark behind docs/benchmarks.md, "Readings (issue 17)": generated readings
# of the demo's stations sent through the sensing service in batches from concurrent senders
# (checked, stored in the month's partition, judged by every rule of the station), on a fresh
# demo township in its own embedded cluster under /tmp. Sizes: BENCH_READINGS (1000000),
# BENCH_BATCH (5000), BENCH_SENDERS (4). Needs a release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${TONGGUAN_BIN:-target/release/tongguan}")
data=$(mktemp -d /tmp/tongguan-bench-readings-XXXXXX)   # see e2e.sh: /tmp is enterable by PostgreSQL's user
export TONGGUAN_DATA_DIR=$data TONGGUAN_PG_PORT=${BENCH_PG_PORT:-54381} TONGGUAN_DEMO=1 RUST_LOG=warn LEPTOS_OUTPUT_NAME=tongguan
cleanup() {
  if [ -f "$data/pg/postmaster.pid" ]; then
    runuser -u "$(stat -c %U "$data/pg")" -- "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)" \
      -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT
echo "== machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, $(uname -sr), $(date -u +%FT%TZ)"
"$bin" seed
"$bin" bench readings --readings "${BENCH_READINGS:-1000000}" --batch "${BENCH_BATCH:-5000}" \
  --concurrency "${BENCH_SENDERS:-4}"
