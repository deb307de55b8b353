#!/usr/bin/env bash
# Event benchmarks behind docs/benchmarks.md, "Events (issue 3)":
#   (a) the inbox query (state, grid and category, newest first, 50 a page) and a year's
#       statistics over a million generated events, 32 concurrent clients (wrk), compared with
#       the same SQL run directly by pgbench;
#   (b) intake: reports filed through the real intake service from 16 concurrent tasks;
#   (c) the command map in Chromium: time to draw the running events, frame times while panning
#       (end2end/bench/map.bench.ts).
# Needs a release build (make build): TONGGUAN_BIN (default target/release/tongguan) and
# TONGGUAN_SITE (default target/site). Uses its own embedded cluster under /tmp and port 3900,
# so it never touches ./data. Sizes: BENCH_EVENTS (1000000), BENCH_INTAKE (20000),
# BENCH_SECONDS (20; the year's statistics BENCH_STATS_SECONDS, 30).
# BENCH_SKIP_MAP=1 leaves out (c); BENCH_KEEP=1 keeps the data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
bin=$(realpath "${TONGGUAN_BIN:-target/release/tongguan}")
# The site is needed only for the map part (c); realpath -m, so BENCH_SKIP_MAP=1 runs without one.
site=$(realpath -m "${TONGGUAN_SITE:-target/site}")
port=${BENCH_PORT:-3900}
events=${BENCH_EVENTS:-1000000}
intake=${BENCH_INTAKE:-20000}
seconds=${BENCH_SECONDS:-20}
stats_seconds=${BENCH_STATS_SECONDS:-30}
origin="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/tongguan-bench-events-XXXXXX)   # see e2e.sh: /tmp is enterable by PostgreSQL's user
work=$data/work
mkdir -p "$work"
export LEPTOS_SITE_ROOT=$site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=tongguan LEPTOS_ENV=PROD
export LEPTOS_SITE_ADDR=127.0.0.1:$port TONGGUAN_DATA_DIR=$data TONGGUAN_PG_PORT=${BENCH_PG_PORT:-54379}
export TONGGUAN_DEMO=1 RUST_LOG=warn
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
  # The server stops its cluster on the way out; this is for a run that died half-way.
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

echo "== (setup) demo township, then $events generated events"
t0=$(date +%s)
"$bin" seed
"$bin" bench seed-events --count "$events" --days 365
echo "setup took $(( $(date +%s) - t0 )) s"

echo "== (b) intake: $intake reports through the intake service, 16 concurrent tasks"
"$bin" bench intake --events "$intake" --concurrency 16

start_server
echo "== the data"
sql "SELECT 'events: ' || count(*) || ', running (the command map''s open states): ' ||
            count(*) FILTER (WHERE state NOT IN ('closed', 'rejected', 'merged')) ||
            ', event_steps: ' || (SELECT count(*) FROM event_steps) ||
            ', grids: ' || (SELECT count(*) FROM grids) ||
            ', leaf categories: ' || (SELECT count(*) FROM event_categories WHERE parent_id IS NOT NULL AND active) FROM events"
sql "SELECT string_agg(state || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT state, count(*) AS n FROM events GROUP BY 1) s"
sql "SELECT 'table sizes: events ' || pg_size_pretty(pg_total_relation_size('events')) ||
            ', event_steps ' || pg_size_pretty(pg_total_relation_size('event_steps'))"

cookie=$(curl -s -o /dev/null -D - -X POST -H "Origin: $origin" -H "Accept: text/html" \
  --data "username=staff&password=Tongguan%402026&next=%2F" "$origin/api/auth/login" \
  | sed -n 's/^set-cookie: \(tg_session=[^;]*\).*/\1/Ip')
[ -n "$cookie" ] || { echo "login as staff failed"; exit 1; }

# The inbox filters the clients rotate through: state × a grid × a leaf category, picked
# deterministically from the database.
read -r -a grids <<< "$(sql "SELECT string_agg(id::text, ' ' ORDER BY md5(id::text)) FROM grids")"
read -r -a categories <<< "$(sql "SELECT string_agg(id::text, ' ' ORDER BY md5(id::text))
                                  FROM event_categories WHERE parent_id IS NOT NULL AND active")"
states=(reported handling closed)
filters=24
bodies=()
for i in $(seq 0 $((filters - 1))); do
  bodies+=("filter[q]=&filter[state]=${states[i % 3]}&filter[category_id]=${categories[i % ${#categories[@]}]}&filter[grid_id]=${grids[(i * 5) % ${#grids[@]}]}&filter[channel]=&filter[mine]=false&filter[page]=1&filter[per_page]=50&by_deadline=false")
