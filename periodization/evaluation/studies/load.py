"""Findings about the amount of load: the inverted U (5), functional (6) and non-
functional (7) overreaching."""

from __future__ import annotations

import numpy as np

from periodization.evaluation import session_model as SM
from periodization.evaluation.bootstrap import RESAMPLES, diff_ci, mean_ci, median_ci, share_ci
from periodization.evaluation.simulate import run
from periodization.evaluation.studies.common import (
    AE,
    MODERATE_WEEK,
    Check,
    Context,
    Finding,
    R,
    Row,
    load_factor,
    minutes_at,
    pct,
    time_factor,
)

LOAD_GRID = np.round(np.arange(0.0, 3.0001, 0.1), 1)  # x in x·w*
FOR_LOAD = 1.35  # × the usual load (the finding's 1.3–1.4)
NFOR_LOAD = 2.0  # × w*
RECOVERY_HORIZON = 182  # days after the overload we look for recovery


def inverted_u(ctx: Context) -> Finding:
    """Finding 5: 90 days of a constant daily aerobic load x·w*: the best x lies in
    0.9–1.5, x = 2 ends below x = 1 and x = 3 below the start."""
    ath, seed = ctx.athletes, ctx.seed
    nominal = ath.params.session_loads[:, AE]
    outcome = np.stack([
        run(ath, np.array([R if x == 0 else AE]), load_scale=x * ath.params.optimal_load /
            nominal, days=90).outcome_pct for x in LOAD_GRID])  # (grid, N)
    at = {float(x): outcome[i] for i, x in enumerate(LOAD_GRID)}
    best, ci = _argmax_ci(outcome, seed)
    rows = [Row("best constant load x (x·w*)", "0.9–1.5", best, ci, "× w*",
                Check(low=0.9, high=1.5))]
    v, c = diff_ci(at[2.0], at[1.0], seed)
    rows.append(Row("x = 2 − x = 1", "x = 2 below x = 1", v, c, "points",
                    Check(high=0.0, strict=True)))
    v, c = mean_ci(at[3.0], seed)
    rows.append(Row("x = 3", "below the start", v, c, "%", Check(high=0.0, strict=True)))
    method = (
        "90 days of aerobic base every day whose load is scaled to x·w* (the athlete's "
        "optimal load w*, TSS/day; x = 0 is complete rest), for x = 0, 0.1, …, 3.0, on the "
        "same athletes and noise (ill athletes rest). Best x: the grid point with the "
        "highest mean test-performance change; its CI from resampling athletes.")
    figures = {f"{x:.1f}": float(outcome[i].mean()) for i, x in enumerate(LOAD_GRID)}
    return Finding(5, "Inverted U of daily load", "Busso 2003", rows, method, figures)


def _argmax_ci(outcome: np.ndarray, seed: int) -> tuple[float, tuple[float, float]]:
    """Grid x of the highest mean outcome (grid, N), with an athlete-bootstrap CI."""
    n = outcome.shape[1]
    idx = np.random.default_rng(seed).integers(0, n, size=(RESAMPLES, n))
    counts = np.zeros((RESAMPLES, n))
    np.add.at(counts, (np.arange(RESAMPLES)[:, None], idx), 1.0)
    means = outcome @ counts.T / n  # (grid, resamples)
    draws = LOAD_GRID[np.argmax(means, axis=0)]
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(LOAD_GRID[np.argmax(outcome.mean(axis=1))]), (float(low), float(high))


def overload_minutes(ctx: Context, weekly_load: np.ndarray) -> np.ndarray:
    """(N, 7) minutes of the moderate week whose expected load is ``weekly_load`` (N,)."""
    return minutes_at(MODERATE_WEEK, load_factor(ctx.athletes, MODERATE_WEEK, weekly_load))


