#!/usr/bin/env bash
# Issue 20, targets 1-3: `flyte-policy check` on the policy-bench pods (default 20,000, 30 rules,
# text report to a file) as one JSON List and as multi-document YAML, each against its parse
# floor measured in the same run: jansson's json_load_file and libyaml's event parse of the same
# file on one core (bench/floor.c). Runs alternate and each figure is the median of RUNS (3).
# BASELINE=path/to/flyte-policy runs an earlier build on the same inputs in the same loop.
# FORMATS="json sarif ..." also checks the List at --jobs 2 in those formats, report to a file
# (target 2: every format in bounded memory), with the baseline when given.
# Usage: [BASELINE=BINARY] [RUNS=N] [FORMATS="json sarif junit github policyreport"] bench/check.sh [PODS]
set -euo pipefail
cd "$(dirname "$0")/.."
pods="${1:-20000}"
runs="${RUNS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scripts/install-deps time
swift build -c release --product policy-bench >&2
swift build -c release --product flyte-policy >&2
gcc -O2 -o "$work/floor" bench/floor.c -ljansson -lyaml
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
.build/release/policy-bench --pods "$pods" --emit "$work" > /dev/null
# The same items as block-style YAML documents, as `kubectl get -o yaml` would write them.
python3 - "$work/pods-list.json" "$work/pods.yaml" <<'PY'
import json, sys
import re
PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
def scalar(value):
    if isinstance(value, bool): return "true" if value else "false"
    if value is None: return "null"
    if isinstance(value, (int, float)): return json.dumps(value)
    # Plain where YAML 1.1 reads it back as the same string, as kubectl writes it; else quoted
    # (a double-quoted YAML scalar is a JSON string).
    return value if PLAIN.match(value) and value.lower() not in WORDS else json.dumps(value)
def emit(value, indent, out):
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{scalar(key)}:\n"); emit(item, indent + 1, out)
            else:
                out.append(f"{pad}{scalar(key)}: {scalar(item) if not isinstance(item, (dict, list)) else ('{}' if isinstance(item, dict) else '[]')}\n")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                lines = []; emit(item, indent + 1, lines)
                first = lines[0].lstrip(); out.append(f"{pad}- {first}"); out.extend(lines[1:])
            else:
                out.append(f"{pad}- {scalar(item)}\n")
items = json.load(open(sys.argv[1]))["items"]
with open(sys.argv[2], "w") as stream:
    for item in items:
        out = ["---\n"]; emit(item, 0, out); stream.write("".join(out))
PY
echo "input: $pods pods, 30 rules; List $(( $(stat -c %s "$work/pods-list.json") / 1000000 )) MB, YAML $(( $(stat -c %s "$work/pods.yaml") / 1000000 )) MB"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
check() {  # file jobs [binary] [format] -> "seconds kib"
  /usr/bin/time -o "$work/time" -f "%e %M" "${3:-.build/release/flyte-policy}" check "$1" --policies "$work/policies.json" \
    --jobs "$2" --output "$work/report.${4:-text}" --format "${4:-text}" --fail-on never
  cat "$work/time"
}
for run in $(seq "$runs"); do
  "$work/floor" json "$work/pods-list.json" >> "$work/json-floor"
  check "$work/pods-list.json" 1 >> "$work/json-1"
  check "$work/pods-list.json" 2 >> "$work/json-2"
  "$work/floor" yaml "$work/pods.yaml" >> "$work/yaml-floor"
  check "$work/pods.yaml" 2 >> "$work/yaml-2"
  if [ -n "${BASELINE:-}" ]; then
    check "$work/pods-list.json" 1 "$BASELINE" >> "$work/base-json-1"
    check "$work/pods-list.json" 2 "$BASELINE" >> "$work/base-json-2"
    check "$work/pods.yaml" 2 "$BASELINE" >> "$work/base-yaml-2"
  fi
  for format in ${FORMATS:-}; do
    check "$work/pods-list.json" 2 "" "$format" >> "$work/format-$format"
    if [ -n "${BASELINE:-}" ]; then check "$work/pods-list.json" 2 "$BASELINE" "$format" >> "$work/base-format-$format"; fi
  done
done
jf=$(median < "$work/json-floor"); yf=$(median < "$work/yaml-floor")
j1=$(cut -d' ' -f1 "$work/json-1" | median); j2=$(cut -d' ' -f1 "$work/json-2" | median); y2=$(cut -d' ' -f1 "$work/yaml-2" | median)
m2=$(cut -d' ' -f2 "$work/json-2" | median); ym=$(cut -d' ' -f2 "$work/yaml-2" | median)
awk -v pods="$pods" -v jf="$jf" -v yf="$yf" -v j1="$j1" -v j2="$j2" -v y2="$y2" -v m2="$m2" -v ym="$ym" 'BEGIN {
  printf "JSON List   jansson parse floor (1 core)   %7.0f ms\n", jf
  printf "            check --jobs 1                 %7.0f ms  %6.0f pods/s\n", j1 * 1000, pods / j1
  printf "            check --jobs 2                 %7.0f ms  %6.0f pods/s  peak %d MiB\n", j2 * 1000, pods / j2, m2 / 1024
  printf "            --jobs 2 / parse floor         %7.2f   (target <= 0.50)\n", j2 * 1000 / jf
  printf "            --jobs 1 / --jobs 2            %7.2f   (target >= 1.80)\n", j1 / j2
  printf "YAML docs   libyaml event floor (1 core)   %7.0f ms\n", yf
  printf "            check --jobs 2                 %7.0f ms  %6.0f pods/s  peak %d MiB  (target >= 10000 pods/s)\n", y2 * 1000, pods / y2, ym / 1024
  printf "            --jobs 2 / libyaml floor       %7.2f\n", y2 * 1000 / yf
}'
if [ -n "${BASELINE:-}" ]; then
  for name in json-1 json-2 yaml-2; do
    printf 'baseline %-7s %7.0f ms  peak %d MiB\n' "$name" "$(cut -d' ' -f1 "$work/base-$name" | median | awk '{ print $1 * 1000 }')" \
      "$(cut -d' ' -f2 "$work/base-$name" | median | awk '{ print int($1 / 1024) }')"
  done
fi
for format in ${FORMATS:-}; do
  line=$(printf 'List --format %-12s --jobs 2 %7.0f ms  peak %4d MiB' "$format" \
    "$(cut -d' ' -f1 "$work/format-$format" | median | awk '{ print $1 * 1000 }')" \
    "$(cut -d' ' -f2 "$work/format-$format" | median | awk '{ print int($1 / 1024) }')")
  if [ -n "${BASELINE:-}" ]; then
    line+=$(printf '   baseline %7.0f ms  peak %4d MiB' "$(cut -d' ' -f1 "$work/base-format-$format" | median | awk '{ print $1 * 1000 }')" \
      "$(cut -d' ' -f2 "$work/base-format-$format" | median | awk '{ print int($1 / 1024) }')")
  fi
  echo "$line"
done
