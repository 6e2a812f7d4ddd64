#!/usr/bin/env bash
# Rebuilds examples/distributed/distributed.tgz from src/distributed/workflows.py with a pinned
# flytekit (1.16.31) and its plugins, exactly as a user's CI would: `pyflyte package`. The
# plugins are installed without their dependency trees (torch, ray and dask are not needed to
# serialize, and a plain install backtracks for many minutes). Needs python3 and PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FLYTEKIT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flyte-policy/flytekit-1.16.31}"
[ -x "$venv/bin/pyflyte" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q flytekit==1.16.31 \
  && "$venv/bin/pip" install -q kubernetes==37.0.2; }
"$venv/bin/python" -c "import flytekitplugins.spark, flytekitplugins.ray" 2>/dev/null || {
  "$venv/bin/pip" install -q --no-deps flytekitplugins-kfpytorch==1.16.31 flytekitplugins-kftensorflow==1.16.31 \
    flytekitplugins-kfmpi==1.16.31 flytekitplugins-ray==1.16.31 flytekitplugins-spark==1.16.31 \
    flytekitplugins-dask==1.16.31 pyspark==3.5.3 py4j==0.10.9.7
  "$venv/bin/pip" install -q numpy pandas pyarrow; }
cd "$here/src"
"$venv/bin/pyflyte" --pkgs distributed package -f --image ghcr.io/acme/ml:1.0 -o "$here/distributed.tgz"
echo "wrote $here/distributed.tgz"
