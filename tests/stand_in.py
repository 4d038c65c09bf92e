"""Stand-ins for what ``periodize recommend`` reads: an untrained model directory and
synthetic wearable exports in the generic CSV format, with dates ending on a fixed day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from periodization.cohort.synth import synthesize
from periodization.sim.actions import ACTION_NAMES

LAST_DAY = pd.Timestamp("2026-03-01")


def make_model(path: Path, scaler, *, hidden: tuple[int, ...] = (64, 64)) -> Path:
    """An untrained actor (random weights) with ``scaler``, written like a run directory."""
    from periodization.agents.artifacts import save_model
    from periodization.agents.config import SACConfig
    from periodization.agents.sac import SACAgent

    agent = SACAgent(obs_dim=scaler.n_features, n_actions=6, config=SACConfig(hidden=hidden),
                     seed=0)
    return save_model(path, weights=agent.export_actor(), scaler=scaler,
                      info={"note": "untrained stand-in for tests"})


def export_rows(*, athletes: int, days: int, seed: int, last_day: pd.Timestamp = LAST_DAY
                ) -> pd.DataFrame:
    """Simulated athletes' records as the generic CSV writes them (action names, ISO dates)."""
    obs = synthesize(athletes=athletes, days=days, seed=seed).observations.copy()
    obs["date"] = (obs["date"] + (last_day - obs["date"].max())).dt.strftime("%Y-%m-%d")
    obs["action"] = np.array(ACTION_NAMES)[obs["action"].astype(int)]
    return obs


def write_export(path: Path, rows: pd.DataFrame, *, with_id: bool = False) -> Path:
    (rows if with_id else rows.drop(columns="athlete_id")).to_csv(
        path, index=False, float_format="%.3f")
    return path
