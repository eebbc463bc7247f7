#!/usr/bin/env bash
# `make test-wasm`: the browser module's wasm-bindgen tests (tests/browser/, tests/worker.rs) in
# headless Chromium, against the relay on its Feishu simulation. The test page and the relay get
# different loopback ports, so every call is cross-origin and CORS is tested with it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

. scripts/relay-for-tests.sh

build_relay
page_port=$(free_port)
down_port=$(free_port) # found free and left closed: "a relay that is down"

# No rate limit: the tests pace nothing, and rate limiting has its own deterministic cases
# (sim_429_once, sim_rate_limited).
start_relay --cors-origin "http://127.0.0.1:${page_port}" --sim-rate-limit 0 --feishu-rate-limit 0
relay_url=$RELAY_URL
echo "test-wasm: relay on ${relay_url}, test page on http://127.0.0.1:${page_port}"

# The relay's URL reaches the tests at compile time (option_env!).
FEISHU_REMEDY_TEST_RELAY="$relay_url" \
FEISHU_REMEDY_TEST_DOWN_URL="http://127.0.0.1:${down_port}" \
WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:${page_port}" \
WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180} \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
  cargo test -p feishu-remedy --target wasm32-unknown-unknown --test browser --test worker --test fake_fetch
