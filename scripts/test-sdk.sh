#!/usr/bin/env bash
# `make test-sdk`: Feishu's official Node SDK (@larksuiteoapi/node-sdk), unchanged, against the
# relay. Builds the relay, starts it on its Feishu simulation on a free loopback port, runs the
# node:test file in relay/tests/sdk/, and stops the relay whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/@larksuiteoapi/node-sdk ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

. scripts/relay-for-tests.sh
build_relay
start_relay
export RELAY_URL
node --test relay/tests/sdk/
