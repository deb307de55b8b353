#!/usr/bin/env bash
# The module engine's budgets over a register of a million records (docs/benchmarks.md,
# "A register of a million records"):
#   (a) the generic list (`/api/engine/list`) of 党员 with two filters (political status and
#       organisation) under a village worker's data scope, 32 concurrent clients (wrk),
#       compared with the same SQL run directly by pgbench — budget p95 <= 30 ms and >= 60 %
#       of pgbench's rate;
#   (b) adding a filterable custom field to that register: the time writers are held up
#       (budget <= 2 s of locking; the index is built concurrently, the table never rewritten).
# Needs a release build (make build): TONGGUAN_BIN (default target/release/tongguan). Uses its
# own embedded cluster under /tmp and port 3910, so it never touches ./data. Sizes:
# BENCH_RECORDS (1000000), BENCH_SECONDS (20). BENCH_KEEP=1 keeps the data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
bin=$(realpath "${TONGGUAN_BIN:-target/release/tongguan}")
port=${BENCH_PORT:-3910}
records=${BENCH_RECORDS:-1000000}
seconds=${BENCH_SECONDS:-20}
origin="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/tongguan-bench-register-XXXXXX)   # see e2e.sh: /tmp is enterable by PostgreSQL's user
work=$data/work
mkdir -p "$work"
export LEPTOS_SITE_ROOT=$(realpath -m target/site) LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tongguan LEPTOS_ENV=PROD
export LEPTOS_SITE_ADDR=127.0.0.1:$port TONGGUAN_DATA_DIR=$data TONGGUAN_PG_PORT=${BENCH_PG_PORT:-54389}
export TONGGUAN_DEMO=1 RUST_LOG=warn TONGGUAN_RATE_LIMIT_PER_MINUTE=1000000
pg=(-h "$data/pg" -p "$TONGGUAN_PG_PORT" -U postgres)
sql() { psql "${pg[@]}" -d tongguan -X -At -v ON_ERROR_STOP=1 -c "$1"; }

server=
stop_server() {
  [ -n "$server" ] || return 0
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}
cleanup() {
  stop_server
  if [ -f "$data/pg/postmaster.pid" ]; then
    runuser -u "$(stat -c %U "$data/pg")" -- "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)" \
      -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "kept $data"; else rm -rf "$data"; fi
}
trap cleanup EXIT

start_server() {
  "$bin" serve > "$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -fs "$origin/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  cat "$data/server.log"; echo "server not ready"; return 1
}

echo "== machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB, $(uname -sr), $(date -u +%FT%TZ)"
echo "== binary: $bin"
t0=$(date +%s)
"$bin" seed
start_server

# A million members spread over the township's grids (village from the grid), each in an
# organisation of their village where it has one; 90 % full members. Generated rows are not
# people's edits: the history trigger is off while they are written (the history has its own
# benchmark, make bench-history).
echo "== (setup) $records generated members"
sql "ALTER TABLE reg.party_members DISABLE TRIGGER engine_history"
sql "INSERT INTO reg.party_members (township_id, village_id, grid_id, owner_id, created_by, updated_by, name, gender,
       id_number, political_status, organisation, joined_on, floating, dues_basis, created_at, updated_at)
     SELECT g.township_id, g.village_id, g.id, u.id, u.id, u.id, '党员' || i, (1 + i % 2)::text,
            '9' || lpad(i::text, 17, '0'), CASE WHEN i % 10 = 0 THEN '02' ELSE '01' END,
            coalesce(o.id, (SELECT min(id) FROM reg.party_organisations)),
            DATE '1960-01-01' + (i::bigint * 7919 % 23000)::int, i % 17 = 0,
            (ARRAY['employed', 'retired', 'rural', 'student', 'unemployed'])[1 + i % 5],
            now() - make_interval(secs => i), now() - make_interval(secs => i)
       FROM generate_series(1, $records) i
       CROSS JOIN LATERAL (SELECT * FROM grids OFFSET (i % (SELECT count(*) FROM grids)) LIMIT 1) g
       CROSS JOIN (SELECT id FROM users WHERE username = 'staff') u
       LEFT JOIN LATERAL (SELECT id FROM reg.party_organisations WHERE village_id = g.village_id AND deleted_at IS NULL
                          ORDER BY id OFFSET (i % 3) LIMIT 1) o ON true"
