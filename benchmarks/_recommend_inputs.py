"""Inputs the recommend benchmarks generate at run time: a stand-in model (random weights
in numpy, no torch) and simulated athletes' exports in the generic CSV format."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from periodization.agents.artifacts import save_model
from periodization.cohort.dataset import prepare_cohort
from periodization.cohort.synth import synthesize
from periodization.sim.actions import ACTION_NAMES

LAST_DAY = pd.Timestamp("2026-03-01")


def stand_in_model(folder: Path, *, hidden: tuple[int, ...] = (256, 256), seed: int = 0
                   ) -> Path:
    """An untrained actor of the default SAC width (31 → 256 → 256 → 6: every feature) and a
    scaler fitted on a small simulated cohort: the same arithmetic as a trained model."""
    rng = np.random.default_rng(seed)
    scaler = prepare_cohort(synthesize(athletes=40, days=60, seed=seed)).scaler
    sizes = (scaler.n_features, *hidden, 6)
    weights = {}
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        weights[f"weight_{i}"] = rng.normal(0, fan_in**-0.5, (fan_out, fan_in))
        weights[f"bias_{i}"] = np.zeros(fan_out)
    return save_model(folder, weights=weights, scaler=scaler, info={"note": "stand-in"})


def export_rows(*, athletes: int, days: int, seed: int) -> pd.DataFrame:
    """Simulated athletes' records as the generic CSV holds them, ending on ``LAST_DAY``."""
    obs = synthesize(athletes=athletes, days=days, seed=seed).observations
    obs = obs.assign(date=(obs["date"] + (LAST_DAY - obs["date"].max())).dt.strftime("%Y-%m-%d"),
                     action=np.array(ACTION_NAMES)[obs["action"].astype(int)])
    return obs.round(3)


def write_csv(path: Path, rows: pd.DataFrame) -> Path:
    """Fast CSV writing (pyarrow): a 10 000-athlete year is ~300 MB."""
    pacsv.write_csv(pa.Table.from_pandas(rows, preserve_index=False), path)
    return path
