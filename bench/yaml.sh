#!/usr/bin/env bash
# YAML reading benchmark (issue 17): time and peak memory of `flyte-policy check` on YAML
# ConfigMaps of 20k, 40k and 80k keys and on kubectl-style List dumps of 5,000 and 10,000 pods
# (no anchors), release build. Doubling the input must no more than double time and memory;
# the script prints each ratio. Usage: bench/yaml.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
command -v /usr/bin/time >/dev/null || { echo "bench/yaml.sh needs GNU time (apt-get install -y time)" >&2; exit 2; }
swift build -c release --product flyte-policy >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

configmap() {  # keys
  awk -v n="$1" 'BEGIN { print "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:"; for (i = 0; i < n; i++) printf "  key%d: value%d\n", i, i }'
}
pods() {  # count
  awk -v n="$1" 'BEGIN {
    print "apiVersion: v1\nkind: List\nitems:"
    for (i = 0; i < n; i++) {
      printf "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: pod-%d\n    namespace: ml\n    labels: {app: train, tier: gpu}\n", i
      print "  spec:\n    nodeSelector: {gpu-type: nvidia-a100}\n    tolerations:\n    - {key: gpu, operator: Equal, value: \"true\", effect: NoSchedule}"
      print "    containers:\n    - name: main\n      image: ghcr.io/acme/ml:1.0\n      args: [train, --epochs, \"10\"]\n      env:\n      - {name: A, value: \"1\"}"
      print "      resources:\n        requests: {cpu: \"4\", memory: 16Gi, nvidia.com/gpu: \"1\"}\n        limits: {cpu: \"8\", memory: 32Gi, nvidia.com/gpu: \"1\"}"
    }
  }'
}

measure() {  # name file -> "seconds kib"
  /usr/bin/time -f "%e %M" -o "$work/time" .build/release/flyte-policy check "$2" --policies policies/ >/dev/null 2>&1 || true
  read -r seconds kib < "$work/time"
  printf "%-28s %8.2f s %9d KiB  (%s bytes)\n" "$1" "$seconds" "$kib" "$(stat -c %s "$2")" >&2
  echo "$seconds $kib"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }'; }

for keys in 20000 40000 80000; do configmap $keys > "$work/cm$keys.yaml"; done
for count in 5000 10000; do pods $count > "$work/pods$count.yaml"; done
read -r t20 m20 < <(measure "ConfigMap 20k keys" "$work/cm20000.yaml")
read -r t40 m40 < <(measure "ConfigMap 40k keys" "$work/cm40000.yaml")
read -r t80 m80 < <(measure "ConfigMap 80k keys" "$work/cm80000.yaml")
read -r t5 m5 < <(measure "List of 5,000 pods" "$work/pods5000.yaml")
read -r t10 m10 < <(measure "List of 10,000 pods" "$work/pods10000.yaml")
echo "doubling ConfigMap 20k->40k: time x$(ratio "$t20" "$t40"), memory x$(ratio "$m20" "$m40")"
echo "doubling ConfigMap 40k->80k: time x$(ratio "$t40" "$t80"), memory x$(ratio "$m40" "$m80")"
echo "doubling pods 5,000->10,000: time x$(ratio "$t5" "$t10"), memory x$(ratio "$m5" "$m10")"
