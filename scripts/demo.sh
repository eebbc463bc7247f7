#!/usr/bin/env bash
# `make demo`: builds the relay and runs it in the foreground, serving the page (www/) at / and the
# package (pkg/, built by `make pkg` just before) at /pkg/. Without FEISHU_APP_ID/FEISHU_APP_SECRET
# the relay answers from its built-in Feishu simulation; with them, from real Feishu. Ctrl-C stops it.
# It runs with `--access feishu` (issue 11): people sign in with Feishu and see their own punches
# only; on the simulation the sign-in page is the simulation's (HR, 王芳, is the demo's admin) and
# the session key is made for the run. The first visit goes through the sign-in page.
#   PORT=9000 make demo             listen on 127.0.0.1:9000
#   LISTEN=0.0.0.0:8787 make demo   listen on every interface (mind who can reach it)
#   RELAY_ACCESS=open make demo     the lookup tool without sign-in, as before issue 11
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${LISTEN:-127.0.0.1:${PORT:-8787}}

if [ ! -f pkg/index.js ]; then
  echo "demo: pkg/index.js is missing: run \`make demo\` (it builds the package) or \`make pkg\`" >&2
  exit 1
fi

cargo build --profile relay -p relay

# A wildcard address is not something a browser can open; show the loopback one instead.
host=${LISTEN%:*}
port=${LISTEN##*:}
case "$host" in 0.0.0.0 | "" | "[::]") host=127.0.0.1 ;; esac
url="http://${host}:${port}/"

export RELAY_ACCESS=${RELAY_ACCESS:-feishu}
if [ -n "${FEISHU_APP_ID:-}" ] && [ -n "${FEISHU_APP_SECRET:-}" ]; then
  backend="real Feishu (app ${FEISHU_APP_ID})" # the id is not a secret; the secret is never printed
  if [ "$RELAY_ACCESS" = feishu ] && [ -z "${RELAY_SESSION_KEY:-}" ]; then
    # One key for this demo run (sessions end with it); from the environment, never printed.
    RELAY_SESSION_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
    export RELAY_SESSION_KEY
  fi
else
  backend="the built-in Feishu simulation (set FEISHU_APP_ID and FEISHU_APP_SECRET for real Feishu)"
fi
if [ "$RELAY_ACCESS" = feishu ]; then
  # The redirect URL is built from the URL people open (a wildcard listen address is not one).
  export RELAY_PUBLIC_URL=${RELAY_PUBLIC_URL:-${url%/}}
  open_at="${RELAY_PUBLIC_URL}/auth/login?return_to=%2F"
else
  open_at=$url
fi

target/relay/relay --listen "$LISTEN" --www-dir www --pkg-dir pkg &
relay=$!
# A non-interactive shell starts background jobs with SIGINT ignored, so Ctrl-C would not reach the
# relay by itself: forward it as SIGTERM, on which the relay drains its requests and exits.
stop() { kill -TERM "$relay" 2>/dev/null || true; }
trap stop INT TERM

for _ in $(seq 1 100); do
  if ! kill -0 "$relay" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "${url}healthz" 2>/dev/null; then
    printf '\n  Punch corrections (补卡) page: %s\n  Backend: %s\n  Access: %s\n' "$open_at" "$backend" "$RELAY_ACCESS"
    if [ "$RELAY_ACCESS" = feishu ] && [ -n "${FEISHU_APP_ID:-}" ]; then
      printf '  Register the redirect URL %s/auth/callback in the app'"'"'s Security settings.\n' "$RELAY_PUBLIC_URL"
    elif [ "$RELAY_ACCESS" = feishu ]; then
      printf '  Sign in on the simulated Feishu page: anyone listed; 王芳 (HR) may look anyone up.\n'
    fi
    printf '  Ctrl-C to stop.\n\n'
    break
  fi
  sleep 0.1
done

# `wait` returns early when a trapped signal arrives; wait again for the relay to finish draining.
status=0
wait "$relay" || status=$?
if kill -0 "$relay" 2>/dev/null; then wait "$relay" || status=$?; fi
# 130/143: stopped by Ctrl-C / SIGTERM as asked, which is a clean end for a demo.
case "$status" in 0 | 130 | 143) exit 0 ;; *) exit "$status" ;; esac
