#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time; fails if any target finds a crash.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to $FUZZ_SECONDS, else 20. Installs cargo-fuzz into
# $CARGO_HOME/bin when it is missing. The toolchain is stable (rust-toolchain.toml), so the
# nightly flags cargo-fuzz passes are enabled with RUSTC_BOOTSTRAP=1. The sanitizer is
# AddressSanitizer unless FUZZ_SANITIZER says otherwise (e.g. `none`).
#
# Each run reads the committed seeds (fuzz/seeds/<target>/, read-only) and grows a local,
# gitignored corpus (fuzz/corpus/<target>/). A crash leaves its input in
# fuzz/artifacts/<target>/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/crash-...   (from fuzz/)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-20}}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(open_data open_data_roundtrip base64_policy signatures msg_crypt)
fi
SANITIZER="${FUZZ_SANITIZER:-address}"

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
export RUSTC_BOOTSTRAP=1

t0=$(date +%s)
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz into $CARGO_HOME/bin"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

cd "$FUZZ"
echo "fuzz: building ${#TARGETS[@]} targets (sanitizer: $SANITIZER)"
if ! cargo fuzz build --sanitizer "$SANITIZER" ; then
  if [ "$SANITIZER" != none ]; then
    echo "fuzz: the $SANITIZER build failed; retrying without a sanitizer"
    SANITIZER=none
    cargo fuzz build --sanitizer none
  else
    exit 1
  fi
fi
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
BIN="$FUZZ/target/$TRIPLE/release"
t1=$(date +%s)

failed=()
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="$(mktemp)"
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s"
  set +e
  "$BIN/$t" "corpus/$t" "seeds/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc) after ${runs:-?} runs; last lines:"
    grep -v '^#' "$log" | tail -n 40
    ls -1 "artifacts/$t" 2>/dev/null | sed 's/^/fuzz:   artifact: fuzz\/artifacts\/'"$t"'\//'
    failed+=("$t")
  else
    echo "fuzz: $t ok: ${runs:-?} runs, ${speed:-?} exec/s, no crash"
  fi
  rm -f "$log"
done

t2=$(date +%s)
echo "fuzz: setup+build $((t1 - t0))s, fuzzing $((t2 - t1))s, total $((t2 - t0))s"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}"
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets ran without a crash"
