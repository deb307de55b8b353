#!/usr/bin/env bash
# Installs what Tongguan needs to build, run and test, and skips what is already there:
# system packages (PostgreSQL + PostGIS, Chromium, CJK fonts, brotli, a C++ compiler for
# libFuzzer), the wasm target, cargo-leptos, wasm-bindgen-cli matching Cargo.lock, wasm-opt
# (binaryen 116 — never Debian's older binaryen, whose output fails in the browser),
# cargo-fuzz, diesel_cli (PostgreSQL only, matching Cargo.lock's diesel), and the end-to-end
# npm packages; and a Mosquitto MQTT broker on 127.0.0.1:1883 for the readings' tests,
# started when nothing listens there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)

# --- system packages -------------------------------------------------------------------
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v node >/dev/null || missing+=(nodejs npm)
command -v brotli >/dev/null || missing+=(brotli)
command -v c++ >/dev/null || missing+=(g++)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# diesel_cli links libpq (the server itself does not: diesel-async speaks the protocol).
[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
# grep without -q reads all of fc-list: with -q it stops early and, under pipefail, the
# SIGPIPE of fc-list made the fonts look missing on every run.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  missing+=(postgresql)
fi
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
pg_major=$(basename "$(dirname "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)")")
if [ ! -f "/usr/share/postgresql/$pg_major/extension/postgis.control" ]; then
  say "installing PostGIS for PostgreSQL $pg_major"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-$pg_major-postgis-3" >/dev/null
fi

# --- Rust toolchain pieces ---------------------------------------------------------------
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup target list --installed | grep wasm32-unknown-unknown >/dev/null; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos 0.3.10" ]; then
  say "installing cargo-leptos 0.3.10 (about 15 minutes, once)"
  cargo install --locked cargo-leptos@0.3.10
fi
wb_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (matches Cargo.lock)"
  cargo install wasm-bindgen-cli --version "=$wb_version" --force
fi
if ! "$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null | grep "version 116" >/dev/null; then
  say "installing wasm-opt (binaryen 116, about 7 minutes, once)"
  cargo install wasm-opt --locked
fi

if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz 0.13.2" ]; then
  say "installing cargo-fuzz 0.13.2 (about 2 minutes, once)"
  cargo install --locked cargo-fuzz@0.13.2
fi

# Same version as the diesel in Cargo.lock, so that print-schema writes what the library reads.
diesel_version=$(grep -A1 '^name = "diesel"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if ! diesel --version 2>/dev/null | grep "Version: $diesel_version\$" >/dev/null; then
  say "installing diesel_cli $diesel_version for PostgreSQL (about 5 minutes, once)"
  cargo install --locked diesel_cli --version "=$diesel_version" --no-default-features --features postgres
fi

# --- end-to-end test packages ------------------------------------------------------------
if [ ! -d end2end/node_modules/@playwright/test ]; then
  say "installing the end-to-end test packages"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi
# --- the MQTT broker the readings' tests publish to --------------------------------------
# A broker already listening (the machine's own service) is used as it is; otherwise one is
# started in the background, bound to the loopback only.
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  say "starting Mosquitto on 127.0.0.1:1883"
  conf=$(mktemp /tmp/tongguan-mosquitto.XXXXXX.conf)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$conf"
  /usr/sbin/mosquitto -d -c "$conf"
fi
say "all tools present"
