#!/usr/bin/env bash
# Rebuilds examples/flyte/demo.tgz from src/demo/workflows.py with a pinned flytekit (1.16.31),
# exactly as a user's CI would: `pyflyte package`. Needs python3 with venv and access to PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FLYTEKIT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/flyte-policy/flytekit-1.16.31}"
# Two steps: asking pip for both at once sends its resolver into a long backtrack.
[ -x "$venv/bin/pyflyte" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q flytekit==1.16.31 \
  && "$venv/bin/pip" install -q kubernetes==37.0.2; }
cd "$here/src"
"$venv/bin/pyflyte" --pkgs demo package -f --image ghcr.io/acme/ml:1.0 -o "$here/demo.tgz"
echo "wrote $here/demo.tgz"
