#!/usr/bin/env bash
# Install labkit and its stack into one Python environment.
#   bash scripts/install.sh            into $PYTHON (default: python3), exact versions from constraints.txt
#   bash scripts/install.sh --colab    into Colab's Python, lower bounds only (Colab's Python differs)
# tf-agents 0.19.0 (its last release) pins versions that no longer resolve, so it is
# installed on its own with --no-deps; its real run-time needs are in pyproject.toml.
set -euo pipefail
kit=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}

"$py" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"labkit needs Python 3.11 or newer; this is {sys.version.split()[0]}")
PY

# minigrid (notebook 11) needs pygame-ce, which installs the same `pygame` module as pygame: remove pygame first
# (uninstalling it after pygame-ce went in would delete pygame-ce's files too)
if "$py" -m pip show pygame >/dev/null 2>&1; then
    "$py" -m pip uninstall -q -y pygame
fi

if [ "${1:-}" = "--colab" ]; then
    before=$("$py" -c "import tensorflow as tf; print(tf.__version__)" 2>/dev/null || true)
    "$py" -m pip install -q -e "$kit"
    "$py" -m pip install -q --no-deps "tf-agents==0.19.0"
    after=$("$py" -c "import importlib.metadata as m; print(m.version('tensorflow'))")
    if [ "$before" != "$after" ]; then
        echo "TensorFlow changed ($before -> $after): Runtime > Restart session, then run all cells again."
    fi
else
    "$py" -m pip install -q --disable-pip-version-check -c "$kit/constraints.txt" -e "$kit[dev]"
    "$py" -m pip install -q --disable-pip-version-check --no-deps -c "$kit/constraints.txt" "tf-agents==0.19.0"
    "$py" -m ipykernel install --sys-prefix --name labkit --display-name "Python (labkit)" >/dev/null
fi
"$py" -c "import labkit, tf_agents, keras_hub, lime, papermill; print('labkit stack ready')"
