#!/usr/bin/env bash
# The tests compare against real peers: GNU tar, bsdtar, nix-store --dump, zip tools and the compressors,
# and rebuild the bundled WebAssembly codecs (libbz2, liblzma, libzstd) from Debian's source with clang.
# Installs the Debian packages that provide whichever of them is missing (as root, or with sudo).
set -euo pipefail
need=()
command -v tar >/dev/null || need+=(tar)
command -v bsdtar >/dev/null || need+=(libarchive-tools)
command -v nix-store >/dev/null || need+=(nix-bin)
command -v gzip >/dev/null || need+=(gzip)
command -v bzip2 >/dev/null || need+=(bzip2)
command -v xz >/dev/null || need+=(xz-utils)
command -v zstd >/dev/null || need+=(zstd)
command -v ar >/dev/null || need+=(binutils)
command -v zip >/dev/null || need+=(zip)
command -v unzip >/dev/null || need+=(unzip)
command -v 7z >/dev/null || need+=(p7zip-full)
command -v pigz >/dev/null || need+=(pigz)
command -v go >/dev/null || need+=(golang-go)
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
command -v ipfs_cid >/dev/null || need+=(ipfs-cid)
command -v jar >/dev/null || need+=(openjdk-17-jdk-headless)
command -v apt-get >/dev/null && { command -v dpkg-source >/dev/null || need+=(dpkg-dev); }
command -v clang-14 >/dev/null || need+=(clang-14)
command -v wasm-ld-14 >/dev/null || command -v wasm-ld >/dev/null || need+=(lld-14)
[ -e /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' >/dev/null || need+=(libclang-rt-14-dev-wasm32)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "installing test peers: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
