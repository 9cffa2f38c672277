#!/usr/bin/env bash
# Builds the compression half of Debian bookworm's libzstd (1.5.4+dfsg2-5, Debian patches applied) to
# WebAssembly and writes it, base64-encoded, to src/compression/zstd/libzstd-wasm.generated.ts.
#
# Why Debian's source: zstd's output changes between versions (1.5.4 and the 1.5.7 of npm packages differ
# at every level) and Debian patches the block splitter (0020-upstream-fix-block-splitter), so only this
# exact source reproduces what bookworm's `zstd` writes.
#
# Needs: apt-get with a deb-src line (test/setup/enable-deb-src.sh adds one), dpkg-dev (to unpack and
# patch), clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32. The result is deterministic: the same
# toolchain gives the same bytes on every run (test/compression/zstd-encoder checks this).
#
# Usage: scripts/wasm/build-libzstd.sh [OUTPUT.ts]   (default: the committed generated file)
set -euo pipefail

DEB_SOURCE=libzstd
DEB_VERSION=1.5.4+dfsg2-5
CLANG=clang-14
# The wasm's largest memory: wasm32's whole 4 GiB address space. Levels 20-22 and --long read through
# the multi-threaded path need a round buffer of up to 2 GiB; memory only grows as it is used.
MAX_MEMORY=4294967296
STACK_SIZE=1048576

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/src/compression/zstd/libzstd-wasm.generated.ts}"

for tool in "$CLANG" wasm-ld-14 apt-get dpkg-source sha256sum base64; do
  command -v "$tool" >/dev/null || { echo "build-libzstd: $tool not found (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 dpkg-dev)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- Debian's source, patches applied ---
bash "$repo/test/setup/enable-deb-src.sh"
fetch () { (cd "$work" && apt-get source -q --only-source "$DEB_SOURCE=$DEB_VERSION" >"$work/apt.log" 2>&1); }
if ! fetch; then
  # The deb-src line may have just been added, or the lists be stale.
  apt-get update -q >/dev/null
  fetch || { cat "$work/apt.log" >&2; exit 1; }
fi
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$DEB_SOURCE-*")"
[ -f "$src/lib/zstd.h" ] || { echo "build-libzstd: no unpacked source in $work" >&2; exit 1; }
grep -qx '0020-upstream-fix-block-splitter.patch' "$src/debian/patches/series" || { echo "build-libzstd: unexpected Debian patch series" >&2; exit 1; }

# libzstd picks the row-based match finder for windows above 16 KiB on CPUs with 128-bit SIMD (x86 SSE2,
# ARM NEON) but only above 128 KiB elsewhere, and that choice changes the output (e.g. levels 5-10 on a
# 64 KiB file). The matches found do not depend on SIMD (its scalar fallback computes the same masks), so
# the wasm build is told it has SIMD: it then writes what Debian's amd64 and arm64 binaries write.
simd_line='    int const kHasSIMD128 = 0;'
[ "$(grep -cxF "$simd_line" "$src/lib/compress/zstd_compress.c")" = 1 ] || { echo "build-libzstd: kHasSIMD128 not found as expected" >&2; exit 1; }
sed -i 's/^    int const kHasSIMD128 = 0;$/    int const kHasSIMD128 = 1;/' "$src/lib/compress/zstd_compress.c"

# --- Compile ---
# -ffile-prefix-map and the absence of -g keep the build directory out of the module; NDEBUG and
# DEBUGLEVEL=0 keep out assert() file names and debug strings. ZSTD_MULTITHREAD builds ZSTDMT (the path
# the CLI uses by default) against include/pthread.h, whose condition waits trap instead of blocking;
# pool.c alone is built without it, which gives libzstd's own pool that runs each job when it is added.
cflags=(--target=wasm32-wasi --sysroot=/usr -O2 -mbulk-memory -msign-ext -mnontrapping-fptoint
  -ffile-prefix-map="$work"=. -ffile-prefix-map="$here"=.
  -DNDEBUG -DDEBUGLEVEL=0 -DZSTD_TRACE=0 -DZSTD_LEGACY_SUPPORT=0 -DZSTD_DISABLE_ASM
  -I"$src/lib" -I"$src/lib/common")
mt=(-DZSTD_MULTITHREAD -I"$here/include")
objs=()
compile () { # file, extra flags...
  local file="$1"; shift
  local obj="$work/obj/$(basename "$file" .c).o"
  mkdir -p "$work/obj"
  "$CLANG" "${cflags[@]}" "$@" -c "$file" -o "$obj"
  objs+=("$obj")
}
for f in debug entropy_common error_private fse_decompress xxhash zstd_common; do compile "$src/lib/common/$f.c" "${mt[@]}"; done
compile "$src/lib/common/pool.c"
for f in "$src"/lib/compress/*.c; do compile "$f" "${mt[@]}"; done
compile "$here/libzstd-shim.c" "${mt[@]}" -I"$src/lib/compress"

exports=(zw_create zw_free zw_set_parameter zw_set_pledged_size zw_input_buffer zw_input_capacity zw_set_input
  zw_input_remaining zw_compress zw_output_buffer zw_output_size zw_is_error zw_error_name zw_window_log)
ldflags=(-nostartfiles -Wl,--no-entry -Wl,--strip-all -Wl,--gc-sections
  -Wl,--max-memory=$MAX_MEMORY -Wl,-z,stack-size=$STACK_SIZE)
for e in "${exports[@]}"; do ldflags+=("-Wl,--export=$e"); done
"$CLANG" "${cflags[@]}" "${ldflags[@]}" -fuse-ld=lld "${objs[@]}" -o "$work/libzstd.wasm"

wasm="$work/libzstd.wasm"
if grep -qa "$work\|$here\|/usr/" "$wasm"; then echo "build-libzstd: a path is embedded in the module" >&2; exit 1; fi
sha="$(sha256sum "$wasm" | cut -d' ' -f1)"
size="$(stat -c %s "$wasm")"

mkdir -p "$(dirname "$out")"
{
  echo "// Generated by scripts/wasm/build-libzstd.sh: do not edit."
  echo "// libzstd from Debian source package $DEB_SOURCE $DEB_VERSION: compression only, ZSTDMT run synchronously,"
  echo "// match-finder choice as on amd64/arm64 (kHasSIMD128 = 1), see the build script."
  echo "// built with $($CLANG --version | head -n1 | sed 's/ (.*//') for wasm32 with no imports."
  echo "// wasm bytes: $size"
  echo "// wasm sha256: $sha"
  echo "export const libzstdWasmBase64: string ="
  echo "  '$(base64 -w0 "$wasm")'"
} >"$out"
echo "build-libzstd: wrote $out ($size bytes of wasm, sha256 $sha)" >&2
