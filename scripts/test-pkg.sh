#!/usr/bin/env bash
# `make test-pkg`: what `npm install feishu-remedy` gives a consumer. Packs pkg/ with npm pack,
# installs the tarball into a fresh project, checks what it contains, compiles the TypeScript
# consumer against it through package.json's `exports` (no path mapping), and runs the plain
# <script type="module"> page of the README in Chromium against the relay.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
. scripts/relay-for-tests.sh

if [ ! -f pkg/package.json ]; then
  echo "test-pkg: pkg/ is missing: run \`make pkg\` first" >&2
  exit 1
fi

work=$PWD/target/pkg-test
rm -rf "$work"
mkdir -p "$work/consumer"
tarball=$(cd pkg && npm pack --silent --pack-destination "$work")
echo "test-pkg: packed $tarball ($(wc -c <"$work/$tarball") bytes)"

# Only the whitelisted files: the glue, its snippets, the wasm, the types, the README, the licence.
listing=$(tar -tzf "$work/$tarball" | sed 's|^package/||' | sort)
for f in index.js index.d.ts feishu_remedy.js feishu_remedy.d.ts feishu_remedy_bg.wasm package.json README.md LICENSE; do
  grep -qx "$f" <<<"$listing" || { echo "test-pkg: $f missing from the tarball" >&2; exit 1; }
done
if grep -vE '^(index\.js|index\.d\.ts|feishu_remedy\.js|feishu_remedy\.d\.ts|feishu_remedy_bg\.wasm|package\.json|README\.md|LICENSE|snippets/.*)$' <<<"$listing"; then
  echo "test-pkg: unexpected files in the tarball (above)" >&2
  exit 1
fi

cd "$work/consumer"
printf '{ "name": "consumer", "private": true, "type": "module" }\n' >package.json
# No dependencies, so this needs no registry.
npm install --no-audit --no-fund --loglevel=error "$work/$tarball"
cp ../../../tests/pkg/index.html .
cp ../../../tests/types/consumer.ts .
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
  "lib": ["ES2022", "DOM"], "strict": true, "noEmit": true }, "files": ["consumer.ts"] }
JSON
../../../node_modules/.bin/tsc -p tsconfig.json
echo "test-pkg: the types resolve through package.json exports"
cd - >/dev/null

build_relay
page_port=$(free_port)
start_relay --cors-origin "http://127.0.0.1:${page_port}"
CONSUMER_DIR="$work/consumer" RELAY_URL="$RELAY_URL" PAGE_PORT="$page_port" \
  node --test tests/pkg/run.mjs
