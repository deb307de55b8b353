#!/usr/bin/env bash
# End-to-end tests: a fresh demo township on its own embedded PostgreSQL, the release
# server on port 3700, Playwright in Debian's Chromium. Screenshots land in end2end/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
# E2E_PORT and E2E_PG_PORT let two checkouts run their suites side by side.
# Every spec logs in from 127.0.0.1: the per-address rate limits are lifted here (their own
# integration tests prove them with low limits). The backup schedule is off: operations.spec.ts
# starts its backups and drills itself, and a scheduled run would make its clicks busy.
# The cluster's data lives under /tmp: the checkout may sit below a directory (such as /root)
# that PostgreSQL's unprivileged user cannot enter.
data=$(mktemp -d /tmp/tongguan-e2e-XXXXXX)
port=${E2E_PORT:-3700}
rm -rf end2end/artifacts
mkdir -p end2end/artifacts
LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tongguan LEPTOS_ENV=PROD \
TONGGUAN_RATE_LIMIT_PER_MINUTE=1000000 TONGGUAN_REPORT_RATE_LIMIT_PER_MINUTE=1000000 \
TONGGUAN_TRACK_RATE_LIMIT_PER_MINUTE=1000000 \
TONGGUAN_BACKUP_INTERVAL_HOURS=0 TONGGUAN_DRILL_INTERVAL_HOURS=0 \
LEPTOS_SITE_ADDR=127.0.0.1:$port TONGGUAN_DATA_DIR=$data TONGGUAN_PG_PORT=${E2E_PG_PORT:-54349} TONGGUAN_DEMO=1 \
  target/release/tongguan serve > target/e2e-server.log 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat target/e2e-server.log; echo "server died"; exit 1; fi
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat target/e2e-server.log; echo "server not ready"; exit 1; }
# Specs that administer through the command line (`tongguan exchange peer`) reach the
# server's own cluster through its socket, with the keys of its data directory (the audit
# key, the personal-data keyring): what they seal, the server opens.
export E2E_BIN="$PWD/target/release/tongguan"
export TONGGUAN_DATA_DIR="$data"
export E2E_DATABASE_URL="postgres://postgres@localhost:${E2E_PG_PORT:-54349}/tongguan?host=$data/pg"
cd end2end
BASE_URL="http://127.0.0.1:$port" npx playwright test "$@"
