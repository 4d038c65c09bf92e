"""Findings about reducing training: the taper (3) and detraining (4)."""

from __future__ import annotations

import numpy as np

from periodization.evaluation.bootstrap import diff_ci, mean_ci
from periodization.evaluation.simulate import run
from periodization.evaluation.studies.common import (
    AE,
    HI,
    MODERATE_WEEK,
    TE,
    Check,
    Context,
    Finding,
    R,
    Row,
    minutes_at,
    pct,
    time_factor,
)

BUILD_SHARE = 1.2  # a build: the moderate week at 1.2 × the usual weekly time
TAPER_DAYS = 14
TAPER_VOLUME = 0.5  # volume −50 % (the finding's −40 to −60 %)


def build_then(ctx: Context, build_days: int, after: np.ndarray, after_minutes: np.ndarray,
               days_after: int):
    """The build (``build_days`` of the moderate week at ``BUILD_SHARE`` × usual time), then
    ``after`` (P,) with minutes (N, P) for ``days_after`` days; the recorded run."""
    ath = ctx.athletes
    build_min = minutes_at(MODERATE_WEEK, time_factor(ath, MODERATE_WEEK, BUILD_SHARE))
    weeks = build_days // 7
    after_days = np.arange(days_after) % len(after)
    actions = np.concatenate([np.tile(MODERATE_WEEK, weeks), after[after_days]])
    minutes = np.concatenate([np.tile(build_min, (1, weeks)), after_minutes[:, after_days]],
                             axis=1)
    return run(ath, actions, minutes=minutes, record=True).record.morning


def taper(ctx: Context) -> Finding:
    """Finding 3: after an 8-week build, a 14-day taper (volume −50 %, intensity kept) gains
    +1.5 to +4 %; keeping intensity beats cutting it; rest gains ≥ 1 point less."""
    ath, seed, build = ctx.athletes, ctx.seed, 56
    full = minutes_at(MODERATE_WEEK, time_factor(ath, MODERATE_WEEK, BUILD_SHARE))
    easy_week = np.where(np.isin(MODERATE_WEEK, [TE, HI]), AE, MODERATE_WEEK)
    kept = build_then(ctx, build, MODERATE_WEEK, TAPER_VOLUME * full, TAPER_DAYS)
    # same weekly minutes as the taper, hard sessions replaced by aerobic base
    easy_factor = TAPER_VOLUME * full.sum(axis=1) / minutes_at(easy_week, 1.0).sum()
    cut = build_then(ctx, build, easy_week, minutes_at(easy_week, easy_factor), TAPER_DAYS)
    rest = build_then(ctx, build, np.array([R]), np.zeros((ath.n, 1)), TAPER_DAYS)
    end = build + TAPER_DAYS
    pre = kept["performance"][build]  # the pre-taper morning (identical in every arm)
    gain = {k: pct(m["performance"][end], pre) for k, m in
            (("kept", kept), ("cut", cut), ("rest", rest))}
    rows = []
    v, ci = mean_ci(gain["kept"], seed)
    rows.append(Row("14-day taper, volume −50 %, intensity kept", "+1.5 to +4 %", v, ci, "%",
                    Check(low=1.5, high=4.0)))
    v, ci = diff_ci(gain["kept"], gain["cut"], seed)
    rows.append(Row("intensity kept − intensity cut", "kept > cut", v, ci, "points",
                    Check(low=0.0, strict=True)))
    v, ci = diff_ci(gain["kept"], gain["rest"], seed)
    rows.append(Row("taper − 14 days of complete rest", "≥ 1 point", v, ci, "points",
                    Check(low=1.0)))
    method = (
        "Build: 8 weeks of the moderate week (rest, aerobic base, tempo, aerobic base, "
        "active recovery, HIIT, aerobic base) at 1.2 × the athlete's usual weekly time. "
        "Then 14 days of: the same week at half its minutes (volume −50 %, intensity "
        "kept); or the week with tempo and HIIT replaced by aerobic base at the same "
        "weekly minutes (intensity cut); or complete rest. Gain: raw performance on the "
        "morning after the 14 days against raw performance on the pre-taper morning (the "
        "morning after the build), %; differences paired.")
    figures = {k: float(v.mean()) for k, v in gain.items()}
    return Finding(3, "Taper", "Bosquet et al. 2007", rows, method, figures)


def detraining(ctx: Context) -> Finding:
    """Finding 4: rest after a 12-week build costs 1–5 % at 2 weeks, 4–10 % at 4 weeks and
    8–18 % at 8 weeks, against the test performance at the build's end."""
    ath, seed, build = ctx.athletes, ctx.seed, 84
    m = build_then(ctx, build, np.array([R]), np.zeros((ath.n, 1)), 56)
    reference = m["test_performance"][build]
    rows, figures = [], {}
    for weeks, low, high in ((2, -5.0, -1.0), (4, -10.0, -4.0), (8, -18.0, -8.0)):
        change = pct(m["performance"][build + 7 * weeks], reference)
        v, ci = mean_ci(change, seed)
        figures[f"{weeks}_weeks"] = v
        rows.append(Row(f"{weeks} weeks of complete rest", f"−{-high:g} to −{-low:g} %", v,
                        ci, "%", Check(low=low, high=high)))
    method = (
        "Build: 12 weeks of the moderate week at 1.2 × the usual weekly time, then complete "
        "rest. Change: raw performance after 2, 4 and 8 weeks of rest (the athlete is "
        "rested, so this is what a test shows) against the test performance on the morning "
        "after the build, %.")
    return Finding(4, "Detraining", "Mujika & Padilla 2000", rows, method, figures)
