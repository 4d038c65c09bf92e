"""Compile the batch-``recommend`` kernels into numba's on-disk cache once, ahead of use.

One athlete's ``recommend`` runs its kernels as plain Python (``core.jit.interpreted``)
and never waits for numba. A batch of athletes runs them compiled; without a cache the
first batch would spend ~15 s compiling. ``warm_up()`` advises a small generated batch
with the kernels compiled, which writes numba's cache (``__pycache__`` beside the
kernels' sources, or ``NUMBA_CACHE_DIR``); ``make install`` runs it (``periodize
warmup``), and after a ``pip install`` it can be run once by hand.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd

from periodization.advice.recommend import advise
from periodization.agents.artifacts import load_model
from periodization.env.constraints import SafetyConfig
from periodization.ingest.inputs import Inputs

ATHLETES, DAYS = 6, 40


def _rows(seed: int = 0) -> pd.DataFrame:
    """A small, plausible generic table (the numbers do not matter, their types do)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2026-01-01", periods=DAYS, freq="D")
    frames = []
    for a in range(ATHLETES):
        n = len(dates)
        load = rng.choice([0.0, 40.0, 80.0, 120.0], n)
        frames.append(pd.DataFrame({
            "athlete_id": f"warmup{a}", "date": dates,
            "hrv_rmssd_ms": 60 * np.exp(0.1 * rng.standard_normal(n)),
            "resting_hr": 50 + 2 * rng.standard_normal(n),
            "sleep_hours": 7.5 + 0.5 * rng.standard_normal(n),
            "sleep_efficiency": 90 + 2 * rng.standard_normal(n),
            "recovery": np.clip(60 + 15 * rng.standard_normal(n), 1, 99),
            "strain": np.nan, "load": load,
            "action": np.where(load == 0, 0, rng.choice([2, 3, 4], n)).astype(np.int64)}))
    return pd.concat(frames, ignore_index=True)


def warm_up() -> float:
    """Compile (or load) every kernel batch ``recommend`` uses; returns the seconds taken."""
    started = time.perf_counter()
    rows = _rows()
    inputs = Inputs(rows=rows, batch=True,
                    source_format=dict.fromkeys(rows["athlete_id"].unique(), "generic"))
    advise(inputs, model=load_model(None), plan_days=3, ill=False,
           today=dt.date(2026, 2, 10), safety=SafetyConfig(), details=False)
    return time.perf_counter() - started
