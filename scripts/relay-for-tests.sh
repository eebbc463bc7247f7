# Sourced by the scripts that need a relay on its Feishu simulation (test-wasm, test-pkg, test-sdk,
# test-page, bench): one way to build it, start it on a free port and stop it.
# shellcheck shell=bash

# The relay as a server is built: `[profile.relay]` (speed, unwinding), the same binary everywhere.
RELAY_BIN=target/relay/relay
build_relay() {
  cargo build --profile relay -p relay
}

# start_relay [relay args…]: starts the relay on 127.0.0.1 with a port it picks itself, on the
# simulation whatever the environment says (tests are written against its dataset), and sets
# RELAY_URL from its `listening on http://…` line. The relay is stopped when the script exits.
start_relay() {
  local log
  log=target/$(basename "$0" .sh)-relay.log
  mkdir -p target
  # Emptied before the relay starts (its own redirect opens the file only once it has forked): the
  # poll below must not read a previous run's log and take its port, or find no file at all.
  : >"$log"
  env -u FEISHU_APP_ID -u FEISHU_APP_SECRET -u RELAY_ACCESS -u RELAY_API_KEYS \
    "$RELAY_BIN" --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  RELAY_PID=$!
  trap 'kill -TERM "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true' EXIT
  RELAY_URL=""
  for _ in $(seq 1 150); do
    RELAY_URL=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$RELAY_URL" ] && return 0
    kill -0 "$RELAY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$(basename "$0"): the relay did not start; its log:" >&2
  cat "$log" >&2
  exit 1
}

# A loopback port that was free a moment ago (for the wasm test page's origin).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
