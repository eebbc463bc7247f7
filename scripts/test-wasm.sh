#!/usr/bin/env bash
# `make test-wasm`: the browser module's wasm-bindgen tests (tests/browser.rs, tests/worker.rs) in
# headless Chromium, against the relay on its Feishu simulation. The test page and the relay get
# different loopback ports, so every call is cross-origin and CORS is tested with it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cargo build --release -p relay

page_port=$(free_port)
down_port=$(free_port) # found free and left closed: "a relay that is down"
log=target/test-wasm-relay.log
mkdir -p target

# The tests are written against the simulation: never let real credentials in. No rate limit: the
# tests pace nothing, and rate limiting has its own deterministic case (sim_429_once).
env -u FEISHU_APP_ID -u FEISHU_APP_SECRET \
  target/release/relay --listen 127.0.0.1:0 --cors-origin "http://127.0.0.1:${page_port}" \
  --sim-rate-limit 0 >"$log" 2>&1 &
relay_pid=$!
stop() {
  kill -TERM "$relay_pid" 2>/dev/null || true
  wait "$relay_pid" 2>/dev/null || true
}
trap stop EXIT

relay_url=""
for _ in $(seq 1 150); do
  relay_url=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
  [ -n "$relay_url" ] && break
  kill -0 "$relay_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$relay_url" ]; then
  echo "test-wasm: the relay did not start; its log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "test-wasm: relay on ${relay_url}, test page on http://127.0.0.1:${page_port}"

# The relay's URL reaches the tests at compile time (option_env!).
FEISHU_REMEDY_TEST_RELAY="$relay_url" \
FEISHU_REMEDY_TEST_DOWN_URL="http://127.0.0.1:${down_port}" \
WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:${page_port}" \
WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180} \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} \
  cargo test -p feishu-remedy --target wasm32-unknown-unknown --test browser --test worker --test fake_fetch
