#!/usr/bin/env bash
# `make run`: the app with the demo township on the embedded PostgreSQL (./data), unless
# DATABASE_URL points elsewhere. The data directory is kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tongguan LEPTOS_ENV=PROD
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export TONGGUAN_DEMO="${TONGGUAN_DEMO:-1}"
exec target/release/tongguan serve
