# Sourced by test-pkg.sh and bench.sh: starts the relay on its Feishu simulation on a free loopback
# port, allowing the origin given as $1, with any extra relay arguments after it; sets RELAY_URL and
# stops the relay on exit.
# shellcheck shell=bash
start_relay() {
  local origin=$1
  shift
  local log=target/$(basename "$0" .sh)-relay.log
  mkdir -p target
  env -u FEISHU_APP_ID -u FEISHU_APP_SECRET \
    target/release/relay --listen 127.0.0.1:0 --cors-origin "$origin" "$@" >"$log" 2>&1 &
  RELAY_PID=$!
  trap 'kill -TERM "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true' EXIT
  RELAY_URL=""
  for _ in $(seq 1 150); do
    RELAY_URL=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$log" | head -1)
    [ -n "$RELAY_URL" ] && return 0
    kill -0 "$RELAY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the relay did not start; its log:" >&2
  cat "$log" >&2
  exit 1
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
