#!/usr/bin/env bash
# Release build of the whole site, then brotli and gzip copies of the wasm, JS and CSS so
# the server sends them precompressed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo leptos build --release
for file in target/site/pkg/*.{wasm,js,css}; do
  [ -f "$file" ] || continue
  brotli -f -q 11 -k "$file"
  gzip -f -9 -k "$file"
done
