# Sourced by every script that needs a relay (test-wasm, test-pkg, test-sdk, test-page, bench,
# bench-relay): the one way to build it, start it on a free port and stop it.
# shellcheck shell=bash

# The relay as a server is built: `[profile.relay]` (speed, unwinding), the same binary everywhere.
RELAY_BIN=target/relay/relay
build_relay() {
  cargo build --profile relay -p relay
}

# Every relay start_relay started, stopped (SIGTERM, then waited for) when the script exits. A
# script that sets its own EXIT trap calls stop_relays from it.
RELAY_PIDS=()
stop_relays() {
  local pid
  for pid in "${RELAY_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${RELAY_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  RELAY_PIDS=()
}
trap stop_relays EXIT

# start_relay [NAME=value…] [relay args…]: starts the relay on 127.0.0.1 with a port it picks
# itself, and sets RELAY_URL, RELAY_PID and RELAY_SIM_URL (the in-process simulation's address,
# where its Feishu sign-in page is; empty on real Feishu and with --sim-only). None of the
# caller's RELAY_* and FEISHU_* variables reach it (the tests are written against the simulation's
# dataset and the relay's defaults; a developer's settings must not change them): only the
# NAME=value settings given here, so it runs on its simulation unless they say otherwise. Returns
# once it answers `GET /healthz` (a `--sim-only` simulation, which serves only Feishu's paths, once
# it answers at all). A sign-in mode is a setting like any other:
#   start_relay RELAY_ACCESS=feishu --www-dir www --pkg-dir pkg    (a session key made for the run)
#   start_relay RELAY_ACCESS=feishu RELAY_SESSION_KEY="$key" RELAY_ADMINS=sim_hr
#   start_relay RELAY_ACCESS=token RELAY_TOKEN_KEY="$key"
start_relay() {
  local settings=() cleared=() name url code log n=$((${#RELAY_PIDS[@]} + 1))
  while [ $# -gt 0 ] && [[ $1 =~ ^[A-Z_][A-Z0-9_]*= ]]; do
    settings+=("$1")
    shift
  done
  for name in $(compgen -e); do
    case "$name" in RELAY_* | FEISHU_*) cleared+=(-u "$name") ;; esac
  done
  local healthy=200
  case " $* " in *" --sim-only "*) healthy=any ;; esac
  log=target/$(basename "$0" .sh)-relay.log
  if [ "$n" -gt 1 ]; then log=${log%.log}-$n.log; fi
  mkdir -p target
  # Emptied before the relay starts: its own redirect creates (and truncates) the file only once
  # the background job has forked, and the poll below must neither fail on a missing file (sed's
  # error ends the script) nor read a previous run's log.
  : >"$log"
  env "${cleared[@]}" "${settings[@]}" "$RELAY_BIN" --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  RELAY_PID=$!
  RELAY_PIDS+=("$RELAY_PID")
  RELAY_URL=""
  RELAY_SIM_URL=""
  for _ in $(seq 1 150); do
    url=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
    if [ -n "$url" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz" 2>/dev/null || true)
      if [ "$code" = 200 ] || { [ "$healthy" = any ] && [ "${code:-000}" != 000 ]; }; then
        RELAY_URL=$url
        RELAY_SIM_URL=$(sed -n 's/.*simulation of Feishu started at \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
        return 0
      fi
    fi
    kill -0 "$RELAY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$(basename "$0"): the relay did not start; its log ($log):" >&2
  cat "$log" >&2
  exit 1
}

# A loopback port that was free a moment ago (for the wasm test page's origin).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