done
from=$(TZ=Asia/Shanghai date -d '1 year ago' +%F)
to=$(TZ=Asia/Shanghai date +%F)
stats_body="filter[q]=&filter[state]=&filter[channel]=&filter[mine]=false&filter[from]=$from&filter[to]=$to&filter[page]=1&filter[per_page]=0&by=Category"

post() {  # endpoint body -> response body; fails unless 200
  curl -fsS -X POST -H "Origin: $origin" -H "Cookie: $cookie" -H "Content-Type: application/x-www-form-urlencoded" \
    --data "$2" "$origin/api/events/$1"
}
# Answers are postcard (app/src/wire.rs): their sizes say that they came back whole.
post list "${bodies[2]}" > "$work/list.bin"; post stats "$stats_body" > "$work/stats.bin"
echo "-- one inbox request: $(stat -c %s "$work/list.bin") bytes; one statistics request: $(stat -c %s "$work/stats.bin") bytes"

# The SQL the services run for each request, as PostgreSQL logged it (`execute` lines), for
# pgbench; the same log gives the server-side time of each statement for one client alone.
log=$data/pg/server.log
sql "ALTER SYSTEM SET log_min_duration_statement = 0" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
capture() {  # endpoint body name [statements]: runs the request once and keeps its event statements
  local before
  before=$(stat -c %s "$log")
  post "$1" "$2" >/dev/null
  sleep 0.2
  # The statements with their bound values written in (scripts/pg_log_statements.py).
  tail -c +"$((before + 1))" "$log" | python3 scripts/pg_log_statements.py "$work/$3"
  local got; got=$(wc -l < "$work/$3.sql")
  if [ -n "${4:-}" ] && [ "$got" != "$4" ] || [ "$got" = 0 ]; then
    echo "expected ${4:-some} statements for $1, got:"; cat "$work/$3.sql"; exit 1
  fi
}
total_ms() { tr ' ' '\n' < "$work/$1.ms" | awk '{s += $1} END {printf "%.1f ms in %d statements", s, NR}'; }
pgbench_list=()
for i in $(seq 0 $((filters - 1))); do
  capture list "${bodies[i]}" "list_$i" 2
  pgbench_list+=(-f "$work/list_$i.sql@1")
done
# Statistics are kept per month until a change in that month (stats_cache.rs, stats_months.rs).
# touch_event: a change statistics count to the newest event (this month), announced by its
# trigger; touch_names: a category renamed (to itself), which makes every month stale.
touch_event() { sql "UPDATE events SET supervised = NOT supervised WHERE id = (SELECT max(id) FROM events)" >/dev/null; sleep 0.3; }
touch_names() { sql "UPDATE event_categories SET name = name WHERE id = (SELECT min(id) FROM event_categories)" >/dev/null; sleep 0.3; }
touch_names; capture stats "$stats_body" stats_cold
touch_event; capture stats "$stats_body" stats
sql "ALTER SYSTEM RESET log_min_duration_statement" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null
echo "-- server-side execution of one lone request (ms, rows statement + count statement):"
echo "   inbox, each of the $filters filters: $(for i in $(seq 0 $((filters - 1))); do printf '%s / ' "$(sed 's/ / + /' "$work/list_$i.ms")"; done)"
echo "   statistics, every month read: $(total_ms stats_cold) ($(cat "$work/stats_cold.ms"))"
echo "   statistics after a change in this month: $(total_ms stats) ($(cat "$work/stats.ms"))"
# The whole request, kept and computed afresh, as one client sees it.
start_ns=$(date +%s%N); post stats "$stats_body" >/dev/null; kept_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
touch_event; start_ns=$(date +%s%N); post stats "$stats_body" >/dev/null; fresh_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
touch_names; start_ns=$(date +%s%N); post stats "$stats_body" >/dev/null; cold_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "   one statistics request by curl: kept ${kept_ms} ms; after a change in this month ${fresh_ms} ms; every month read ${cold_ms} ms"
echo "-- inbox SQL (filter 0): $(head -n 1 "$work/list_0.sql")"
echo "-- statistics SQL (first of $(wc -l < "$work/stats_cold.sql")): $(head -n 1 "$work/stats_cold.sql")"

# wrk: rotating request bodies, p95 from wrk's own histogram.
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
LUA
} > "$work/list.lua"
printf 'wrk.method = "POST"\nwrk.body = "%s"\n' "$stats_body" > "$work/stats.lua"
for f in "$work/list.lua" "$work/stats.lua"; do
  cat >> "$f" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50=%.1f p90=%.1f p95=%.1f p99=%.1f max=%.1f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
