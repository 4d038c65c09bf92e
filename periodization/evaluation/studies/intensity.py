"""Findings about intensity: Stöggl & Sperlich's four distributions (1), the best share of
hard sessions (2) and too much intensity (11)."""

from __future__ import annotations

import time

import numpy as np

from periodization.evaluation import session_model as SM
from periodization.evaluation.bootstrap import diff_ci, mean_ci, share_ci
from periodization.evaluation.simulate import run
from periodization.evaluation.studies.common import (
    AE,
    HI,
    HIGH_FACTOR,
    LOW_FACTOR,
    MODERATE_WEEK,
    POLARIZED_WEEK,
    TE,
    Check,
    Context,
    Finding,
    R,
    Row,
    hard_count,
    load_factor,
    minutes_at,
    time_factor,
)
from periodization.sim.actions import ACTION_NAMES

# Stöggl & Sperlich (2014) arms as 4-week cycles of 5 sessions a week (rest Monday and
# Friday); shares of the 20 sessions (low / threshold / high): POL 70/5/25, HIIT 55/0/45,
# THR 45/55/0, HVT 85/15/0 — the study's ≈ 68/6/26, 57/0/43, 46/54/0 and 83/16/1.
_W = {"R": R, "A": AE, "T": TE, "H": HI}
STOGGL_ARMS = {
    name: np.array([_W[c] for c in "".join(weeks)]) for name, weeks in {
        "polarized": ("RHAARHA", "RAHARAA", "RHAARTA", "RAHARAA"),
        "HIIT-heavy": ("RHAHRHA", "RHAARHA", "RHAHRAA", "RHAARHA"),
        "threshold-heavy": ("RTATRTA", "RTATRAT", "RTATRTA", "RTAARTA"),
        "high-volume": ("RAATRAA", "RAAARTA", "RATARAA", "RAAARAA"),
    }.items()
}
STOGGL_DAYS = 63  # 9 weeks
SHORT = ("R", "AR", "AE", "TE", "HI", "ST")  # the plan syntax's abbreviations
SEARCH_DAYS = 90


def stoggl(ctx: Context) -> Finding:
    """Finding 1: polarized > HIIT-heavy > threshold-heavy ≈ high-volume, at matched weekly
    time and at matched weekly load."""
    ath, seed = ctx.athletes, ctx.seed
    rows, figures = [], {}
    for matching in ("time", "load"):
        out = {}
        for name, cycle in STOGGL_ARMS.items():
            factor = (time_factor(ath, cycle) if matching == "time"
                      else load_factor(ath, cycle, 7.0 * ath.usual_load))
            out[name] = run(ath, cycle, minutes=minutes_at(cycle, factor),
                            days=STOGGL_DAYS).outcome_pct
        figures[f"matched_{matching}"] = {k: float(v.mean()) for k, v in out.items()}
        pol, hiit, thr, hvt = (out[k] for k in STOGGL_ARMS)
        tag = f"matched weekly {matching}"
        v, ci = diff_ci(pol, hvt, seed)
        rows.append(Row(f"polarized − high-volume, {tag}", "POL > HVT (+ ≥ 2 points)", v, ci,
                        "points", Check(low=2.0)))
        v, ci = diff_ci(pol, hiit, seed)
        rows.append(Row(f"polarized − HIIT-heavy, {tag}", "POL > HIIT", v, ci, "points",
                        Check(low=0.0, strict=True, ci_excludes_zero=True)))
        v, ci = diff_ci(hiit, thr, seed)
        rows.append(Row(f"HIIT-heavy − threshold-heavy, {tag}", "HIIT > THR", v, ci,
                        "points", Check(low=0.0, strict=True)))
        v, ci = diff_ci(thr, hvt, seed)
        rows.append(Row(f"threshold-heavy − high-volume, {tag}", "THR ≈ HVT", v, ci,
                        "points", Check(low=-1.0, high=1.0)))
    method = (
        "Four 9-week (63-day) arms, each a 4-week cycle of 5 sessions a week (rest on "
        "Monday and Friday), repeated: polarized 14 aerobic-base / 1 tempo / 5 HIIT "
        "sessions per cycle (70/5/25 %), HIIT-heavy 11 aerobic / 9 HIIT (55/0/45 %), "
        "threshold-heavy 9 aerobic / 11 tempo (45/55/0 %), high-volume 17 aerobic / 3 tempo "
        "(85/15/0 %). Matched time: every session's typical minutes are scaled by one factor "
        "per athlete and arm so that the week lasts the athlete's usual weekly time. Matched "
        "load: the factor makes the week's expected load (the model's per-minute load of "
        "each session × minutes) equal the athlete's usual weekly load. Outcome: test-"
        "performance change; paired differences between arms on the same athletes and "
        "noise. “≈” is read as a mean difference within ±1 point.")
    return Finding(1, "Intensity distribution", "Stöggl & Sperlich 2014", rows, method,
                   figures)


