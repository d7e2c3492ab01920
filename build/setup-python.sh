#!/usr/bin/env bash
# Installs what the Python mirror (python/mlnet_transformer) and its tests need: Python 3 with PyTorch, from the
# distribution's packages (Debian: python3-torch). Called by build/setup.sh --python; idempotent.
# The ONNX export (mlnet_transformer.onnx_export) needs nothing more: torch 1.13's exporter writes the graph itself and
# never imports the `onnx` package (python3-onnx), so that package is not installed.
set -euo pipefail

say() { printf 'setup-python: %s\n' "$*"; }
die() { printf 'setup-python: error: %s\n' "$*" >&2; exit 1; }

for python in "${MLNET_TRANSFORMER_PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$python" ] || continue
  if "$python" -c "import torch" >/dev/null 2>&1; then
    say "$python already has PyTorch $("$python" -c 'import torch; print(torch.__version__)'): nothing to do."
    exit 0
  fi
done

command -v apt-get >/dev/null 2>&1 || die "no python3 with PyTorch, and no apt-get to install python3-torch; install PyTorch for python3 by hand."
[ "$(id -u)" = 0 ] || die "installing python3-torch needs root (sudo $0)."
export DEBIAN_FRONTEND=noninteractive
say "installing python3-torch (large; a few minutes)"
apt-get update -qq || die "apt-get update failed."
apt-get install -y -qq --no-install-recommends python3-torch >/dev/null || die "installing python3-torch failed."
/usr/bin/python3 -c "import torch" || die "python3-torch was installed but /usr/bin/python3 cannot import torch."
say "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') is installed."
