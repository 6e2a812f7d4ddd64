#!/usr/bin/env bash
# Builds the libFuzzer targets (-sanitize=fuzzer,address) and runs each for a while on a corpus
# seeded from the project's fixtures. Prints one line per target: executions, corpus size, and
# crashes; a crashing input is kept in fuzz/crashes/ (turn it into a regression test).
#
# Usage: fuzz/run.sh [--seconds N] [TARGET...]
#   targets: json quantity yaml tgz pb admission http detect walk (default: all); N defaults to 60 per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(json quantity yaml tgz pb admission http detect walk)

scripts/install-deps
FLYTE_POLICY_FUZZ=1 swift build -c release --product flyte-policy-fuzz --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address >&2
binary=.build/fuzz/release/flyte-policy-fuzz
work=.build/fuzz/corpus
mkdir -p fuzz/crashes

seed() {  # target -> seeds its corpus folder once
  local dir="$work/$1"
  [ -d "$dir" ] && return
  mkdir -p "$dir"
  case "$1" in
    json) cp policies/*.json policies/tests/*.json examples/admission/*.json "$dir/" ;;
    quantity)
      local i=0
      for q in 0 1 100m 1.5 1Gi 1024Mi 1G 1e3 0.5Gi 100.035Ki 1n 9223372036854775807 -1 +2E-3 1.Ki 12345678901234567890Ei; do
        printf '%s' "$q" >"$dir/q$((i++))"
      done ;;
    yaml) cp examples/platform/*.yaml deploy/*.yaml "$dir/"; find examples/manifests -name '*.yaml' -exec cp {} "$dir/" \; ;;
    tgz) cp examples/flyte/demo.tgz "$dir/" ;;
    pb) tar -xzf examples/flyte/demo.tgz -C "$dir" && find "$dir" -type f ! -name '*.pb' -delete && find "$dir" -mindepth 2 -type f -exec mv {} "$dir/" \; ;;
    admission) cp examples/admission/*.json "$dir/" ;;
    http)
      printf 'POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' >"$dir/post"
      printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n' >"$dir/pipelined"
      printf 'POST /validate HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello' >"$dir/continue" ;;
    detect) cp Tests/Fixtures/custom-resources/*.yaml examples/admission/*.json "$dir/"; find examples/manifests -name '*.yaml' -exec cp {} "$dir/" \;
      printf '\xff\xfea\x00:\x00 \x00b\x00\n\x00' >"$dir/utf16"; printf 'a: {{ .Values.x }}\n' >"$dir/helm"; printf '{"a":1}{"b":2}' >"$dir/concatenated" ;;
    walk) printf '\x00\x00\x00\x01\x01\x02\x02\x01\x00\x00\x01\x01\x01\x02\x04' >"$dir/tree" ;;
  esac
}

echo "machine: $(nproc) cores; $seconds s per target; $(swift --version 2>&1 | head -1)"
status=0
for target in "${targets[@]}"; do
  seed "$target"
  log=".build/fuzz/$target.log"
  # -detect_leaks=0: LeakSanitizer cannot follow Swift's tagged String pointers, so the
  # once-built protobuf schema table (a global that lives for the whole process) is reported
  # as leaked at exit; a per-input leak would show in -rss_limit_mb instead.
  set +e
  ASAN_OPTIONS=detect_leaks=0 FLYTE_POLICY_FUZZ_TARGET="$target" "$binary" "$work/$target" -max_total_time="$seconds" -max_len=262144 \
    -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -artifact_prefix="fuzz/crashes/$target-" -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(ls fuzz/crashes/ 2>/dev/null | grep -c "^$target-" || true)
  corpus=$(ls "$work/$target" | wc -l)
  echo "$target: ${runs:-0} executions, corpus $corpus, crashes $crashes, exit $code"
  if [ "$code" -ne 0 ]; then status=1; grep -m5 -E "ERROR|SUMMARY|Fatal|panic" "$log" || true; fi
done
exit "$status"
