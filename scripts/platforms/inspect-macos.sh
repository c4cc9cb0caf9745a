#!/usr/bin/env bash
# Inspects a macOS addon built here (there is no macOS to run it on): Mach-O of the right
# architecture, the right minimum macOS, napi_register_module_v1 exported, and every napi_* symbol
# undefined with flat-namespace (dynamic) lookup, so it binds to whichever node process loads it.
# Usage: inspect-macos.sh <file.node> <x86_64|arm64> <minimum macOS, e.g. 11.0>
set -euo pipefail
f=$1 arch=$2 minos=$3
fail() { printf 'inspect-macos: %s: %s\n' "$f" "$*" >&2; exit 1; }
kind=$(file -b "$f")
[[ "$kind" == "Mach-O 64-bit $arch dynamically linked shared library"* ]] || fail "file says: $kind"
# LC_BUILD_VERSION (minos X) or the older LC_VERSION_MIN_MACOSX (version X).
got=$(llvm-objdump --macho --private-headers "$f" |
  awk '/cmd LC_BUILD_VERSION/{b=1} b&&/^ *minos /{print $2; exit} /cmd LC_VERSION_MIN_MACOSX/{v=1} v&&/^ *version /{print $2; exit}')
[ "$got" = "$minos" ] || fail "minimum macOS is '$got', want $minos"
llvm-nm -m --defined-only --extern-only "$f" | grep -q ' external _napi_register_module_v1$' ||
  fail "napi_register_module_v1 is not exported"
undefined=$(llvm-nm -m --undefined-only "$f")
napi=$(grep -c ' _napi_' <<<"$undefined" || true)
[ "$napi" -gt 0 ] || fail "no napi_* imports"
# The dyld bind tables name the library each import binds to: "flat-namespace" for all napi_*.
binds=$(llvm-objdump --macho --bind --lazy-bind --weak-bind "$f" | grep ' _napi_')
flat=$(grep 'flat-namespace' <<<"$binds" | awk '{print $NF}' | sort -u | wc -l)
[ "$flat" = "$napi" ] || fail "$flat of $napi napi_* imports are bound by flat-namespace lookup: $(grep -v flat-namespace <<<"$binds" | head -3)"
# Everything else comes from libSystem (no other dylib).
others=$(grep -v ' _napi_' <<<"$undefined" | grep -v '(from libSystem)' || true)
[ -z "$others" ] || fail "imports from outside libSystem: $others"
printf 'inspect-macos: %s: %s, minimum macOS %s, exports napi_register_module_v1, %s napi_* imports by flat-namespace lookup, the rest from libSystem\n' \
  "$f" "$arch" "$got" "$napi"
