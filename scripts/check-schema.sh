#!/usr/bin/env bash
# Checks that shared/src/schema.rs is what `diesel print-schema` makes of the migrations:
# migrates a throwaway database, prints its schema (diesel.toml), formats it as the workspace
# formats Rust, and compares. Then checks that the migrations made the register tables the
# module declarations need (`tongguan schema check`, schema `reg`). `--write` replaces
# schema.rs instead of comparing, and writes the missing register migration
# (`migrations/<date>-<n>_registers`, by `tongguan schema diff --write registers`).
#
# The throwaway database is made on the server of $DATABASE_URL when it is set, else on a
# throwaway cluster under /tmp (the system's PostgreSQL binaries, a Unix socket only, as the
# integration tests do); both are removed on exit. Takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

write=false
case "${1:-}" in
  "") ;;
  --write) write=true ;;
  *) echo "usage: scripts/check-schema.sh [--write]" >&2; exit 2 ;;
esac

command -v diesel >/dev/null || { echo "diesel_cli is missing: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/tongguan-schema.XXXXXX)
cluster=""
admin_url=""
database="tongguan_schema_check_$$"
pg_run() { "$@"; }

cleanup() {
  if [ -n "$admin_url" ]; then
    psql -q -X "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ -n "$cluster" ]; then
    pg_run "$cluster/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${DATABASE_URL:-}" ]; then
  # The same server, another database: the URL's path names the database, anything after
  # `?` (e.g. host=/path/to/socket) is kept.
  base="${DATABASE_URL%%\?*}"
  query="${DATABASE_URL#"$base"}"
  server="${base%/*}"
  admin_url="$server/postgres$query"
  url="$server/$database$query"
else
  cluster=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -x "$cluster/initdb" ] || cluster=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$cluster/initdb" ] || { echo "PostgreSQL's initdb not found: run scripts/setup.sh or set DATABASE_URL" >&2; exit 1; }
  # PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` system user
  # that Debian's packages create.
  if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$work"
    mkdir "$work/pg"
    chown postgres: "$work/pg"
    pg_run() { runuser -u postgres -- "$@"; }
  fi
  pg_run "$cluster/initdb" -D "$work/pg" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
  # Nothing here needs to survive a crash: no fsync, and no TCP port to collide with.
  pg_run "$cluster/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 \
    -o "-c listen_addresses= -k $work/pg -c fsync=off -c full_page_writes=off" start >/dev/null
  # No host before the `?`: a client that tries every host it is given (tokio-postgres)
  # would reach a server on localhost first.
  admin_url="postgres://postgres@/postgres?host=$work/pg"
  url="postgres://postgres@/$database?host=$work/pg"
fi

psql -q -X -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $database" >/dev/null
# An empty configuration for the migrations: with diesel.toml, `migration run` would rewrite
# schema.rs itself, unformatted, even when only checking.
: >"$work/empty.toml"
diesel migration run --config-file "$work/empty.toml" --migration-dir migrations --database-url "$url" >/dev/null
diesel print-schema --config-file diesel.toml --database-url "$url" >"$work/printed.rs"
rustfmt --edition 2024 --config-path rustfmt.toml --emit stdout <"$work/printed.rs" >"$work/schema.rs"

status=0
if $write; then
  if cmp -s "$work/schema.rs" shared/src/schema.rs; then
    echo "schema.rs is up to date"
  else
    cp "$work/schema.rs" shared/src/schema.rs
    echo "schema.rs written from the migrations"
  fi
elif ! diff -u --label shared/src/schema.rs --label "from migrations/" shared/src/schema.rs "$work/schema.rs"; then
  echo >&2
  echo "schema.rs is out of date: run scripts/check-schema.sh --write" >&2
  status=1
fi

# The register tables: compared with the declarations on the database the migrations made
# (the command never migrates it itself).
# (LEPTOS_OUTPUT_NAME only quiets Leptos's configuration, which the server reads first.)
schema_cmd() { DATABASE_URL="$url" LEPTOS_OUTPUT_NAME=tongguan cargo run -q -p server -- schema "$@"; }
if $write; then
  schema_cmd diff --write registers
  # The new migration must apply, and leave nothing to do.
  diesel migration run --config-file "$work/empty.toml" --migration-dir migrations --database-url "$url" >/dev/null
fi
schema_cmd check || status=1
exit $status
