#!/usr/bin/env bash
# Fuzzes the parsers every request goes through (fuzz/: the inbox filter read from a query,
# the server functions' URL-encoded forms and their validation, the standard codes) with
# libFuzzer through cargo-fuzz, each target for FUZZ_SECONDS seconds (default 20).
#   FUZZ_SECONDS=600 scripts/fuzz.sh          longer runs (docs/security.md, "Fuzzing")
#   FUZZ_TARGETS="forms" scripts/fuzz.sh      some targets only
#   FUZZ_SANITIZER=none scripts/fuzz.sh       without AddressSanitizer (faster, finds less)
# A crash, a panic or an input slower than FUZZ_TIMEOUT seconds (default 10: an unbounded
# loop) fails the run and leaves the input in fuzz/artifacts/<target>/. Inputs that reached
# new code are kept in fuzz/corpus/<target>/, so each run starts where the last one ended.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[fuzz]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${FUZZ_SECONDS:-20}
targets=${FUZZ_TARGETS:-filter_query forms codes audit_search}
sanitizer=${FUZZ_SANITIZER:-address}
timeout=${FUZZ_TIMEOUT:-10}

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (about 2 minutes, once)"
  cargo install --locked cargo-fuzz@0.13.2
fi
if ! command -v c++ >/dev/null; then
  say "installing a C++ compiler (libFuzzer is C++)"
  SUDO=$(if [ "$(id -u)" -ne 0 ]; then echo sudo; fi)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq g++ >/dev/null
fi

# cargo-fuzz compiles with unstable flags (-Zsanitizer, the sanitizer-coverage passes);
# only the stable compiler is installed, and RUSTC_BOOTSTRAP lets it accept them.
export RUSTC_BOOTSTRAP=1

say "building the fuzz targets (sanitizer: $sanitizer)"
cargo fuzz build -s "$sanitizer"

mkdir -p fuzz/artifacts
for target in $targets; do
  mkdir -p "fuzz/corpus/$target"
  log="fuzz/artifacts/$target.log"
  say "$target: ${seconds}s"
  # The first directory collects what libFuzzer finds; the committed seeds are read only.
  if cargo fuzz run -s "$sanitizer" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -timeout="$timeout" -dict=fuzz/forms.dict -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' ' | sed 's/^/  /'
    echo
  else
    tail -n 60 "$log"
    say "$target FAILED: the input is in fuzz/artifacts/$target/ (full log: $log);"
    say "reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run -s $sanitizer $target fuzz/artifacts/$target/<file>"
    exit 1
  fi
done
say "all targets ran ${seconds}s without a failure"
