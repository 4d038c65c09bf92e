"""Per-policy summaries of per-episode tables (``evaluation.play``): means and 95 % CIs by
athlete (cluster bootstrap over ``athlete_id``), and each athlete's figures, so anyone can
redo a paired statistic."""

from __future__ import annotations

import pandas as pd

from periodization.env.reward import COMPONENTS
from periodization.evaluation.stats import mean_ci95, n_athletes
from periodization.sim.actions import ACTION_NAMES

MEAN_COLUMNS = ("return", "delta_ctl", "final_tsb", "recovery_ge_60_pct", "days_overreached",
                "days_injured", "hard_sessions",
                "days_ill")
# ``per_athlete`` key → per-episode column; an athlete's value is the mean over its blocks
PER_ATHLETE = {"outcome_pct": "outcome_pct", "overreached_days": "days_overreached",
               "ill_days": "days_ill", "injured_days": "days_injured",
               "hard_sessions": "hard_sessions"}


def per_athlete(df: pd.DataFrame) -> dict[str, list]:
    """Equal-length lists, one entry per athlete in order of first appearance (the plan's
    order, the same for every policy of one evaluation): ``athlete`` and ``PER_ATHLETE``."""
    means = df.groupby("athlete_id", sort=False)[list(PER_ATHLETE.values())].mean()
    out: dict[str, list] = {"athlete": [str(a) for a in means.index]}
    for key, column in PER_ATHLETE.items():
        out[key] = [float(v) for v in means[column]]
    return out


def summarize_policy(df: pd.DataFrame, *, seed: int = 0, athletes: bool = True) -> dict:
    """The stable JSON shape ``periodize evaluate --json`` prints for one policy."""
    clusters = df["athlete_id"].to_numpy()
    low, high = mean_ci95(df["outcome_pct"].to_numpy(), clusters=clusters, seed=seed)
    counts = df[[f"n_{a}" for a in ACTION_NAMES]].sum()
    total = max(int(counts.sum()), 1)
    out = {
        "episodes": len(df),
        "athletes": n_athletes(clusters, len(df)),
        "outcome_pct": float(df["outcome_pct"].mean()),
        "outcome_pct_ci95": [low, high],
        "outcome_pct_sd": float(df["outcome_pct"].std(ddof=1)) if len(df) > 1 else 0.0,
        **{c: float(df[c].mean()) for c in MEAN_COLUMNS},
        "hard_share": float(df["hard_sessions"].sum() / total),
        "violations": int(df["violations"].sum()),
        "reward_components": {c: float(df[f"reward_{c}"].mean()) for c in COMPONENTS},
        "action_share": {a: float(counts[f"n_{a}"] / total) for a in ACTION_NAMES},
    }
    r_low, r_high = mean_ci95(df["return"].to_numpy(), clusters=clusters, seed=seed)
    out["return_ci95"] = [r_low, r_high]
    if athletes:
        out["per_athlete"] = per_athlete(df)
    return out


def summarize(episodes: pd.DataFrame, *, seed: int = 0, athletes: bool = True
              ) -> dict[str, dict]:
    """Policy name → summary, in the order policies first appear."""
    return {name: summarize_policy(g, seed=seed, athletes=athletes)
            for name, g in episodes.groupby("policy", sort=False)}
