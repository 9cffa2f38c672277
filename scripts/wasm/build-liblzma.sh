#!/usr/bin/env bash
# Compiles liblzma's LZMA2 encoder and its .xz decoder (with the BCJ and delta filters), from Debian's own
# xz-utils source package (the liblzma that made the .xz files we rebuild), plus scripts/wasm/liblzma-shim.c
# (encoder) and scripts/wasm/liblzma-decoder-shim.c (decoder), into a WebAssembly module with no imports,
# and writes it base64-encoded to src/compression/xz/liblzma-wasm.generated.ts.
#
# Reproducible: the source version is pinned, no paths or dates reach the binary, and the output is
# stripped, so a rebuild with the same clang gives the same bytes (test/compression/xz-encoder checks it).
#
# Needs: apt-get source (a deb-src line: test/setup/enable-deb-src.sh; dpkg-dev), clang-14, lld-14,
# wasi-libc, libclang-rt-14-dev-wasm32.
set -euo pipefail

XZ_DEB_VERSION="5.4.1-1+deb12u1"
CC="${CC:-clang-14}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# Optional argument: where to write the module (the rebuild test writes elsewhere and compares).
out="$(realpath -m "${1:-$repo/src/compression/xz/liblzma-wasm.generated.ts}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! apt-cache showsrc xz-utils 2>/dev/null | grep -q "^Version: ${XZ_DEB_VERSION}\$"; then
  bash "$repo/test/setup/enable-deb-src.sh"
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
fi
# apt-get source checks the files against the archive's signed Sources index, and applies Debian's patches.
(cd "$work" && apt-get source -qq "xz-utils=${XZ_DEB_VERSION}" >/dev/null 2>&1) \
  || { echo "apt-get source xz-utils=${XZ_DEB_VERSION} failed" >&2; exit 1; }
src="$work/xz-utils-${XZ_DEB_VERSION%-*}"
[ -f "$src/src/liblzma/api/lzma.h" ] || { echo "no liblzma source in $src" >&2; exit 1; }

# The configure results liblzma needs, for a single-threaded build with the CRC32, CRC64 and SHA-256 checks:
# the LZMA2 encoder with all match finders (the presets use hc3, hc4 and bt4), and the decoders of every
# filter xz 5.4.1 writes, so any .xz it made can be read.
cat > "$work/config.h" <<'H'
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define SIZEOF_SIZE_T 4
#define HAVE_VISIBILITY 0
#define HAVE_CHECK_CRC32 1
#define HAVE_CHECK_CRC64 1
#define HAVE_CHECK_SHA256 1
#define HAVE_INTERNAL_SHA256 1
#define HAVE_ENCODERS 1
#define HAVE_ENCODER_LZMA1 1
#define HAVE_ENCODER_LZMA2 1
#define HAVE_DECODERS 1
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86 1
#define HAVE_DECODER_POWERPC 1
#define HAVE_DECODER_IA64 1
#define HAVE_DECODER_ARM 1
#define HAVE_DECODER_ARMTHUMB 1
#define HAVE_DECODER_ARM64 1
#define HAVE_DECODER_SPARC 1
#define HAVE_DECODER_DELTA 1
#define HAVE_MF_HC3 1
#define HAVE_MF_HC4 1
#define HAVE_MF_BT2 1
#define HAVE_MF_BT3 1
#define HAVE_MF_BT4 1
#define HAVE___BUILTIN_BSWAPXX 1
#define HAVE___BUILTIN_ASSUME_ALIGNED 1
#define TUKLIB_FAST_UNALIGNED_ACCESS 1
#define PACKAGE_NAME "XZ Utils"
#define PACKAGE_URL ""
H

# mythread.h (single-threaded branch) declares a sigprocmask wrapper that the encoder never calls; WASI has
# no signals, so this stub, found before the sysroot's <signal.h>, only lets it parse.
cat > "$work/signal.h" <<'H'
typedef unsigned long sigset_t;
int sigprocmask(int how, const sigset_t *set, sigset_t *oset);
H

l="$src/src/liblzma"
# lzma_memcmplen (the match finders' "how long is this match") compares 8 bytes at a time only on x86-64
# and falls back to 4 bytes at a time elsewhere, wasm32 included; wasm has native 64-bit loads and ctz, so
# the x86-64 branch is enabled for wasm too: 6% fewer instructions for `xz -6e` (bt4, nice 273). Both
# branches return the same length, and the one other difference, LZMA_MEMCMPLEN_EXTRA (8 instead of 4
# zeroed bytes allocated past the window), is never part of a match: the output bytes are unchanged.
memcmplen_x86='		&& ((TUKLIB_GNUC_REQ(3, 4) && defined(__x86_64__)) \'
[ "$(grep -cxF "$memcmplen_x86" "$l/common/memcmplen.h")" = 1 ] || { echo "memcmplen.h: the x86-64 branch not found as expected" >&2; exit 1; }
sed -i 's/^\t\t&& ((TUKLIB_GNUC_REQ(3, 4) && defined(__x86_64__)) \\$/\t\t\&\& ((TUKLIB_GNUC_REQ(3, 4) \&\& (defined(__x86_64__) || defined(__wasm__))) \\/' "$l/common/memcmplen.h"
grep -qF '(defined(__x86_64__) || defined(__wasm__))) \' "$l/common/memcmplen.h" || { echo "memcmplen.h: patch failed" >&2; exit 1; }

