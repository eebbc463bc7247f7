#!/usr/bin/env bash
# `make test-pkg`: what `npm install feishu-remedy` gives a consumer. Packs pkg/ with npm pack,
# installs the tarball into a fresh project, checks what it contains, compiles the TypeScript
# consumer against it through package.json's `exports` (no path mapping), and runs the plain page of
# the README (a module file, under the CSP it recommends) in Chromium against the relay.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
. scripts/relay-for-tests.sh
. scripts/install-package.sh

install_package "$PWD/target/pkg-test"

# Only the whitelisted files: the entries (browser, Node), the glue, its snippets, the wasm, the
# types, the README, the licence.
listing=$(tar -tzf "$TARBALL" | sed 's|^package/||' | sort)
for f in index.js node.js index.d.ts feishu_remedy.js feishu_remedy.d.ts feishu_remedy_bg.wasm package.json README.md LICENSE; do
  grep -qx "$f" <<<"$listing" || { echo "test-pkg: $f missing from the tarball" >&2; exit 1; }
done
if grep -vE '^(index\.js|node\.js|index\.d\.ts|feishu_remedy\.js|feishu_remedy\.d\.ts|feishu_remedy_bg\.wasm|package\.json|README\.md|LICENSE|snippets/.*)$' <<<"$listing"; then
  echo "test-pkg: unexpected files in the tarball (above)" >&2
  exit 1
fi

cd "$CONSUMER"
cp ../../../tests/pkg/{index.html,app.js,check.js} .
cp ../../../tests/types/consumer.ts .
# Both ways TypeScript resolves packages: a bundler's, and Node's (which also reads the "node" condition).
for resolution in Bundler NodeNext; do
  module=$([ "$resolution" = Bundler ] && echo ESNext || echo NodeNext)
  cat >tsconfig.json <<JSON
{ "compilerOptions": { "target": "ES2022", "module": "$module", "moduleResolution": "$resolution",
  "lib": ["ES2022", "DOM"], "strict": true, "noEmit": true }, "files": ["consumer.ts"] }
JSON
  ../../../node_modules/.bin/tsc -p tsconfig.json
done
echo "test-pkg: the types resolve through package.json exports (Bundler and NodeNext resolution)"
cd - >/dev/null

build_relay
page_port=$(free_port)
start_relay --cors-origin "http://127.0.0.1:${page_port}"
CONSUMER_DIR="$CONSUMER" RELAY_URL="$RELAY_URL" PAGE_PORT="$page_port" \
  node --test tests/pkg/run.mjs
