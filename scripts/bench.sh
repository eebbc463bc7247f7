#!/usr/bin/env bash
# `make bench`: queryAllowedRemedys against a plain fetch + JSON.parse of the same request, in
# headless Chromium, against a local relay on its simulation without a rate limit; and the cold
# start. Prints figures; asserts nothing (timings depend on the machine). PROFILE=1 adds a CPU profile.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
. scripts/relay-for-tests.sh

if [ ! -f pkg/index.js ]; then
  echo "bench: pkg/ is missing: run \`make pkg\` first" >&2
  exit 1
fi
site=target/bench-site
rm -rf "$site"
mkdir -p "$site"
cp -r pkg "$site/pkg"
cp tests/bench/bench.html "$site/"

build_relay
page_port=$(free_port)
start_relay --cors-origin "http://127.0.0.1:${page_port}" --sim-rate-limit 0 --feishu-rate-limit 0
SITE_DIR="$site" RELAY_URL="$RELAY_URL" PAGE_PORT="$page_port" node tests/bench/bench.mjs
# PROFILE=1: also where a call's time goes (Chromium's CPU profiler), for finding the next cost.
if [ "${PROFILE:-0}" = 1 ]; then
  SITE_DIR="$site" RELAY_URL="$RELAY_URL" PAGE_PORT="$page_port" node tests/bench/profile.mjs
fi
