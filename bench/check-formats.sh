#!/usr/bin/env bash
# `flyte-policy check` end to end on one large input, in every report format: the policy-bench
# pods (default 20,000, ~38 MB) as one Kubernetes List and its 30 rules. Prints wall time, peak
# resident memory and report size per format. Release build.
# Usage: bench/check-formats.sh [PODS]
set -euo pipefail
cd "$(dirname "$0")/.."
pods="${1:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/install-deps time
swift build -c release --product policy-bench >&2
swift build -c release --product flyte-policy >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
.build/release/policy-bench --pods "$pods" --emit "$work" > /dev/null
echo "input: $pods pods, $(( $(stat -c %s "$work/pods-list.json") / 1000000 )) MB in one List, $(grep -o '"name":"rule-' "$work/policies.json" | wc -l) rules"
for format in text json sarif junit github policyreport; do
  /usr/bin/time -o "$work/time" -f "%e %M" .build/release/flyte-policy check "$work/pods-list.json" \
    --policies "$work/policies.json" --format "$format" --output "$work/report.$format" --fail-on never
  read -r seconds peak < "$work/time"
  printf '%-13s %6.2f s  peak %5d MB  report %4d MB\n' "$format" "$seconds" $((peak / 1024)) $(( $(stat -c %s "$work/report.$format") / 1000000 ))
done