sources=(
  common/common.c common/block_util.c common/block_header_encoder.c common/block_encoder.c
  common/block_buffer_encoder.c common/easy_preset.c common/filter_common.c common/filter_encoder.c
  common/filter_flags_encoder.c common/index.c common/index_encoder.c common/stream_encoder.c
  common/stream_flags_common.c common/stream_flags_encoder.c common/vli_encoder.c common/vli_size.c
  check/check.c check/crc32_fast.c check/crc32_table.c check/crc64_fast.c check/crc64_table.c check/sha256.c
  lz/lz_encoder.c lz/lz_encoder_mf.c
  lzma/lzma_encoder.c lzma/lzma_encoder_optimum_fast.c lzma/lzma_encoder_optimum_normal.c
  lzma/lzma_encoder_presets.c lzma/lzma2_encoder.c lzma/fastpos_table.c
  rangecoder/price_table.c
  common/stream_decoder.c common/block_decoder.c common/block_header_decoder.c common/filter_decoder.c
  common/filter_flags_decoder.c common/index_hash.c common/stream_flags_decoder.c common/vli_decoder.c
  lz/lz_decoder.c lzma/lzma_decoder.c lzma/lzma2_decoder.c
  simple/simple_coder.c simple/simple_decoder.c simple/x86.c simple/powerpc.c simple/ia64.c simple/arm.c
  simple/armthumb.c simple/arm64.c simple/sparc.c delta/delta_common.c delta/delta_decoder.c
)
cp "$here/liblzma-shim.c" "$here/liblzma-decoder-shim.c" "$work/"
exports=(xz_create xz_input xz_input_size xz_output xz_write xz_finish xz_pump xz_done
  xz_block_output xz_block_output_size xz_block_header_size xz_block_input_kept
  xzd_create xzd_input xzd_output xzd_write xzd_finish xzd_pump xzd_done xzd_total_in)

cd "$work"
# -ffile-prefix-map keeps the temporary directory's name out of the binary (NDEBUG leaves no __FILE__ anyway).
"$CC" --target=wasm32-wasi --sysroot=/usr -O3 -DNDEBUG -DHAVE_CONFIG_H -std=gnu11 -Werror=implicit-function-declaration -Wl,--fatal-warnings \
  -ffile-prefix-map="$work"=. -I. -I"$l/api" -I"$l/common" -I"$l/check" -I"$l/lz" -I"$l/rangecoder" \
  -I"$l/lzma" -I"$l/delta" -I"$l/simple" -I"$src/src/common" \
  -mexec-model=reactor \
  -Wl,--strip-all -Wl,--max-memory=4294967296 \
  $(printf -- '-Wl,--export=%s ' "${exports[@]}") \
  -o liblzma.wasm liblzma-shim.c liblzma-decoder-shim.c "${sources[@]/#/$l/}"

imports="$(node -e 'const m=new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));process.stdout.write(JSON.stringify(WebAssembly.Module.imports(m)))' liblzma.wasm)"
[ "$imports" = "[]" ] || { echo "the wasm module has imports: $imports" >&2; exit 1; }
if grep -q -a -e "$work" -e "$repo" liblzma.wasm; then echo "a build path leaked into the wasm module" >&2; exit 1; fi

sha="$(sha256sum liblzma.wasm | cut -d' ' -f1)"
size="$(stat -c %s liblzma.wasm)"
{
  echo "// Generated by scripts/wasm/build-liblzma.sh: do not edit."
  echo "// liblzma encoder and decoder from Debian xz-utils ${XZ_DEB_VERSION} (public domain) + scripts/wasm/liblzma-*shim.c,"
  echo "// built with $("$CC" --version | head -n1 | sed 's/ *$//')."
  echo "// wasm size: ${size} bytes"
  echo "// wasm sha256: ${sha}"
  echo "export const LIBLZMA_WASM_SHA256: string = '${sha}'"
  echo "export const LIBLZMA_WASM_BASE64: string ="
  base64 -w 100 liblzma.wasm | sed "s/.*/  '&' +/; \$ s/ +\$//"
} > "$out"
echo "wrote ${out#"$repo"/} (${size} bytes of wasm, sha256 ${sha})" >&2