done
# Requests the clients gave up on keep running in PostgreSQL: wait for them before measuring on.
wait_idle() {
  for _ in $(seq 1 900); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'tongguan' AND state = 'active'
                AND pid <> pg_backend_pid() AND query LIKE '%FROM events e%'")" = 0 ] && return 0
    sleep 1
  done
}
run_wrk() {  # endpoint script connections [seconds] -> prints wrk's summary and the RESULT line
  local out
  wait_idle
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  out=$(wrk -t"$(( $3 < 2 ? $3 : 2 ))" -c"$3" -d"${4:-$seconds}s" --timeout 120s --latency -s "$work/$2.lua" \
    -H "Origin: $origin" -H "Cookie: $cookie" -H "Content-Type: application/x-www-form-urlencoded" \
    "$origin/api/events/$1")
  echo "$out" | sed -n '/Latency Distribution/,/Requests\/sec/p'
  echo "$out" | grep '^RESULT'
}
run_pgbench() {  # name clients seconds files… -> tps and p95 of the transactions
  local name=$1 clients=$2 duration=$3; shift 3
  rm -f "$work/pgb_$name".*
  wait_idle
  "$pgbench" "${pg[@]}" -n -M extended -c "$clients" -j 2 -T "$duration" -l --log-prefix="$work/pgb_$name" "$@" tongguan \
    > "$work/pgbench_$name.out" 2>&1 || { cat "$work/pgbench_$name.out"; exit 1; }
  local tps p95
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench_$name.out")
  # Column 3 of pgbench's transaction log is the latency in microseconds.
  p95=$(cat "$work/pgb_$name".* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; printf "%.1f", a[i]/1000}')
  echo "PGBENCH tps=$tps p95=$p95 transactions=$(cat "$work/pgb_$name".* | wc -l)"
}
share() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
field() { echo "$1" | grep -o "$2=[0-9.]*" | tail -n 1 | cut -d= -f2; }

echo "== (a) inbox: $filters rotating filters (state × grid × category, 50 a page), 32 connections, 2 threads, ${seconds} s"
list_wrk=$(run_wrk list list 32); echo "$list_wrk"
echo "-- the same SQL (rows and count) by pgbench -M extended, 32 clients, 2 threads, ${seconds} s"
list_pgb=$(run_pgbench list 32 "$seconds" "${pgbench_list[@]}"); echo "$list_pgb"
echo "inbox: $(field "$list_wrk" rps) req/s = $(share "$(field "$list_wrk" rps)" "$(field "$list_pgb" tps)") of pgbench's $(field "$list_pgb" tps) tps; p95 $(field "$list_wrk" p95) ms (pgbench p95 $(field "$list_pgb" p95) ms)"

echo "== (a) statistics for the last year ($from – $to) by category, 32 connections, 2 threads, ${stats_seconds} s"
stats_wrk=$(run_wrk stats stats 32 "$stats_seconds"); echo "$stats_wrk"
echo "-- one client alone, ${seconds} s"
stats_one=$(run_wrk stats stats 1); echo "$stats_one"
echo "-- 32 connections, ${stats_seconds} s, while an event of this month changes every second"
( end=$(( $(date +%s) + stats_seconds + 2 )); while [ "$(date +%s)" -lt "$end" ]; do touch_event; sleep 0.7; done ) &
toucher=$!
stats_busy=$(run_wrk stats stats 32 "$stats_seconds"); echo "$stats_busy"
wait "$toucher" || true
echo "-- the SQL of the year computed afresh (every month, overdue, span: one transaction) by pgbench -M extended, 32 clients, 2 threads, ${stats_seconds} s"
stats_pgb=$(run_pgbench stats 32 "$stats_seconds" -f "$work/stats_cold.sql"); echo "$stats_pgb"
echo "statistics: $(field "$stats_wrk" rps) req/s = $(share "$(field "$stats_wrk" rps)" "$(field "$stats_pgb" tps)") of pgbench's $(field "$stats_pgb" tps) tps (each of which computes the year afresh); p95 $(field "$stats_wrk" p95) ms at 32 clients, $(field "$stats_one" p95) ms alone, $(field "$stats_busy" p95) ms with a change every second"

if [ "${BENCH_SKIP_MAP:-}" != 1 ]; then
  echo "== (c) command map in Chromium"
  wait_idle
  (cd end2end && BASE_URL="$origin" BENCH_RESULT="$work/map.json" npx playwright test -c bench/playwright.config.ts) || echo "the map benchmark failed"
  cat "$work/map.json"; echo
fi
stop_server
