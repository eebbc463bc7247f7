#!/usr/bin/env bash
# `make test-page`: the page (www/) in a real browser. Starts the relay the way `make demo` does, on
# its Feishu simulation and a free loopback port, then runs the Playwright tests in tests/page/
# (playwright-core driving Debian's Chromium). Screenshots land in target/page-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f pkg/index.js ]; then
  echo "test-page: pkg/index.js is missing: run \`make pkg\` first (make test-page does)" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo build --release -p relay

# Port 0 lets the kernel pick a free port; the tiny window before the relay binds it is acceptable.
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir -p target/page-screenshots
log=target/page-relay.log

# The tests are written against the simulation's dataset: never let real credentials in.
env -u FEISHU_APP_ID -u FEISHU_APP_SECRET \
  target/release/relay --listen "127.0.0.1:${port}" --www-dir www --pkg-dir pkg >"$log" 2>&1 &
relay=$!
stop() {
  kill -TERM "$relay" 2>/dev/null || true
  wait "$relay" 2>/dev/null || true
}
trap stop EXIT

url="http://127.0.0.1:${port}/"
up=no
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "${url}healthz" 2>/dev/null; then up=yes; break; fi
  kill -0 "$relay" 2>/dev/null || break
  sleep 0.1
done
if [ "$up" != yes ]; then
  echo "test-page: the relay did not come up on ${url}; its log:" >&2
  cat "$log" >&2
  exit 1
fi

# One file at a time: each launches its own Chromium, and the machines have two cores.
PAGE_URL="$url" node --test --test-concurrency=1 tests/page/*.test.mjs
