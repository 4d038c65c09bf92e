"""One athlete's recommend runs its kernels as plain Python (no numba import, fast
start-up); a batch runs them compiled. Both must give the same advice."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np

from periodization.advice.recommend import advise
from periodization.advice.warmup import _rows
from periodization.agents.artifacts import load_model
from periodization.core.jit import interpreted, is_interpreted
from periodization.env.constraints import SafetyConfig
from periodization.ingest.inputs import Inputs


def _advise(rows, model):
    inputs = Inputs(rows=rows, batch=True,
                    source_format=dict.fromkeys(rows["athlete_id"].unique(), "generic"))
    return advise(inputs, model=model, plan_days=5, ill=False, today=dt.date(2026, 2, 10),
                  safety=SafetyConfig(), details=True)


def _numbers(obj):
    return json.loads(json.dumps(obj, default=float))


def test_interpreted_and_compiled_kernels_give_the_same_advice(model_dir):
    rows = _rows(seed=3)
    model = load_model(model_dir)
    compiled = _numbers(_advise(rows, model))
    with interpreted():
        assert is_interpreted()
        plain = _numbers(_advise(rows, model))
    assert not is_interpreted()
    assert [r["action"] for r in plain] == [r["action"] for r in compiled]
    flat_a = np.array([p for r in plain for p in r["probabilities"].values()])
    flat_b = np.array([p for r in compiled for p in r["probabilities"].values()])
    assert np.allclose(flat_a, flat_b, atol=1e-9)
    assert plain == compiled


def test_one_athletes_recommend_imports_no_numba_torch_or_plotting(year_export, model_dir):
    code = ("import sys; from periodization.advice.recommend import recommend; "
            f"recommend({str(year_export)!r}, model={str(model_dir)!r}); "
            "print(sorted(m for m in ('numba', 'torch', 'scipy', 'matplotlib', 'tensorboard')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