def all_weeks() -> np.ndarray:
    """All 6^7 = 279 936 weekly patterns (Monday first), shape (279936, 7)."""
    grids = np.indices((6,) * 7).reshape(7, -1).T
    return np.ascontiguousarray(grids, dtype=np.int64)


def feasible_weeks(weeks: np.ndarray, weekly_minutes: float) -> tuple[np.ndarray, np.ndarray]:
    """The weeks that can last ``weekly_minutes`` with every session within its range of
    minutes (``SESSION_MINUTES``) by one factor on the typical minutes, and that factor."""
    typical = SM.TYPICAL_MINUTES[weeks].sum(axis=1)
    low = np.where(weeks == R, 0.0, LOW_FACTOR[weeks]).max(axis=1)
    high = np.where(weeks == R, np.inf, HIGH_FACTOR[weeks]).min(axis=1)
    with np.errstate(divide="ignore"):
        factor = np.where(typical > 0, weekly_minutes / np.maximum(typical, 1e-9), np.inf)
    keep = (typical > 0) & (factor >= low) & (factor <= high)
    return weeks[keep], factor[keep]


def search_median(ctx: Context, *, chunk: int = 40_000) -> dict:
    """Every feasible week for the median athlete (expected world), 90 days each."""
    t0 = time.perf_counter()
    usual = float(ctx.median.usual_weekly_minutes[0])
    weeks, factor = feasible_weeks(all_weeks(), usual)
    outcome = np.empty(len(weeks))
    for lo in range(0, len(weeks), chunk):
        part = slice(lo, lo + chunk)
        k = len(weeks[part])
        copies = ctx.median.take(np.zeros(k, dtype=np.int64))
        minutes = SM.TYPICAL_MINUTES[weeks[part]] * factor[part][:, None]
        outcome[part] = run(copies, weeks[part], minutes=minutes,
                            days=SEARCH_DAYS).outcome_pct
    order = np.argsort(-outcome, kind="stable")
    return {"weeks": weeks, "factor": factor, "outcome": outcome, "order": order,
            "usual_weekly_minutes": usual, "seconds": time.perf_counter() - t0}


def candidates(search: dict, per_hard_count: int) -> np.ndarray:
    """The median athlete's best ``per_hard_count`` weeks for each number of hard sessions."""
    weeks, order = search["weeks"], search["order"]
    hard = hard_count(weeks[order])
    picked = [order[hard == h][:per_hard_count] for h in range(8)]
    return weeks[np.concatenate(picked)]


