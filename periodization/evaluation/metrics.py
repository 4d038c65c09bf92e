"""Per-policy summaries of per-episode tables (``policies.rollout.run_episodes``)."""

from __future__ import annotations

import pandas as pd

from periodization.env.reward import COMPONENTS
from periodization.evaluation.stats import mean_ci95
from periodization.sim.actions import ACTION_NAMES

MEAN_COLUMNS = ("return", "delta_ctl", "final_tsb", "recovery_ge_60_pct", "days_overreached",
                "days_injured", "hard_sessions",
                "days_ill")


def summarize_policy(df: pd.DataFrame, *, seed: int = 0) -> dict:
    """The stable JSON shape ``periodize evaluate --json`` prints for one policy."""
    low, high = mean_ci95(df["outcome_pct"].to_numpy(), seed=seed)
    counts = df[[f"n_{a}" for a in ACTION_NAMES]].sum()
    total = max(int(counts.sum()), 1)
    out = {
        "episodes": len(df),
        "outcome_pct": float(df["outcome_pct"].mean()),
        "outcome_pct_ci95": [low, high],
        "outcome_pct_sd": float(df["outcome_pct"].std(ddof=1)) if len(df) > 1 else 0.0,
        **{c: float(df[c].mean()) for c in MEAN_COLUMNS},
        "violations": int(df["violations"].sum()),
        "reward_components": {c: float(df[f"reward_{c}"].mean()) for c in COMPONENTS},
        "action_share": {a: float(counts[f"n_{a}"] / total) for a in ACTION_NAMES},
    }
    r_low, r_high = mean_ci95(df["return"].to_numpy(), seed=seed)
    out["return_ci95"] = [r_low, r_high]
    return out


def summarize(episodes: pd.DataFrame, *, seed: int = 0) -> dict[str, dict]:
    """Policy name → summary, in the order policies first appear."""
    return {name: summarize_policy(g, seed=seed)
            for name, g in episodes.groupby("policy", sort=False)}
