#!/usr/bin/env bash
# Resolver benchmark: a synthetic Flyte package (default 1000 workflows x 20 nodes) decoded,
# resolved as propeller would, and checked against policies/. Release build.
# Usage: bench/flyte.sh [--workflows W] [--nodes N] [--policies DIR] [--mix distributed|plain]
# The default mix puts PyTorch, Ray and Dask tasks among the 60; --mix plain is the earlier package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps
swift build -c release --product flyte-bench >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(swift --version 2>&1 | head -1)"
exec .build/release/flyte-bench "$@"
