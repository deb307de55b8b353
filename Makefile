# Tongguan — the two commands of the README, and the steps they are made of.
#   make run    build (release) and serve the demo township on http://127.0.0.1:3000
#   make test   the whole suite: lint, unit, integration (real PostgreSQL), end-to-end (real Chromium)
# Both install whatever is missing first (scripts/setup.sh) and skip what is there.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test setup build lint schema unit fuzz e2e bench bench-events bench-import bench-history bench-register bench-readings clean-data

run: setup build
	scripts/run.sh

test: setup lint unit fuzz build e2e
	@echo "make test: all green"

# One full run needs no incremental cache (it alone was 25 GB of the debug target).
test: export CARGO_INCREMENTAL = 0
# A short run of each fuzz target in the suite (3 × 15 s after the build).
test: export FUZZ_SECONDS ?= 15

setup:
	scripts/setup.sh

build:
	scripts/build.sh

lint:
	cargo fmt --all -- --check
	scripts/check-schema.sh
	cargo clippy -p shared -p app -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# After a change to a module's declarations: regenerate shared/src/schema.rs and write the
# register migration the declarations need (migrations/<date>-<n>_registers), for review.
schema:
	scripts/check-schema.sh --write

# Unit tests of every crate, then the integration tests against a real PostgreSQL with
# PostGIS (a throwaway cluster under /tmp unless TEST_DATABASE_URL is set).
unit:
	cargo test -p shared -p app -p server

# libFuzzer on the filter, form and code parsers, FUZZ_SECONDS (default 20) per target;
# longer runs: docs/security.md, "Fuzzing".
fuzz:
	scripts/fuzz.sh

e2e:
	scripts/e2e.sh

bench: setup build
	scripts/bench.sh

# The event benchmarks: a million generated events, intake, the command map (takes ~15 min).
bench-events: setup build
	scripts/bench-events.sh

# The import benchmark: 100,000 party members previewed and committed (R-import, ≤ 60 s;
# figures in docs/benchmarks.md). Kept out of `make test`: it takes about a minute.
bench-import: setup
	cargo test --release -p server --test it -- --ignored import_of_100000_members --nocapture

# A record's history read from the history and its archive (docs/benchmarks.md); about a
# minute, on the PostgreSQL at 127.0.0.1:5432.
# The readings benchmark: a million readings in batches through the sensing service
# (issue 17, ≥ 20,000 a second; figures in docs/benchmarks.md). About a minute.
bench-readings: setup build
	scripts/bench-readings.sh

bench-history:
	scripts/bench-history.sh

# A register of a million records: the generic list under a scope with two filters, 32
# clients, against pgbench of the same SQL; a filterable custom field added while writers
# run (docs/benchmarks.md). About five minutes; needs the release build.
bench-register: setup build
	scripts/bench-register.sh

clean-data:
	rm -rf data
