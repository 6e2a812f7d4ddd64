#!/usr/bin/env bash
# Webhook load benchmark: flyte-policy serve (release build, policies/) and nginx answering a
# fixed AdmissionReview response, both over TLS on loopback, driven by wrk in the same run.
#
#   1. saturation: wrk with keep-alive connections as fast as it can -> requests/s, p50/p99
#   2. paced: about 1,000 requests/s (10 connections, 10 ms apart) -> p50/p99 at that rate
#   3. fan-out burst: 500 connections opened together send 10,000 reviews in all (a map task
#      over thousands of items makes propeller create that many pods at once) -> every answer
#      within the webhook's 5 s timeout, no connection dropped or reset, p50/p99/max
#   4. peak resident memory (VmHWM) of each server after the runs
#   and, first, admission-bench: one request's CPU cost in process (jansson's parse alone, then
#   the whole handler), the floor under the HTTP figures.
#
# The request is examples/admission/train-v100-denied.json: an ~8 KB propeller-made pod
# AdmissionReview that the starter policies deny (the full evaluation path, every rule runs).
# wrk, nginx, the server and the client share this machine's cores, for both servers alike.
#
# BASELINE=path/to/flyte-policy also serves an earlier build (on its own port, started only for
# its runs) and runs the saturation and paced phases against it right after this build's.
#
# Usage: [BASELINE=BINARY] bench/webhook.sh [--duration SECONDS] [--connections N] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10
connections=32
threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done

nginx_pkg=nginx-light
apt-cache show nginx-light >/dev/null 2>&1 || nginx_pkg=nginx
scripts/install-deps wrk "$nginx_pkg" openssl curl
swift build -c release --product flyte-policy >&2
swift build -c release --product admission-bench >&2

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

body="examples/admission/train-v100-denied.json"
ours_port=18443
nginx_port=18444
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

.build/release/flyte-policy serve --policies policies --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  --listen "127.0.0.1:$ours_port" >"$work/serve.log" 2>&1 &
ours_pid=$!
pids+=("$ours_pid")

wait_ready() {
  for _ in $(seq 1 100); do
    curl -s --cacert "$work/tls.crt" -o /dev/null "https://localhost:$1$2" && return 0
    sleep 0.1
  done
  echo "server on port $1 did not come up" >&2
  return 1
}
wait_ready "$ours_port" /readyz || { cat "$work/serve.log" >&2; exit 1; }

# nginx answers with exactly the response flyte-policy gives for this request, so both send
# the same bytes back.
curl -s --cacert "$work/tls.crt" -H 'Content-Type: application/json' --data-binary "@$body" \
  "https://localhost:$ours_port/validate" >"$work/response.json"
grep -q '"allowed": *false' "$work/response.json" || { echo "unexpected answer: $(cat "$work/response.json")" >&2; exit 1; }

# nginx's quoted strings treat \ and ' as escapes and $ as a variable.
python3 - "$work/response.json" >"$work/response.nginx" <<'PY'
import sys
text = open(sys.argv[1]).read()
if "$" in text:
    sys.exit("the response contains '$', which nginx would read as a variable")
print(text.replace("\\", "\\\\").replace("'", "\\'"), end="")
PY
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 3m;
    client_body_buffer_size 64k;
    location = /validate {
      default_type application/json;
      return 200 '$(cat "$work/response.nginx")';
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
nginx_pid=$!
pids+=("$nginx_pid")
wait_ready "$nginx_port" /validate || { cat "$work/nginx/error.log" >&2; exit 1; }

# Peak RSS of a process and its children (nginx's workers), in MiB.
peak_rss() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status")))
  done
  echo "$((total / 1024))"
}

run_wrk() {  # name port connections threads [pace_ms] [quota per thread]
  BODY="$body" PACE_MS="${5:-}" QUOTA="${6:-}" wrk -t"$4" -c"$3" -d"${duration}s" --timeout 5s -s bench/webhook.lua \
    "https://127.0.0.1:$2/validate" | sed -n "s/^RESULT /$1 /p"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "request: $body ($(wc -c <"$body") bytes), response $(wc -c <"$work/response.json") bytes; wrk ${duration}s per run"
echo "--- one request's CPU cost in process, no network (admission-bench, one core)"
admission=$(.build/release/admission-bench --review "$body" --policies policies --iterations 5000 | sed -n 's/^ADMISSION //p')
echo "$admission"
# The baseline build, when given, serves on its own port only while its phase runs, so it
# never takes CPU from the other servers' runs.
baseline_run() {  # connections threads [pace_ms]
  [ -n "${BASELINE:-}" ] || return 0
  "$BASELINE" serve --policies policies --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
    --listen "127.0.0.1:$baseline_port" >"$work/baseline.log" 2>&1 &
  local pid=$!
  wait_ready "$baseline_port" /readyz || { cat "$work/baseline.log" >&2; kill "$pid"; return 1; }
  run_wrk baseline "$baseline_port" "$@"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
baseline_port=18445

echo "--- saturation: $connections connections, $threads wrk threads, keep-alive"
ours_sat=$(run_wrk flyte-policy "$ours_port" "$connections" "$threads")
echo "$ours_sat"
baseline_run "$connections" "$threads"
nginx_sat=$(run_wrk nginx "$nginx_port" "$connections" "$threads")
echo "$nginx_sat"
echo "--- paced: 10 connections x 1 request per 10 ms (about 1,000 requests/s)"
run_wrk flyte-policy "$ours_port" 10 1 10
baseline_run 10 1 10
run_wrk nginx "$nginx_port" 10 1 10
echo "--- fan-out burst: 500 connections opened together, 10,000 reviews (errors and timeouts must be 0)"
# Each wrk thread stops taking answers at its quota, but the run lasts its duration: read the
# latencies, errors and timeouts of this phase, not its rate.
burst_duration=$duration
duration=20
run_wrk flyte-policy "$ours_port" 500 "$threads" "" $((10000 / threads))
run_wrk nginx "$nginx_port" 500 "$threads" "" $((10000 / threads))
duration=$burst_duration
echo "--- peak resident memory"
echo "flyte-policy rss_mib=$(peak_rss "$ours_pid")"
echo "nginx rss_mib=$(peak_rss "$nginx_pid") (master + workers)"
ours_rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$ours_sat")
nginx_rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$nginx_sat")
parse_us=$(sed -n 's/.*parse_us=\([0-9.]*\).*/\1/p' <<<"$admission")
python3 - "$ours_rps" "$nginx_rps" "$parse_us" "$(nproc)" <<'PY'
import sys
ours, nginx, parse_us, cores = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"throughput ratio: flyte-policy / nginx = {ours / nginx:.2f} (issue 4's target: at least 0.50)")
# Issue 20, target 5: the ceiling with jansson in the path is nginx's TLS answer plus one parse of
# the review on each request, the parse spread over the cores.
ceiling = 1 / (1 / nginx + parse_us * 1e-6 / cores)
print(f"ceiling with jansson's parse in the path: 1 / (1/{nginx:.0f} + {parse_us:.1f} us / {cores}) = {ceiling:.0f} req/s; "
      f"flyte-policy / ceiling = {ours / ceiling:.2f} (issue 20's target: at least 0.80)")
PY