def best_share(ctx: Context) -> Finding:
    """Finding 2: the best weekly plan has 15–35 % hard sessions; ≥ 70 % of athletes' own
    best plans have at most two hard sessions a week."""
    search = search_median(ctx)
    best = search["weeks"][search["order"][0]]
    sessions = int((best != R).sum())
    share = float(hard_count(best)) / sessions
    cands = candidates(search, ctx.search_per_hard_count)
    ath = ctx.athletes
    per_week = SM.TYPICAL_MINUTES[cands].sum(axis=1)
    outcomes = np.stack([
        run(ath, week, minutes=minutes_at(week, ath.usual_weekly_minutes / per_week[c]),
            days=SEARCH_DAYS).outcome_pct for c, week in enumerate(cands)])
    best_hard = hard_count(cands)[np.argmax(outcomes, axis=0)]
    v, ci = share_ci(best_hard <= 2, ctx.seed)
    rows = [
        Row("median athlete's best week: hard share of its sessions", "15–35 %",
            100.0 * share, None, "share", Check(low=15.0, high=35.0)),
        Row("athletes whose own best week has ≤ 2 hard sessions", "≥ 70 %", 100.0 * v,
            (100.0 * ci[0], 100.0 * ci[1]), "share", Check(low=70.0)),
    ]
    hist = np.bincount(best_hard, minlength=8)
    method = (
        f"The prior's median athlete (every parameter at its median; expected world: no "
        f"compliance noise, no illness) after its burn-in; its usual weekly time is "
        f"{search['usual_weekly_minutes']:.0f} min. Of all 279 936 weekly patterns (6 "
        f"sessions on 7 days), the {len(search['weeks']):,} that can last exactly that time "
        f"with one factor on the typical minutes keeping every session within its range "
        f"of minutes (aerobic base 45–90, tempo 30–60, HIIT 20–40 …) were each run for 90 "
        f"days. Best week, Monday first: {' '.join(SHORT[a] for a in best)} ({sessions} "
        f"sessions). Per athlete: "
        f"the median athlete's best {ctx.search_per_hard_count} weeks for each number of "
        f"hard sessions (tempo or HIIT; 0–7 where feasible, {len(cands)} candidates), each "
        f"scaled to the athlete's own usual weekly time and run for 90 days on the same "
        f"athletes and noise; an athlete's best plan is its best candidate. Hard sessions "
        f"per week of the athletes' best plans (0…7): {hist.tolist()}.")
    return Finding(2, "Best intensity share", "Best intensity share", rows,
                   method, {"best_week": [ACTION_NAMES[a] for a in best],
                            "feasible_weeks": len(search["weeks"]),
                            "search_seconds": search["seconds"],
                            "best_hard_histogram": hist.tolist()})


def too_much_intensity(ctx: Context) -> Finding:
    """Finding 11: HIIT every day ends below the start and ≥ 5 points below a moderate plan;
    HIIT five times a week ends below polarized."""
    ath, seed = ctx.athletes, ctx.seed
    hiit5 = np.array([R, HI, HI, AE, HI, HI, HI])
    daily = run(ath, np.array([HI]), days=90).outcome_pct
    moderate = run(ath, MODERATE_WEEK, days=90).outcome_pct
    five = run(ath, hiit5, days=90).outcome_pct
    polarized = run(ath, POLARIZED_WEEK, days=90).outcome_pct
    rows = []
    v, ci = mean_ci(daily, seed)
    rows.append(Row("HIIT every day, 90 days", "below the start", v, ci, "%",
                    Check(high=0.0, strict=True)))
    v, ci = diff_ci(moderate, daily, seed)
    rows.append(Row("moderate week − HIIT every day", "≥ 5 points", v, ci, "points",
                    Check(low=5.0)))
    v, ci = diff_ci(polarized, five, seed)
    rows.append(Row("polarized week − HIIT 5×/week", "POL > HIIT 5×", v, ci, "points",
                    Check(low=0.0, strict=True)))
    method = (
        "90 days at the typical minutes of each session (as `periodize simulate` runs a "
        "plan by default): HIIT every day; the moderate week (rest, aerobic base, tempo, "
        "aerobic base, active recovery, HIIT, aerobic base); HIIT five times a week (rest, "
        "HIIT, HIIT, aerobic base, HIIT, HIIT, HIIT); the polarized week (rest, aerobic "
        "base, HIIT, aerobic base, active recovery, HIIT, aerobic base). Outcome: test-"
        "performance change; differences paired on the same athletes and noise.")
    figures = {"hiit_daily": float(daily.mean()), "moderate": float(moderate.mean()),
               "hiit_5_per_week": float(five.mean()), "polarized": float(polarized.mean())}
    return Finding(11, "Too much intensity", "Too much intensity", rows,
                   method, figures)