def functional(ctx: Context) -> Finding:
    """Finding 6: 3 weeks at 1.35 × usual load → −5 to −12 % on the last overload morning;
    after a 1–2 week taper ≥ 75 % are above their pre-overload test performance, by +1 to
    +4 %."""
    ath, seed = ctx.athletes, ctx.seed
    over = overload_minutes(ctx, FOR_LOAD * 7.0 * ath.usual_load)
    taper = minutes_at(MODERATE_WEEK, time_factor(ath, MODERATE_WEEK, 0.5))
    actions = np.tile(MODERATE_WEEK, 5)
    minutes = np.concatenate([np.tile(over, (1, 3)), np.tile(taper, (1, 2))], axis=1)
    m = run(ath, actions, minutes=minutes, record=True).record.morning
    start = m["test_performance"][0]
    rows = []
    v, ci = mean_ci(pct(m["performance"][21], start), seed)
    rows.append(Row("last overload morning (raw performance)", "−5 to −12 %", v, ci, "%",
                    Check(low=-12.0, high=-5.0)))
    figures = {"last_overload_morning": v}
    for weeks in (1, 2):
        change = pct(m["performance"][21 + 7 * weeks], start)
        v, ci = share_ci(change > 0, seed)
        rows.append(Row(f"taper {weeks} week(s): athletes above pre-overload", "≥ 75 %",
                        100 * v, (100 * ci[0], 100 * ci[1]), "share", Check(low=75.0)))
        v, ci = mean_ci(change, seed)
        rows.append(Row(f"taper {weeks} week(s): change vs pre-overload", "+1 to +4 %", v,
                        ci, "%", Check(low=1.0, high=4.0)))
        figures[f"taper_{weeks}_weeks"] = v
    method = (
        "Overload: 3 weeks of the moderate week with minutes scaled so that its expected "
        "load is 1.35 × the athlete's usual weekly load; then a taper of the same week at "
        "half the usual weekly time (intensity kept). Last overload morning: raw "
        "performance on the morning after the 21st day against the test performance on "
        "the first morning (pre-overload). After the taper: raw performance on the morning "
        "after 1 and after 2 taper weeks against the same reference. The finding holds if "
        "the overload row holds and both taper rows hold at 1 or at 2 weeks.")
    return Finding(6, "Functional overreaching", "Le Meur et al. 2013", rows, method,
                   figures, rule=lambda ok: ok[0] and ((ok[1] and ok[2]) or (ok[3] and ok[4])))


def non_functional(ctx: Context) -> Finding:
    """Finding 7: driven into NFOR (6 weeks at 2·w*), ≥ 80 % are still below their pre-
    overload test performance after 2 weeks of rest; median recovery ≥ 4 weeks."""
    ath, seed = ctx.athletes, ctx.seed
    over = overload_minutes(ctx, NFOR_LOAD * 7.0 * ath.params.optimal_load)
    usual = minutes_at(MODERATE_WEEK, time_factor(ath, MODERATE_WEEK))
    back = RECOVERY_HORIZON - 14
    actions = np.concatenate([np.tile(MODERATE_WEEK, 6), np.full(14, R),
                              np.tile(MODERATE_WEEK, back // 7)])
    minutes = np.concatenate([np.tile(over, (1, 6)), np.zeros((ath.n, 14)),
                              np.tile(usual, (1, back // 7))], axis=1)
    m = run(ath, actions, minutes=minutes, record=True).record.morning
    start = m["test_performance"][0]
    driven = m["maladaptation"][42] > ath.params.pop.overreached_threshold
    rows = []
    v, ci = share_ci(driven, seed)
    rows.append(Row("athletes overreached after the overload", "(driven into NFOR)",
                    100 * v, (100 * ci[0], 100 * ci[1]), "share", Check(low=10.0)))
    capacity = m["test_performance"][43:, driven]  # mornings 1, 2, … after the overload
    below = pct(m["performance"][56, driven], start[driven]) < 0
    v, ci = share_ci(below, seed) if driven.any() else (float("nan"), None)
    rows.append(Row("of them, below pre-overload after 2 weeks' rest", "≥ 80 %",
                    100 * v, None if ci is None else (100 * ci[0], 100 * ci[1]), "share",
                    Check(low=80.0)))
    above = capacity >= start[driven]
    days = np.where(above.any(axis=0), above.argmax(axis=0) + 1, RECOVERY_HORIZON + 1)
    v, ci = median_ci(days.astype(float), seed) if driven.any() else (float("nan"), None)
    rows.append(Row("of them, median days to recover", "≥ 28 days", v, ci, "days",
                    Check(low=28.0)))
    method = (
        "Overload: 6 weeks of the moderate week with minutes scaled so that its expected "
        "load is 2 × w* per day; then 2 weeks of complete rest, then the moderate week at "
        "the usual weekly time. Driven into NFOR: maladaptation above the model's "
        "overreached threshold on the morning after the overload (the finding needs at "
        "least 10 % of athletes there). Below: raw performance after the 2 weeks of rest "
        "under the test performance of the first morning. Recovery: days from the end of "
        "the overload to the first morning whose test performance is back at that level "
        f"(not within {RECOVERY_HORIZON} days counts as {RECOVERY_HORIZON + 1}).")
    return Finding(7, "Non-functional overreaching", "Meeusen et al. 2013", rows, method,
                   {"driven": int(driven.sum()), "typical_minutes_per_week":
                    float(SM.TYPICAL_MINUTES[MODERATE_WEEK].sum())})
