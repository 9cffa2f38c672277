#!/usr/bin/env bash
# The tests (and npm run bench) compare against real peers: GNU tar, bsdtar, nix-store --dump, zip tools,
# the compressors and tar-split, rebuild the bundled WebAssembly codecs (libbz2, liblzma, libzstd) from
# Debian's source with clang, and run the bundled core in headless Chromium. Installs the Debian packages
# that provide whichever of them is missing (as root, or with sudo), and says which and why before it does.
set -euo pipefail
need=()
why=()
# want PACKAGE REASON: PACKAGE is needed (the caller has checked that what it provides is missing).
want () { need+=("$1"); why+=("  $1: $2"); }
has () { command -v "$1" >/dev/null; }
has tar || want tar "GNU tar writes the test archives and is the reference for extraction"
has bsdtar || want libarchive-tools "bsdtar writes test archives in its own header style"
has nix-store || want nix-bin "nix-store --dump compares extracted trees (NAR)"
has gzip || want gzip "the reference for the GNU gzip recipe encoder"
has bzip2 || want bzip2 "the reference for the bzip2 recipe encoder"
has xz || want xz-utils "the reference for the xz recipe encoder"
has zstd || want zstd "the reference for the zstd recipe encoder"
has ar || want binutils "ar unpacks .deb files for their data.tar"
has zip || want zip "Info-ZIP writes test zips"
has unzip || want unzip "the reference for zip extraction"
has 7z || want p7zip-full "7-Zip writes test zips"
has pigz || want pigz "pigz output is a gzip no recipe makes (kept verbatim)"
has go || want golang-go "Go's compress/gzip and archive/tar are references"
has git || want git "git archive writes test tars"
has python3 || want python3 "Python's tarfile, zipfile and zlib are references"
has ipfs_cid || want ipfs-cid "an independent (Rust) UnixFS CID for large files"
has jar || want openjdk-17-jdk-headless "jar writes test zips"
if has apt-get && ! has dpkg-source; then want dpkg-dev "dpkg-source unpacks Debian sources for the wasm rebuild tests"; fi
has clang-14 || want clang-14 "compiles libbz2, liblzma and libzstd to WebAssembly (rebuild tests)"
has wasm-ld-14 || has wasm-ld || want lld-14 "links the WebAssembly codecs (rebuild tests)"
[ -e /usr/lib/wasm32-wasi/libc.a ] || want wasi-libc "the C library of the WebAssembly codecs (rebuild tests)"
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null || want libclang-rt-14-dev-wasm32 "compiler builtins of the WebAssembly codecs (rebuild tests)"
has chromium || want chromium "the browser test runs the esbuild bundle of the core in headless Chromium (test/browser.test.ts)"
has tar-split || want tar-split "npm run bench compares side data with tar-split's metadata (bench/tar-split.ts)"
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
{ echo "installing test peers (Debian packages):"; printf '%s\n' "${why[@]}"; } >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
