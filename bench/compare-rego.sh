#!/usr/bin/env bash
# Evaluates the same generated pods and rules with flyte-policy and with regopy (Rego), in one
# run, and prints the per-pod ratio. regopy goes into a throwaway virtualenv.
# Usage: bench/compare-rego.sh [PODS] [RULES]   (defaults: 2000 pods, 30 rules)
set -euo pipefail
cd "$(dirname "$0")/.."
pods="${1:-2000}"
rules="${2:-30}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/install-deps
swift build -c release --product policy-bench >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q regopy==1.5.2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
.build/release/policy-bench --pods "$pods" --rules "$rules" --emit "$work" | tee "$work/ours.txt"
"$work/venv/bin/python" bench/rego_eval.py "$work" | tee "$work/rego.txt"
ours=$(sed -n 's/.*per_pod_us=\([0-9.]*\).*/\1/p' "$work/ours.txt")
theirs=$(sed -n 's/.*rego_per_pod_us=\([0-9.]*\).*/\1/p' "$work/rego.txt")
python3 -c "print(f'per pod: flyte-policy {float(\"$ours\"):.1f} us (parse + decode + evaluate), regopy {float(\"$theirs\"):.1f} us (evaluate only): {float(\"$theirs\") / float(\"$ours\"):.0f}x faster (target: 100x)')"
