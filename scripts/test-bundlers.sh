#!/usr/bin/env bash
# `make test-bundlers`: the package in the bundlers the READMEs name. Installs the packed tarball
# into a fresh project, builds tests/bundlers/' app with Vite, webpack 5, esbuild and Rollup (the
# versions pinned in package.json, configured as the READMEs say), then loads each build in
# Chromium under the README's CSP, where it queries the relay on the Feishu simulation.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
. scripts/relay-for-tests.sh
. scripts/install-package.sh

install_package "$PWD/target/bundlers-test"
cp tests/bundlers/main.js tests/bundlers/main-esbuild.js tests/pkg/check.js "$CONSUMER/"
node tests/bundlers/build.mjs "$CONSUMER"

build_relay
page_port=$(free_port)
start_relay --cors-origin "http://127.0.0.1:${page_port}"
CONSUMER_DIR="$CONSUMER" RELAY_URL="$RELAY_URL" PAGE_PORT="$page_port" \
  node --test tests/bundlers/run.mjs
