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
chunks=$(ls target/site/pkg/*.wasm | grep -v '/tongguan.wasm$' || true)
echo "page chunks (--split): $(echo "$chunks" | grep -c . || true) files, $(cat $(echo "$chunks" | sed 's/$/.br/') 2>/dev/null | wc -c) bytes brotli in all, the largest:"
for f in $chunks; do printf '%8d %s\n' "$(stat -c %s "$f.br")" "$(basename "$f")"; done | sort -rn | head -n 5
# What a page loads: the main wasm, and the chunks of the pages it names (`data-chunk`, see
# app/src/modules.rs), as the build's manifest lists them for each chunk function.
first_page() {  # path [cookie] -> brotli bytes of the wasm the page loads
  local html
  html=$(curl -sS ${2:+-H "Cookie: $2"} "http://127.0.0.1:$port$1")
  echo "$html" | grep -o 'data-chunk="[^"]*"' | sed 's/^data-chunk="//; s/"$//' | python3 -c '
import json, os, sys
pkg = "target/site/pkg"
manifest = json.load(open(f"{pkg}/pages.json"))
total = os.path.getsize(f"{pkg}/tongguan.wasm.br")
chunks = set()
for page in sys.stdin.read().split():
    for key, files in manifest.items():
        if key.rsplit("_", 1)[0] == page:
            chunks.update(files)
print(total + sum(os.path.getsize(f"{pkg}/{c}.wasm.br") for c in chunks))'
}

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
echo "wasm loaded by the first page, brotli: /login $(first_page /login) bytes; / after login (the dashboard) $(first_page / "$cookie") bytes; /me $(first_page /me "$cookie") bytes; /events/stats $(first_page /events/stats "$cookie") bytes"
wrk -t2 -c32 -d15s --latency "http://127.0.0.1:$port/login" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "-- /me (dashboard shell with session lookup)"
wrk -t2 -c32 -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/me" | sed -n '/Latency Distribution/,/Requests\/sec/p'
stop_server
