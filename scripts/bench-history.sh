#!/usr/bin/env bash
# Reading a record's history with the archive (docs/benchmarks.md, "A record's history with
# the archive"): 1,000,000 versions (20,000 records × 50) in a scratch database of the
# PostgreSQL at $DATABASE_URL's server (default 127.0.0.1:5432, user postgres), then pgbench
# of one record's versions read from `record_history` alone, from both tables as
# `read::versions` reads them, and again once 45 of every 50 are archived. The tables are
# those of migrations 000009 and 000019 (indexes included). Takes about a minute.
set -euo pipefail
host=${PGHOST:-127.0.0.1}
user=${PGUSER:-postgres}
db=tongguan_bench_history_$$
psql_() { psql -h "$host" -U "$user" -v ON_ERROR_STOP=1 -q "$@"; }
work=$(mktemp -d)
trap 'psql_ -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
psql_ -c "CREATE DATABASE $db"
psql_ -d "$db" <<'SQL'
CREATE TABLE record_history (id BIGSERIAL PRIMARY KEY, register TEXT NOT NULL, record_id BIGINT NOT NULL,
  version INTEGER NOT NULL, operation TEXT NOT NULL, actor_id BIGINT, at TIMESTAMPTZ NOT NULL DEFAULT now(),
  changed TEXT[] NOT NULL, data JSONB NOT NULL);
CREATE INDEX record_history_record_idx ON record_history (register, record_id, version);
CREATE TABLE record_history_archive (id BIGINT PRIMARY KEY, register TEXT NOT NULL, record_id BIGINT NOT NULL,
  version INTEGER NOT NULL, operation TEXT NOT NULL, actor_id BIGINT, at TIMESTAMPTZ NOT NULL,
  changed TEXT[] NOT NULL, data JSONB NOT NULL, archived_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE INDEX record_history_archive_record_idx ON record_history_archive (register, record_id, version);
INSERT INTO record_history (register, record_id, version, operation, changed, data)
SELECT 'party.members', r, v, 'edit', ARRAY['name'], jsonb_build_object('name', 'n' || r || '-' || v, 'extra', '{}'::jsonb)
FROM generate_series(1, 20000) r, generate_series(1, 50) v;
VACUUM ANALYZE;
SQL
cat > "$work/online.sql" <<'SQL'
SELECT h.version, h.operation, h.at, h.changed, h.data FROM record_history h
WHERE h.register = 'party.members' AND h.record_id = :rid ORDER BY h.version DESC, h.id DESC;
SQL
cat > "$work/both.sql" <<'SQL'
SELECT h.version, h.operation, h.at, h.changed, h.data, h.archived FROM (
  SELECT id, version, operation, actor_id, at, changed, data, false AS archived FROM record_history
  WHERE register = 'party.members' AND record_id = :rid
  UNION ALL
  SELECT id, version, operation, actor_id, at, changed, data, true AS archived FROM record_history_archive
  WHERE register = 'party.members' AND record_id = :rid) h
ORDER BY h.version DESC, h.id DESC;
SQL
run() { pgbench -h "$host" -U "$user" -n -T 15 -c 1 -D rid=12345 -f "$work/$1" "$db" 2>&1 | grep "latency average"; }
echo "record_history alone:            $(run online.sql)"
echo "both tables, none archived:      $(run both.sql)"
psql_ -d "$db" <<'SQL'
WITH moved AS (DELETE FROM record_history WHERE version <= 45
  RETURNING id, register, record_id, version, operation, actor_id, at, changed, data)
INSERT INTO record_history_archive (id, register, record_id, version, operation, actor_id, at, changed, data)
SELECT * FROM moved;
VACUUM ANALYZE;
SQL
echo "both tables, 45 of 50 archived:  $(run both.sql)"
