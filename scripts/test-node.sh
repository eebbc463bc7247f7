#!/usr/bin/env bash
# `make test-node`: the package in Node, as SSR frameworks and scripts use it. Installs the packed
# tarball into a fresh project, starts the relay on its Feishu simulation and runs tests/node/ there
# (so that `import "feishu-remedy"` resolves through package.json's exports, "node" condition).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
. scripts/relay-for-tests.sh
. scripts/install-package.sh

install_package "$PWD/target/node-test"
cp tests/node/*.mjs "$CONSUMER/"

build_relay
# range-calls.test.mjs counts Feishu calls in the relay's counters: it gets relays of its own, one
# of them without the punch-results route (the range's fallback).
start_relay --no-punch-results
NO_PUNCH_RELAY_URL=$RELAY_URL
start_relay
RANGE_RELAY_URL=$RELAY_URL
start_relay
# Each test file runs in its own process: each starts with the module not loaded.
(cd "$CONSUMER" && RELAY_URL="$RELAY_URL" RANGE_RELAY_URL="$RANGE_RELAY_URL" \
  NO_PUNCH_RELAY_URL="$NO_PUNCH_RELAY_URL" node --test ./*.test.mjs)
