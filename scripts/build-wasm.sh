#!/usr/bin/env bash
# Builds the WebAssembly backend of the npm package into npm/wxcrypt/wasm/ (build output,
# gitignored), then generates lib/crypto/policy.js and the ESM twins of lib/ (scripts/build-js.mjs).
# Idempotent and safe on a fresh machine; run from anywhere (it cds to the repo root).
#
#   1. rustup target wasm32-unknown-unknown (added if missing)
#   2. the wasm-bindgen CLI of exactly the version pinned in Cargo.toml, installed once into
#      target/tools/wasm-bindgen-<version>/ (cargo install, 2-4 minutes the first time)
#   3. the crate: cargo build -p wxcrypt-wasm for wasm32-unknown-unknown, profile wasm-release
#      (with getrandom's wasm_js cfg and simd128, for the wasm target only)
#   4. wasm-bindgen: the ESM glue (wxcrypt_wasm.mjs, for edge runtimes) and the CommonJS glue
#      (wxcrypt_wasm.cjs, for Node) share one .wasm file (both targets emit the same bytes)
#   5. wasm-opt from the npm `binaryen` package (never Debian's binaryen 108, which corrupts
#      current wasm-bindgen output); then an inlined copy for runtimes without file access
#   6. prints the raw and gzip sizes of the final .wasm
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# -- the pinned version: the one source of truth is [workspace.dependencies] in Cargo.toml
WB_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9][0-9.]*\)".*/\1/p' Cargo.toml)
if [[ -z "$WB_VERSION" ]]; then
  log 'Cargo.toml must pin wasm-bindgen exactly: wasm-bindgen = "=X.Y.Z" in [workspace.dependencies]'
  exit 1
fi

# -- 1. the target
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log 'adding rustup target wasm32-unknown-unknown'
  rustup target add wasm32-unknown-unknown
fi

# -- 2. the wasm-bindgen CLI, same version as the library (the glue format changes between versions)
TOOLS="$ROOT/target/tools/wasm-bindgen-$WB_VERSION"
WASM_BINDGEN=""
for candidate in "$TOOLS/bin/wasm-bindgen" "$(command -v wasm-bindgen || true)"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && [[ "$("$candidate" --version 2>/dev/null)" == "wasm-bindgen $WB_VERSION"* ]]; then
    WASM_BINDGEN=$candidate
    break
  fi
done
if [[ -z "$WASM_BINDGEN" ]]; then
  log "installing wasm-bindgen-cli $WB_VERSION into $TOOLS (once; takes a few minutes)"
  # --quiet: a newcomer's first run shows the line above, not cargo's PATH and future-incompat notes.
  cargo install --quiet wasm-bindgen-cli --version "$WB_VERSION" --root "$TOOLS"
  WASM_BINDGEN="$TOOLS/bin/wasm-bindgen"
fi
log "using $("$WASM_BINDGEN" --version) ($WASM_BINDGEN)"

# -- 3. the crate
# getrandom 0.3 on wasm32-unknown-unknown: the wasm_js backend (crypto.getRandomValues) needs its
# feature (crates/wxcrypt-wasm/Cargo.toml) and this cfg; set for the wasm target only.
# simd128: base64-simd decodes with 128-bit SIMD (3-4x the scalar decoder). Fixed-width SIMD is
# in every runtime wxcrypt supports (V8 since Node 16.4 / Chrome 91, JavaScriptCore for Bun,
# workerd and Deno on V8); js-tests/runtimes loads this build in each of them.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--cfg getrandom_backend="wasm_js" -C target-feature=+simd128'
cargo build -p wxcrypt-wasm --target wasm32-unknown-unknown --profile wasm-release
RAW_WASM="$ROOT/target/wasm32-unknown-unknown/wasm-release/wxcrypt_wasm.wasm"

# -- 4. the glue
OUT="$ROOT/npm/wxcrypt/wasm"
STAGE="$ROOT/target/wasm-bindgen-out"
rm -rf "$STAGE"
mkdir -p "$STAGE/web" "$STAGE/nodejs"
"$WASM_BINDGEN" --target web --no-typescript --out-dir "$STAGE/web" "$RAW_WASM"
"$WASM_BINDGEN" --target nodejs --no-typescript --out-dir "$STAGE/nodejs" "$RAW_WASM"
if ! cmp -s "$STAGE/web/wxcrypt_wasm_bg.wasm" "$STAGE/nodejs/wxcrypt_wasm_bg.wasm"; then
  log 'the web and nodejs targets of wasm-bindgen emitted different .wasm files; the loaders assume one'
  exit 1
fi

# -- 5. optimize, with binaryen from npm (devDependency of the root package.json, else npx)
WASM_OPT=(npx -y -p binaryen@132.0.0 wasm-opt)
if [[ -x "$ROOT/node_modules/.bin/wasm-opt" ]]; then
  WASM_OPT=("$ROOT/node_modules/.bin/wasm-opt")
fi
log "using $("${WASM_OPT[@]}" --version)"
# The features rustc enables by default for wasm32-unknown-unknown (wasm-bindgen's externref
# table needs reference-types) plus simd (set above); no others, so wasm-opt cannot introduce
# newer instructions.
"${WASM_OPT[@]}" -Oz --converge \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-simd \
  --strip-debug --strip-producers \
  -o "$STAGE/wxcrypt_wasm_bg.wasm" "$STAGE/web/wxcrypt_wasm_bg.wasm"

rm -rf "$OUT"
mkdir -p "$OUT"
cp "$STAGE/wxcrypt_wasm_bg.wasm" "$OUT/wxcrypt_wasm_bg.wasm"
# .mjs / .cjs: the package has no "type" field, so the extension must say what each file is.
cp "$STAGE/web/wxcrypt_wasm.js" "$OUT/wxcrypt_wasm.mjs"
cp "$STAGE/nodejs/wxcrypt_wasm.js" "$OUT/wxcrypt_wasm.cjs"
# The same bytes as a base64 string module, for runtimes that may not read files (Deno without
# --allow-read, browsers without a bundler, Bun, anything behind the "default" condition).
{
  printf '// GENERATED by scripts/build-wasm.sh: wxcrypt_wasm_bg.wasm, base64.\nexport default "'
  base64 -w0 "$OUT/wxcrypt_wasm_bg.wasm"
  printf '"\n'
} > "$OUT/wxcrypt_wasm_inline.mjs"

# -- lib/crypto/policy.js (the core's error table) and the ESM twins of lib/
node "$ROOT/scripts/build-js.mjs"

# -- 6. sizes
RAW=$(wc -c < "$OUT/wxcrypt_wasm_bg.wasm")
GZ=$(gzip -9 -c "$OUT/wxcrypt_wasm_bg.wasm" | wc -c)
log "npm/wxcrypt/wasm/wxcrypt_wasm_bg.wasm: $RAW bytes raw, $GZ bytes gzip -9 (before wasm-opt: $(wc -c < "$STAGE/web/wxcrypt_wasm_bg.wasm") bytes)"
