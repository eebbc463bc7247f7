#!/usr/bin/env bash
# `make bench-rush`: the morning rush, on loopback only. N distinct simulated people (rush_0001 …)
# open their month within T seconds through the relay, with the real module in Node
# (tests/bench/rush.mjs), against the simulation with Feishu's limit of 50 calls/s on:
#   today's path: every day asked (prefilter: false), relay with --feishu-rate-limit 0 --no-coalesce;
#   the new path: punch results first (prefilter on), relay with its limiter and coalescing on.
# Each path has its own simulation and relay (real-Feishu mode, base URL = the simulation), in
# `open` access: the rush ids have no sign-in accounts, and who is asking changes nothing upstream
# (the sign-in check runs before the limiter and sends nothing). Prints Feishu calls, Feishu's and
# the relay's 429s, p50/p95/max time to a complete month and the floor (calls ÷ 50/s), and whether
# the goals are met. Not a test: the figures depend on the machine. Stops by itself: the module's
# timeouts end every month, and the driver gives up after T + 600 s whatever happens.
# The module's options are the same on both paths: by default what the page sets for a month
# (timeoutMs 120000, the rest the module's defaults; tests/bench/rush.mjs says why), `default` for
# the module's own:
#   RUSH_N=300 RUSH_T=10 RUSH_TIMEOUT_MS=default RUSH_RETRIES=default RUSH_CONCURRENCY=default scripts/bench-rush.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ ! -f pkg/node.js ]; then
  echo "bench-rush: pkg/ is missing: run \`make pkg\` first" >&2
  exit 1
fi
. scripts/relay-for-tests.sh
build_relay

export RUSH_N=${RUSH_N:-300} RUSH_T=${RUSH_T:-10} RUSH_FEISHU_LIMIT=${RUSH_FEISHU_LIMIT:-50}
# The month people open: yesterday's (China time), as the simulation's listing has it, so that even
# on the 1st it is a month with days lived.
month=$(TZ=Asia/Shanghai date -d yesterday +%Y-%m-01)
export RUSH_FROM=${RUSH_FROM:-$(date -d "$month" +%Y%m%d)}
export RUSH_TO=${RUSH_TO:-$(date -d "$month +1 month -1 day" +%Y%m%d)}

app=(FEISHU_APP_ID=cli_sim_feishu_remedy FEISHU_APP_SECRET=sim_secret_not_for_production)
start_relay --sim-only --sim-rate-limit "$RUSH_FEISHU_LIMIT"
start_relay "${app[@]}" FEISHU_BASE_URL="$RELAY_URL" --feishu-rate-limit 0 --no-coalesce
old=$RELAY_URL
start_relay --sim-only --sim-rate-limit "$RUSH_FEISHU_LIMIT"
start_relay "${app[@]}" FEISHU_BASE_URL="$RELAY_URL" --feishu-rate-limit "$RUSH_FEISHU_LIMIT"
new=$RELAY_URL

node tests/bench/rush.mjs "$old" "$new"
