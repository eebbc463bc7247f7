#!/usr/bin/env bash
# `make test-page`: the page (www/) in a real browser. Starts the relay the way `make demo` does, on
# its Feishu simulation and a free loopback port, then runs the Playwright tests in tests/page/
# (playwright-core driving Debian's Chromium). Screenshots land in target/page-screenshots/.
# The tests take their ids, dates and expectations from that relay's `GET /_sim/dataset` listing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The package the relay serves at /pkg/: pkg/ by default; PKG_DIR=/tmp/some-copy tests a snapshot
# (e.g. while pkg/ is being rebuilt).
pkg_dir="${PKG_DIR:-pkg}"
if [ ! -f "$pkg_dir/index.js" ]; then
  echo "test-page: $pkg_dir/index.js is missing: run \`make pkg\` first (make test-page does), or set PKG_DIR" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo build --profile relay -p relay

mkdir -p target/page-screenshots
log=target/page-relay.log

# The tests are written against the simulation's dataset: never let real credentials in.
# Nor any RELAY_* setting from the caller's shell (a fixed --sim-today, bearer access, a rate limit).
env -u FEISHU_APP_ID -u FEISHU_APP_SECRET -u RELAY_ACCESS -u RELAY_SIM_TODAY -u RELAY_SIM_RATE_LIMIT \
  -u RELAY_CORS_ORIGINS -u RELAY_WWW_DIR -u RELAY_PKG_DIR -u RELAY_LISTEN -u FEISHU_BASE_URL \
  target/relay/relay --listen 127.0.0.1:0 --www-dir www --pkg-dir "$pkg_dir" >"$log" 2>&1 &
relay=$!
stop() {
  kill -TERM "$relay" 2>/dev/null || true
  wait "$relay" 2>/dev/null || true
}
trap stop EXIT

# Port 0: the kernel picks a free port (no race with other tests); the relay logs which one.
url=""
for _ in $(seq 1 150); do
  url=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
  [ -n "$url" ] && curl -fsS -o /dev/null "${url}/healthz" 2>/dev/null && break
  url=""
  kill -0 "$relay" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "test-page: the relay did not come up; its log:" >&2
  cat "$log" >&2
  exit 1
fi
url="${url}/"

# Arguments pick test files (scripts/test-page.sh tests/page/month.test.mjs); default: all of them.
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/page/*.test.mjs); fi
PAGE_URL="$url" node --test --test-concurrency=1 "${files[@]}"
