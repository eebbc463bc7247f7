#!/usr/bin/env bash
# `make bench-relay` (after `scripts/setup.sh --bench`): on loopback only, wrk against
#   A) the relay in front of the Feishu simulation, and
#   B) nginx `proxy_pass` in front of the same simulation (wrk sends a valid token itself),
# in interleaved rounds of the same run (the best round of each is shown), with the same request. Prints requests/s, p50 and p99 of
# both and the ratio. Not a test: the figures depend on the machine. Every process it starts is
# stopped on exit.
#   DURATION=10s CONNECTIONS=32 THREADS=2 ROUNDS=2 scripts/bench-relay.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "bench-relay: $tool is missing: run scripts/setup.sh --bench" >&2; exit 1; }
done

# RELAY_BIN=path measures another relay binary (an older build, say) instead of the one built here.
bin_asked=${RELAY_BIN:-}
# Relays start the one way every script starts them: scripts/relay-for-tests.sh (none of the
# caller's RELAY_*/FEISHU_* settings, a free port, ready once it answers).
. scripts/relay-for-tests.sh
# Built as a server should be: `[profile.relay]` (opt-level 3, unwinding), not the size-tuned
# `release` profile the browser module uses.
build_relay
RELAY_BIN=${bin_asked:-$RELAY_BIN}
bin=$RELAY_BIN
work=$(mktemp -d /tmp/bench-relay.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_relays
  rm -rf "$work"
}
trap cleanup EXIT

app_id=cli_sim_feishu_remedy
app_secret=sim_secret_not_for_production

# The simulation alone, without its rate limit (it is the common backend, not under test).
start_relay --sim-only --sim-rate-limit 0
sim=$RELAY_URL

# A) the relay in front of it, as in production (real-Feishu mode, base URL = the simulation),
# but as a plain proxy like nginx: no limiter (the simulation has no limit either) and no
# coalescing (wrk repeats one request, which coalescing would answer without going upstream).
start_relay FEISHU_APP_ID="$app_id" FEISHU_APP_SECRET="$app_secret" FEISHU_BASE_URL="$sim" \
  --feishu-rate-limit 0 --no-coalesce
relay=$RELAY_URL
relay_pid=$RELAY_PID

# B) nginx in front of it. wrk must bring a token: get one from the simulation.
token=$(curl -fsS -X POST "$sim/open-apis/auth/v3/tenant_access_token/internal" \
  -H 'Content-Type: application/json' -d "{\"app_id\":\"$app_id\",\"app_secret\":\"$app_secret\"}" |
  sed -n 's/.*"tenant_access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "bench-relay: no token from the simulation" >&2; exit 1; }
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream sim { server ${sim#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass $sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
sed -i "s|proxy_pass $sim;|proxy_pass http://sim;|" "$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break
  sleep 0.05
done

# The same request for both: yesterday in China time, an employee with a punch to correct.
day=$(TZ=Asia/Shanghai date -d yesterday +%Y%m%d)
lua() {
  cat <<LUA
wrk.method = "POST"
wrk.path = "/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys?employee_type=employee_id"
wrk.body = '{"user_id":"abd754f7","remedy_date":$day}'
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
$1
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d\n", summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}
lua "" >"$work/relay.lua"
lua "wrk.headers[\"Authorization\"] = \"Bearer $token\"" >"$work/nginx.lua"

# Sanity: both paths answer 200 with a Feishu success body before measuring.
for target in "$relay|" "http://127.0.0.1:$nginx_port|Authorization: Bearer $token"; do
  url=${target%%|*} auth=${target#*|}
  out=$(curl -sS -X POST "$url/open-apis/attendance/v1/user_task_remedys/query_user_allowed_remedys?employee_type=employee_id" \
    -H 'Content-Type: application/json' ${auth:+-H "$auth"} -d "{\"user_id\":\"abd754f7\",\"remedy_date\":$day}")
  case "$out" in *'"code":0'*) ;; *) echo "bench-relay: $url answered $out" >&2; exit 1 ;; esac
done

# Milliseconds from wrk's "1.23ms" / "456.00us" / "1.01s".
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# CPU time (user + system, in clock ticks) used so far by these processes and their children.
cpu_ticks() {
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p" || true; done); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

run() { # name url script pid -> "rps p50 p99 cpu-us-per-request"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$3" "$2" >/dev/null # warm-up: pools, caches
  local before after
  before=$(cpu_ticks "$4")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$2" >"$work/$1.out"
  after=$(cpu_ticks "$4")
  local rps p50 p99 result requests
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/$1.out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/$1.out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/$1.out")")
  read -r requests result <<<"$(awk '/^RESULT/ {print $2, $3 + $4}' "$work/$1.out")"
  if [ "${result:-1}" != 0 ]; then
    echo "bench-relay: $1 had non-2xx replies or socket errors:" >&2
    cat "$work/$1.out" >&2
    exit 1
  fi
  echo "$rps $p50 $p99 $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
}

echo "bench-relay: $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg) before; relay binary $bin"
# Interleaved rounds, best round of each kept: whatever else the machine does hits both alike,
# and the best round is the one least disturbed by it.
best() { # current-best-line new-line -> the one with more requests/s
  if [ -z "$1" ] || awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { exit !(b > a) }'; then echo "$2"; else echo "$1"; fi
}
r_best="" n_best=""
for round in $(seq 1 "$ROUNDS"); do
  r_best=$(best "$r_best" "$(run relay "$relay" "$work/relay.lua" "$relay_pid")")
  n_best=$(best "$n_best" "$(run nginx "http://127.0.0.1:$nginx_port" "$work/nginx.lua" "$nginx_pid")")
  echo "bench-relay: round $round of $ROUNDS done" >&2
done
read -r r_rps r_p50 r_p99 r_cpu <<<"$r_best"
read -r n_rps n_p50 n_p99 n_cpu <<<"$n_best"

# CPU µs/request: the proxy's own CPU time (relay process; nginx master and workers) divided by
# the requests served. Less sensitive than requests/s to whatever else the machine is doing.
printf '\n%-32s %12s %10s %10s %14s\n' "" "requests/s" "p50 ms" "p99 ms" "CPU us/request"
printf '%-32s %12.0f %10.3f %10.3f %14s\n' "relay -> simulation" "$r_rps" "$r_p50" "$r_p99" "$r_cpu"
printf '%-32s %12.0f %10.3f %10.3f %14s\n' "nginx proxy_pass -> simulation" "$n_rps" "$n_p50" "$n_p99" "$n_cpu"
awk -v r="$r_rps" -v n="$n_rps" -v rp="$r_p99" -v np="$n_p99" 'BEGIN {
  printf "\nthroughput ratio relay/nginx: %.2f (goal >= 0.90)\n", r / n
  printf "p99 added by the relay over nginx: %+.3f ms (goal < 1 ms)\n", rp - np
}'
