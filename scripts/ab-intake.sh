#!/usr/bin/env bash
# Intake A/B of two release binaries of `tongguan` (docs/benchmarks.md): the demo township is
# seeded once by BEFORE into a template database, and each run files reports on a fresh copy
# of it (`tongguan bench intake`), BEFORE and AFTER in turn, ROUNDS times, so both see the same
# data and the machine's drift falls on both alike. Each binary migrates its copy first.
#   scripts/ab-intake.sh BEFORE_BIN AFTER_BIN
# Needs a PostgreSQL with PostGIS at PG_URL (default postgres://postgres@127.0.0.1:5432, trust
# auth, as on the development machine). Sizes: AB_EVENTS (10000), AB_CONCURRENCY (16),
# AB_ROUNDS (2). Databases are named tongguan_ab_*; all are dropped at the end.
set -euo pipefail
before=$(realpath "${1:?the binary before the change}")
after=$(realpath "${2:?the binary with the change}")
base=${PG_URL:-postgres://postgres@127.0.0.1:5432}
events=${AB_EVENTS:-10000}
concurrency=${AB_CONCURRENCY:-16}
rounds=${AB_ROUNDS:-2}
# One audit key for both: each run appends to the sealed log of its copy.
export TONGGUAN_AUDIT_KEY=${TONGGUAN_AUDIT_KEY:-$(printf 'ab%.0s' {1..32})}
export RUST_LOG=warn
psql_admin() { psql "$base/postgres" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
drop_all() {
  for db in $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'tongguan_ab_%'"); do
    psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
}
trap drop_all EXIT
drop_all
psql_admin "CREATE DATABASE tongguan_ab_template"
echo "seeding the template with $before"
DATABASE_URL="$base/tongguan_ab_template" "$before" migrate >/dev/null
DATABASE_URL="$base/tongguan_ab_template" "$before" seed >/dev/null
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    bin=$before
    [ "$side" = after ] && bin=$after
    db=tongguan_ab_${side}_$round
    psql_admin "CREATE DATABASE $db TEMPLATE tongguan_ab_template"
    DATABASE_URL="$base/$db" "$bin" migrate >/dev/null
    echo "== round $round, $side"
    DATABASE_URL="$base/$db" "$bin" bench intake --events "$events" --concurrency "$concurrency" | grep -E '^(intake|audit):'
    psql_admin "DROP DATABASE $db WITH (FORCE)"
  done
done