sql "ALTER TABLE reg.party_members ENABLE TRIGGER engine_history"
sql "VACUUM ANALYZE reg.party_members"
echo "setup took $(( $(date +%s) - t0 )) s"
sql "SELECT 'members: ' || count(*) || ', table ' || pg_size_pretty(pg_total_relation_size('reg.party_members'))
       FROM reg.party_members"

login() {
  curl -s -o /dev/null -D - -X POST -H "Origin: $origin" -H "Accept: text/html" \
    --data "username=$1&password=Tongguan%402026&next=%2F" "$origin/api/auth/login" \
    | sed -n 's/^set-cookie: \(tg_session=[^;]*\).*/\1/Ip'
}
cookie=$(login village)
[ -n "$cookie" ] || { echo "login as village failed"; exit 1; }
village=$(sql "SELECT village_id FROM users WHERE username = 'village'")
read -r -a organisations <<< "$(sql "SELECT string_agg(id::text, ' ' ORDER BY id) FROM reg.party_organisations
                                     WHERE village_id = $village AND deleted_at IS NULL")"
[ "${#organisations[@]}" -gt 0 ] || { echo "no organisation in village $village"; exit 1; }
echo "-- the village worker's scope: village $village, $(sql "SELECT count(*) FROM reg.party_members WHERE village_id = $village") members in it, ${#organisations[@]} organisations"
statuses=(01 02)
bodies=()
for i in $(seq 0 7); do
  bodies+=("module=party&register=members&query[filters][political_status]=${statuses[i % 2]}&query[filters][organisation]=${organisations[i % ${#organisations[@]}]}&query[q]=&query[sort]=&query[limit]=50")
done
post() {  # body -> response body; fails unless 200
  curl -fsS -X POST -H "Origin: $origin" -H "Cookie: $cookie" -H "Content-Type: application/x-www-form-urlencoded" \
    --data "$1" "$origin/api/engine/list"
}
post "${bodies[0]}" > "$work/list.bin"
echo "-- one list request: $(stat -c %s "$work/list.bin") bytes (postcard)"

# The SQL the service runs for each request, as PostgreSQL logged it, for pgbench.
log=$data/pg/server.log
sql "ALTER SYSTEM SET log_min_duration_statement = 0" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
# pgbench runs them as the server does: prepared once per connection, the values bound as
# parameters (`-D` variables), so PostgreSQL plans them as it plans the server's.
pgbench_list=()
for i in $(seq 0 7); do
  before=$(stat -c %s "$log")
  post "${bodies[i]}" >/dev/null
  sleep 0.2
  tail -c +"$((before + 1))" "$log" > "$work/log_$i"
  python3 scripts/pg_log_statements.py "$work/list_$i" 'FROM reg\.party_members r' < "$work/log_$i"
  python3 scripts/pg_log_statements.py "$work/bound_$i" 'FROM reg\.party_members r' "v$i" < "$work/log_$i"
  [ "$(wc -l < "$work/list_$i.sql")" -ge 1 ] || { echo "no list statement logged"; exit 1; }
  pgbench_list+=(-f "$work/bound_$i.sql@1")
  while read -r variable; do pgbench_list+=(-D "$variable"); done < "$work/bound_$i.vars"
done
sql "ALTER SYSTEM RESET log_min_duration_statement" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null
echo "-- server-side execution of one lone request (ms per statement): $(cat "$work"/list_*.ms | tr '\n' '/' )"
echo "-- list SQL: $(head -n 1 "$work/list_0.sql")"
echo "-- its plan:"
sql "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) $(head -n 1 "$work/list_0.sql" | sed 's/;$//')" | sed 's/^/   /'

