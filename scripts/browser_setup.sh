#!/usr/bin/env bash
# What the browser test (tests/test_browser.py) needs beyond the kit's stack:
#   Debian's Chromium (/usr/bin/chromium), installed with apt-get when missing (needs root);
#   Playwright for Python in $PYTHON's environment (default .venv/bin/python), at the version in constraints.txt.
# Playwright drives the system Chromium: never run `playwright install`, which downloads a browser of its own.
# Quick when both are there already.
set -euo pipefail
kit=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$kit/.venv/bin/python}
chromium=/usr/bin/chromium

if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "browser_setup: $chromium is missing; install Debian's chromium package as root (apt-get install chromium)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ ! -x "$py" ]; then
    echo "browser_setup: no Python at $py: run 'make setup' first, or set PYTHON" >&2
    exit 1
fi
pinned=$(grep -i '^playwright==' "$kit/constraints.txt" | cut -d= -f3)
installed=$("$py" -c "import importlib.metadata as m; print(m.version('playwright'))" 2>/dev/null || true)
if [ "$installed" != "$pinned" ]; then
    # the `browser` extra names Playwright; constraints.txt pins it and what it pulls in
    "$py" -m pip install -q --disable-pip-version-check -c "$kit/constraints.txt" -e "$kit[browser]"
fi
echo "browser test ready: $("$chromium" --version), playwright $pinned"
