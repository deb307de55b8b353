#!/usr/bin/env bash
# Release build of the whole site, then brotli and gzip copies of the wasm, JS and CSS so
# the server sends them precompressed. `--split` puts each page's code (the `#[lazy]` page
# functions of app/src/modules.rs) into wasm chunks of its own, loaded on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Panic locations carry their source file's path, and the crates.io part of it
# (`~/.cargo/registry/src/index.crates.io-<hash>/`, ~60 bytes) stood before every one of
# the 141 in the main wasm: 2.4 KB of it after brotli (docs/benchmarks.md). Cut to the
# crate's own name; it also keeps the build machine's home directory out of the binaries.
# (cargo-leptos adds its own flags to these.)
for index in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$index="
done
export RUSTFLAGS
cargo leptos build --release --split
# The split's manifest (which chunks each page function needs) is kept under another name:
# under its own, Leptos adds a preload link for every chunk of the page to the server's
# answer, which cost 1.4 ms of a 4.6 ms login page here and came on only every other request;
# the browser fetches a page's chunks itself before it hydrates (app/src/modules.rs), and the
# service worker precaches them all from this file (public/sw.js).
mv -f target/site/pkg/__wasm_split_manifest.json target/site/pkg/pages.json
for file in target/site/pkg/*.{wasm,js,css,json}; do
  [ -f "$file" ] || continue
  brotli -f -q 11 -k "$file"
  gzip -f -9 -k "$file"
done
