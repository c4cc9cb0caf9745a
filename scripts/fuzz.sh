#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time; fails if any target finds a crash.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to $FUZZ_SECONDS, else 20; the targets default to every [[bin]] of
# fuzz/Cargo.toml. Installs cargo-fuzz into
# $CARGO_HOME/bin when it is missing. The toolchain is stable (rust-toolchain.toml), so the
# nightly flags cargo-fuzz passes are enabled with RUSTC_BOOTSTRAP=1. The sanitizer is
# AddressSanitizer unless FUZZ_SANITIZER says otherwise (e.g. `none`).
#
# Each run reads the committed seeds (fuzz/seeds/<target>/, read-only) and grows a local,
# gitignored corpus (fuzz/corpus/<target>/). A crash leaves its input in
# fuzz/artifacts/<target>/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/crash-...   (from fuzz/)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FUZZ="$ROOT/fuzz"
SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-20}}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  # The name of every [[bin]] section of fuzz/Cargo.toml (each cargo-fuzz target is one).
  mapfile -t TARGETS < <(awk '/^\[/ { bin = ($0 == "[[bin]]") } bin && /^name *=/ { gsub(/^name *= *"|".*$/, ""); print }' "$FUZZ/Cargo.toml")
  [ ${#TARGETS[@]} -gt 0 ] || { log "no [[bin]] target in fuzz/Cargo.toml"; exit 1; }
fi
SANITIZER="${FUZZ_SANITIZER:-address}"

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
export RUSTC_BOOTSTRAP=1

t0=$(date +%s)
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz into $CARGO_HOME/bin"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

cd "$FUZZ"
log "building ${#TARGETS[@]} targets (sanitizer: $SANITIZER)"
if ! cargo fuzz build --sanitizer "$SANITIZER" ; then
  if [ "$SANITIZER" != none ]; then
    log "the $SANITIZER build failed; retrying without a sanitizer"
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
  out="$(mktemp)"
  log "$t for ${SECONDS_PER_TARGET}s"
  set +e
  "$BIN/$t" "corpus/$t" "seeds/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$out" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out")
  if [ $rc -ne 0 ]; then
    log "$t FAILED (exit $rc) after ${runs:-?} runs; last lines:"
    grep -v '^#' "$out" | tail -n 40 >&2
    for a in "artifacts/$t"/*; do [ ! -e "$a" ] || log "  artifact: fuzz/$a"; done
    failed+=("$t")
  else
    log "$t ok: ${runs:-?} runs, ${speed:-?} exec/s, no crash"
  fi
  rm -f "$out"
done

t2=$(date +%s)
log "setup+build $((t1 - t0))s, fuzzing $((t2 - t1))s, total $((t2 - t0))s"
if [ ${#failed[@]} -ne 0 ]; then
  log "crashes in: ${failed[*]}"
  exit 1
fi
log "all ${#TARGETS[@]} targets ran without a crash"
