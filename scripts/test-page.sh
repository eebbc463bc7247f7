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
# Nor any RELAY_* setting from the caller's shell (a fixed --sim-today, bearer access, a rate limit).
env -u FEISHU_APP_ID -u FEISHU_APP_SECRET -u RELAY_ACCESS -u RELAY_SIM_TODAY -u RELAY_SIM_RATE_LIMIT \
  -u RELAY_CORS_ORIGINS -u RELAY_WWW_DIR -u RELAY_PKG_DIR -u RELAY_LISTEN -u FEISHU_BASE_URL \
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
# Arguments pick test files (scripts/test-page.sh tests/page/month.test.mjs); default: all of them.
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/page/*.test.mjs); fi
PAGE_URL="$url" node --test --test-concurrency=1 "${files[@]}"
