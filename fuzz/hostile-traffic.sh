#!/usr/bin/env bash
# Starts flyte-policy serve (release build, policies/) on loopback and runs fuzz/hostile-traffic.py
# against it: garbage bytes, plain HTTP on the TLS port, stalled handshakes, 3,000 idle TLS
# connections (more than --max-connections), 1 MiB headers, bodies that lie about their length,
# and 200,000-deep JSON, while two well-behaved clients send valid AdmissionReviews and measure.
# Usage: fuzz/hostile-traffic.sh [SECONDS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
scripts/install-deps openssl
swift build -c release --product flyte-policy >&2
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -keyout "$work/tls.key" \
  -out "$work/tls.crt" -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
port=18643
.build/release/flyte-policy serve --policies policies --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  --listen "127.0.0.1:$port" --request-timeout 5 --log-level warn 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 50); do curl -s --cacert "$work/tls.crt" "https://localhost:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "machine: $(nproc) cores; server: defaults (--max-connections 1024, handshake timeout 10 s) with --request-timeout 5; $seconds s of attack"
status=0
python3 fuzz/hostile-traffic.py "$port" "$work/tls.crt" examples/admission/train-v100-denied.json "$server" "$seconds" || status=$?
curl -s --cacert "$work/tls.crt" "https://localhost:$port/metrics" | grep -E "^flyte_policy_(connections_|connection_timeouts|http_responses|tls_handshake)" || true
kill -0 "$server" || { echo "the server died"; status=1; }
exit "$status"
