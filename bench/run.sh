#!/usr/bin/env bash
# Core-engine benchmark: generated pods x generated rules, release build.
# Usage: bench/run.sh [--pods N] [--rules M]   (defaults: 20000 pods, 30 rules)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
swift build -c release --product policy-bench >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
exec .build/release/policy-bench "$@"
