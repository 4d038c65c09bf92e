"""Finding 10: two strength sessions a week protect against injury and, added to endurance
training, cost it at most half a point."""

from __future__ import annotations

import numpy as np

from periodization.evaluation import session_model as SM
from periodization.evaluation.bootstrap import bootstrap, diff_ci
from periodization.evaluation.simulate import run
from periodization.evaluation.studies.common import (
    AE,
    AR,
    HI,
    ST,
    Check,
    Context,
    Finding,
    R,
    Row,
    minutes_at,
    time_factor,
)

ENDURANCE_WEEK = np.array([R, AE, AR, HI, AE, AR, AE])
STRENGTH_WEEK = np.array([R, AE, ST, HI, AE, ST, AE])  # strength replaces active recovery


def _ratio_of_sums(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a.sum(axis=-1) / b.sum(axis=-1)


def strength(ctx: Context) -> Finding:
    """Injury relative risk 0.3–0.7 with two strength sessions a week; outcome cost ≤ 0.5."""
    ath, seed = ctx.athletes, ctx.seed
    factor = time_factor(ath, ENDURANCE_WEEK)
    minutes = minutes_at(ENDURANCE_WEEK, factor)
    with_strength = np.where(STRENGTH_WEEK == ST, SM.TYPICAL_MINUTES[ST], minutes)
    base = run(ath, ENDURANCE_WEEK, minutes=minutes, days=90)
    added = run(ath, STRENGTH_WEEK, minutes=with_strength, days=90)
    if SM.SEPARATE_INJURY:
        events, kind = (added.injury_episodes, base.injury_episodes), "injury episodes"
    else:  # World v1: one illness/injury state, the closest measure there is
        events, kind = (added.ill_episodes, base.ill_episodes), "illness/injury episodes"
    rr, ci = bootstrap(_ratio_of_sums, *events, seed=seed)
    rows = [Row(f"relative risk of {kind}, 2 strength sessions/week", "RR 0.3–0.7", rr, ci,
                "", Check(low=0.3, high=0.7))]
    v, c = diff_ci(added.outcome_pct, base.outcome_pct, seed)
    rows.append(Row("strength added − endurance only, 90 days", "≥ −0.5 points", v, c,
                    "points", Check(low=-0.5)))
    method = (
        "90 days of an endurance week (rest, aerobic base, active recovery, HIIT, aerobic "
        "base, active recovery, aerobic base) at the usual weekly time, against the same "
        "week with strength (50 min) in place of the two active-recovery days: every "
        "endurance session unchanged. Relative risk: episodes begun in the strength arm "
        "over episodes begun in the endurance arm (CI by resampling athletes). "
        + ("" if SM.SEPARATE_INJURY else "World v1 has no separate injury state, so the "
           "episodes counted are its illness/injury episodes. ")
        + "Outcome difference paired on the same athletes and noise.")
    figures = {"episodes_endurance": int(events[1].sum()),
               "episodes_strength": int(events[0].sum()),
               "endurance_only": float(base.outcome_pct.mean()),
               "strength_added": float(added.outcome_pct.mean())}
    return Finding(10, "Strength training", "Lauersen 2014; Rønnestad & Mujika 2014", rows,
                   method, figures)