{
  echo 'local bodies = {'
  for body in "${bodies[@]}"; do echo "  \"$body\","; done
  echo '}'
  cat <<'LUA'
local i = 0
wrk.method = "POST"
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50=%.1f p90=%.1f p95=%.1f p99=%.1f max=%.1f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
} > "$work/list.lua"
field() { sed -n "s/.*RESULT.* $2=\([0-9.]*\).*/\1/p" <<< "$1"; }
share() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f %%", 100 * a / b }'; }

echo "== (a) the list, 32 clients, ${seconds} s"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
list_wrk=$(wrk -t2 -c32 -d"${seconds}s" --timeout 60s --latency -s "$work/list.lua" \
  -H "Origin: $origin" -H "Cookie: $cookie" -H "Content-Type: application/x-www-form-urlencoded" \
  "$origin/api/engine/list")
echo "$list_wrk" | grep -E "Latency|Req/Sec|requests in|Non-2xx|RESULT"
echo "-- the same SQL by pgbench -M prepared with the same parameters (shared/src/sql.rs Prepared), 32 clients, 2 threads, ${seconds} s"
sleep 2
"$pgbench" "${pg[@]}" -n -M prepared -c 32 -j 2 -T "$seconds" -l --log-prefix="$work/pgb" "${pgbench_list[@]}" tongguan \
  > "$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out"; exit 1; }
tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out")
pgb_p95=$(cat "$work"/pgb* | awk '{print $3}' | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int(NR * 0.95)] / 1000}')
echo "pgbench: tps $tps, p95 $pgb_p95 ms"
echo "list: $(field "$list_wrk" rps) req/s = $(share "$(field "$list_wrk" rps)" "$tps") of pgbench's $tps tps; p95 $(field "$list_wrk" p95) ms (pgbench p95 $pgb_p95 ms)"

echo "== (b) a filterable custom field added to the $records-member register while writers run"
# A writer edits members throughout (one statement every 20 ms); the longest wait of its
# statements while the field is added is the time writers were held up.
admin=$(login sysadmin)
filenode=$(sql "SELECT pg_relation_filenode('reg.party_members')")
cat > "$work/writer.sql" <<'SQL'
\set id random(1, 1000000)
UPDATE reg.party_members SET floating = NOT floating WHERE id = :id;
SQL
"$pgbench" "${pg[@]}" -n -c 1 -T 12 -R 50 -l --log-prefix="$work/writer" -f "$work/writer.sql" tongguan > "$work/writer.out" 2>&1 &
writer=$!
sleep 3
start_ns=$(date +%s%N)
curl -fsS -o /dev/null -X POST -H "Origin: $origin" -H "Cookie: $admin" -H "Content-Type: application/x-www-form-urlencoded" \
  --data "module=party&register=members&form[key]=bench_tag&form[kind]=text&form[label_zh]=%E6%A0%87%E7%AD%BE&form[label_en]=Tag&form[filterable]=on" \
  "$origin/api/engine/add_field" || true
added_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
wait "$writer" || true
indexed=$(sql "SELECT count(*) FROM custom_fields f JOIN pg_class c ON c.relname = 'custom_field_' || f.id
                 JOIN pg_index i ON i.indexrelid = c.oid WHERE i.indisvalid AND f.key = 'bench_tag'")
longest=$(cat "$work"/writer* 2>/dev/null | awk 'NF >= 3 {print $3}' | sort -n | tail -n 1)
echo "custom field added (its index built concurrently) in ${added_ms} ms; index valid: $indexed;"
echo "the writer's slowest statement meanwhile: $(awk -v us="${longest:-0}" 'BEGIN { printf "%.1f", us / 1000 }') ms"
echo "table rewritten: $(sql "SELECT CASE WHEN pg_relation_filenode('reg.party_members') = $filenode THEN 'no' ELSE 'yes' END")"
