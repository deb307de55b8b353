#!/usr/bin/env bash
# Benchmarks behind docs/benchmarks.md:
#   1. bundle sizes: the wasm, JS and CSS the first page loads, brotli-compressed as served;
#   2. server start-up time to /readyz on an existing database (migrations already applied);
#   3. server-rendered pages (login; dashboard shell) under 32 concurrent clients (wrk).
# Needs a release build (make build). Uses its own data directory and port.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
port=${BENCH_PORT:-3800}
data=$(mktemp -d /tmp/tongguan-bench-XXXXXX)   # see e2e.sh: /tmp is enterable by PostgreSQL's user
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tongguan LEPTOS_ENV=PROD
export LEPTOS_SITE_ADDR=127.0.0.1:$port TONGGUAN_DATA_DIR=$data TONGGUAN_PG_PORT=54359 TONGGUAN_DEMO=1 RUST_LOG=warn

echo "== bundle (brotli, as served)"
for f in target/site/pkg/tongguan.wasm target/site/pkg/tongguan.js target/site/pkg/tongguan.css; do
  printf '%-40s %8d bytes raw %8d bytes brotli\n' "$f" "$(stat -c %s "$f")" "$(stat -c %s "$f.br")"
done

start_server() {
  target/release/tongguan serve > target/bench-server.log 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.01
  done
  cat target/bench-server.log; return 1
}
stop_server() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; }

echo "== start-up"
start_server; stop_server   # first start: creates the cluster and seeds (not measured)
for run in 1 2 3; do
  t0=$(date +%s%N); start_server; t1=$(date +%s%N)
  echo "start to /readyz (existing database, run $run): $(( (t1 - t0) / 1000000 )) ms"
  [ "$run" = 3 ] || stop_server
done

echo "== server-rendered pages, 32 concurrent clients, 2 threads, 15 s"
cookie=$(curl -s -o /dev/null -D - -X POST -H "Origin: http://127.0.0.1:$port" -H "Accept: text/html" \
  --data "username=leader&password=Tongguan%402026&next=%2F" "http://127.0.0.1:$port/api/auth/login" \
  | sed -n 's/^set-cookie: \(tg_session=[^;]*\).*/\1/Ip')
wrk -t2 -c32 -d15s --latency "http://127.0.0.1:$port/login" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "-- /me (dashboard shell with session lookup)"
wrk -t2 -c32 -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/me" | sed -n '/Latency Distribution/,/Requests\/sec/p'
stop_server
