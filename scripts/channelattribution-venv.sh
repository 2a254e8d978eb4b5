#!/usr/bin/env bash
# Creates the Python venv the attribution bench uses as its anchor: ChannelAttribution from PyPI (builds its C++
# core from the source distribution, ~90 s the first time) at the versions pinned in
# bench/anchors/requirements-channelattribution.txt. Prints the venv's python path. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${OMNILANE_CA_VENV:-.cache/channelattribution-venv}"
REQ=bench/anchors/requirements-channelattribution.txt
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQ" "$VENV/.requirements" 2>/dev/null; then
  echo "[channelattribution] creating $VENV (pip install -r $REQ)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ" >&2
  cp "$REQ" "$VENV/.requirements"
fi
echo "$VENV/bin/python"
