"""Anchor for the attribution bench: ChannelAttribution (PyPI, C++ core) on the same path CSV.

Prints one JSON object: read and model times in ms and the Markov order-1 conversion credit per channel.
Run by bench/attribution.bench.ts through the venv that scripts/channelattribution-venv.sh creates.
"""
import contextlib
import io
import json
import sys
import time

import pandas as pd
from ChannelAttribution import markov_model

path = sys.argv[1]
t0 = time.perf_counter()
data = pd.read_csv(path)
t1 = time.perf_counter()
# The library prints banners on import and call; keep stdout for the JSON line.
with contextlib.redirect_stdout(io.StringIO()):
    credits = markov_model(
        data,
        var_path="path",
        var_conv="total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=1,
        sep=">",
        ncore=1,
        verbose=False,
        flg_pro=False,
    )
t2 = time.perf_counter()
print(json.dumps({
    "read_ms": round((t1 - t0) * 1000, 1),
    "model_ms": round((t2 - t1) * 1000, 1),
    "credits": {row.channel_name.strip(): float(row.total_conversions) for row in credits.itertuples()},
}))
