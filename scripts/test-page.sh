#!/usr/bin/env bash
# `make test-page`: the page (www/) in a real browser. Starts the relay (scripts/relay-for-tests.sh)
# on its Feishu simulation and a free loopback port, serving www/ and the package, then runs the
# Playwright tests in tests/page/ (playwright-core driving Debian's Chromium); a second relay, in
# Feishu sign-in mode, serves the sign-in tests. Screenshots land in target/page-screenshots/;
# UPDATE_DOCS=1 also re-takes docs/month-view.png (the README's picture); a plain run leaves it alone.
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

mkdir -p target/page-screenshots

# The relay on its Feishu simulation and a free loopback port, serving the page and the package.
. scripts/relay-for-tests.sh
build_relay
start_relay --www-dir www --pkg-dir "$pkg_dir"
url="${RELAY_URL}/"
# A second one with Feishu sign-in (its simulated sign-in page lists the employees; sim_hr is its
# admin), for tests/page/signin.test.mjs. The same binary: starting it costs a fraction of a second.
start_relay RELAY_ACCESS=feishu --www-dir www --pkg-dir "$pkg_dir"
export SIGNIN_URL="${RELAY_URL}/" SIGNIN_SIM_URL="$RELAY_SIM_URL"

# Arguments pick test files (scripts/test-page.sh tests/page/month.test.mjs); default: all of them.
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/page/*.test.mjs); fi
PAGE_URL="$url" node --test --test-concurrency=1 "${files[@]}"
