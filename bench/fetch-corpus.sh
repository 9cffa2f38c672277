#!/usr/bin/env bash
# Fetches the varied real-archive corpus of `npm run bench` (issue #3) into .cache/corpus/ (idempotent):
#   debian/  upstream tarballs as Debian ships them (apt-get source): GNU, GnuPG, GitHub and crate releases
#   deb/     data.tar.* of binary .debs (apt-get download; dpkg-deb's own compressor settings)
#   npm/     package tarballs (npm pack), published by npm clients of many years (the last five with
#            Node.js 12.17-20.6, whose zlib is the recipe encoder zlib-chromium-crc32c)
#   git/     `git archive` of this repository's HEAD: its own gzip, and piped through the CLI compressors
# hello, python3.11 and lodash are the archives issue #12 measures side data on.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.cache/corpus"
mkdir -p "$out"/{debian,deb,npm,git}
exec 9>"$out/.lock"
flock 9
# The marker names the corpus version, so that a corpus fetched from an older list is completed.
version=3
[ "$(cat "$out/.done" 2>/dev/null)" = "$version" ] && exit 0
bash "$root/test/setup/enable-deb-src.sh"

cd "$out/debian"
for pkg in coreutils grep gzip tar less nano patch diffutils bzip2 curl rsync tmux flex bison libzstd xz-utils libidn2 \
           libpng1.6 jq gawk m4 libffi file lz4 libgpg-error libassuan libgcrypt20 libyaml htop \
           golang-github-spf13-cobra golang-github-pkg-errors golang-github-google-uuid fzf \
           rust-ripgrep git-lfs hello python3.11; do
  apt-get source --download-only -qq "$pkg" >/dev/null 2>&1 || echo "apt-get source $pkg failed; skipped" >&2
done
# Only the upstream tarballs: Debian's own packaging tarballs are all made by dpkg-source.
find . -maxdepth 1 -type f ! -name '*.orig*.tar.*' -delete
find . -maxdepth 1 -type f -name '*.asc' -delete

cd "$out/deb"
for pkg in hello coreutils curl jq tmux less nano libpng16-16 zstd file; do
  apt-get download -qq "$pkg" >/dev/null 2>&1 || { echo "apt-get download $pkg failed; skipped" >&2; continue; }
  deb=$(ls "${pkg}"_*.deb | head -1)
  mkdir -p x && (cd x && ar x "../$deb")
  for d in x/data.tar.*; do mv "$d" "${pkg}.${d#x/}"; done
  rm -rf x "$deb"
done

cd "$out/npm"
for spec in typescript@5.9.3 multiformats@14.0.5 fflate@0.8.3 lodash@4.17.21 react@18.3.1 express@4.21.2 \
            chalk@5.3.0 left-pad@1.3.0 debug@2.6.9 semver@7.6.3 uuid@9.0.1 tar-stream@3.1.7 minimist@1.2.8 \
            ms@2.1.3 commander@2.20.3 chalk@4.1.2 react@17.0.2 eslint@8.35.0 uuid@8.3.2 moment@2.29.4; do
  npm pack --silent "$spec" >/dev/null 2>&1 || echo "npm pack $spec failed; skipped" >&2
done

cd "$out/git"
git -C "$root" archive --format=tar.gz --prefix=repo/ -o "$out/git/head.git-archive.tar.gz" HEAD
git -C "$root" archive --format=tar --prefix=repo/ HEAD > head.tar
gzip -n -9 < head.tar > head.gzip-9n.tar.gz
gzip < head.tar > head.gzip-6.tar.gz
bzip2 -9 < head.tar > head.bzip2-9.tar.bz2
xz -6 < head.tar > head.xz-6.tar.xz
zstd -q -3 < head.tar > head.zstd-3-pipe.tar.zst
zstd -q -f -19 head.tar -o head.zstd-19-file.tar.zst
rm head.tar
echo "$version" > "$out/.done"
