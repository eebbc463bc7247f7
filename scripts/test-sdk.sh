#!/usr/bin/env bash
# `make test-sdk`: Feishu's official Node SDK (@larksuiteoapi/node-sdk), unchanged, against the
# relay. Builds the relay, starts it on its Feishu simulation on a free loopback port, runs the
# node:test file in relay/tests/sdk/, and stops the relay whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/@larksuiteoapi/node-sdk ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo build --profile relay -p relay

log=target/sdk-relay.log
mkdir -p target
# Port 0: the relay picks a free port and says which in its `listening on http://…` line. The
# tests are written against the simulation: never let real credentials in.
env -u FEISHU_APP_ID -u FEISHU_APP_SECRET \
  target/relay/relay --listen 127.0.0.1:0 >"$log" 2>&1 &
relay=$!
stop() {
  kill -TERM "$relay" 2>/dev/null || true
  wait "$relay" 2>/dev/null || true
}
trap stop EXIT

url=""
for _ in $(seq 1 200); do
  url=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -n 1)
  if [ -n "$url" ]; then break; fi
  if ! kill -0 "$relay" 2>/dev/null; then break; fi
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "test-sdk: the relay did not start; its log:" >&2
  cat "$log" >&2
  exit 1
fi

RELAY_URL="$url" node --test relay/tests/sdk/
