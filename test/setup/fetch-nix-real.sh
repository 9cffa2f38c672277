#!/usr/bin/env bash
# Fetches the real archives of the Nix tests (test/nar/) into .cache/real/nix/ (idempotent): the data.tar.xz
# of Debian binary packages chosen for what a NAR must get right, and a Python wheel (a real zip):
#   tzdata      365 symlinks, one absolute (usr/share/zoneinfo/localtime -> /etc/localtime, dangling)
#   perl-base   a hardlink to an executable (usr/bin/perl5.36.0 -> usr/bin/perl), 700+ entries
#   libc-bin    an absolute symlink (usr/bin/ld.so -> /lib64/...), executables, empty directories
#   python3-pip-whl   pip's wheel (zip, made by Python's zipfile)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cache/real/nix
mkdir -p "$out"
cd "$out"
exec 9>.lock
flock 9
[ -f .done ] && exit 0

for pkg in tzdata perl-base libc-bin python3-pip-whl; do
  apt-get download -qq "$pkg" >/dev/null 2>&1 || { echo "apt-get download $pkg failed" >&2; exit 1; }
done
for pkg in tzdata perl-base libc-bin; do
  deb=$(ls "${pkg}"_*.deb | head -1)
  rm -rf x && mkdir x && (cd x && ar x "../$deb")
  mv x/data.tar.xz "$pkg-data.tar.xz"
  rm -rf x "$deb"
done
deb=$(ls python3-pip-whl_*.deb | head -1)
rm -rf x && mkdir x && dpkg-deb -x "$deb" x
mv x/usr/share/python-wheels/pip-*.whl pip.whl
rm -rf x "$deb"
touch .done
ls -la
