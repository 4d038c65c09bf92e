"""Findings about HRV: next-morning drops and recovery by intensity (8), and the value of
placing hard sessions by readiness (9)."""

from __future__ import annotations

import numpy as np

from periodization.evaluation import session_model as SM
from periodization.evaluation.bootstrap import diff_ci, median_ci
from periodization.evaluation.simulate import Morning, run
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
    time_factor,
)

PROBE_DAY = 31  # after 4 weeks of the moderate week and 3 rest days
FOLLOW_DAYS = 4
READING_HOURS = 5  # readings at 07:00, sessions at 12:00: morning k is 24·k − 5 h later
SWC_SD = 0.5  # smallest worthwhile change = 0.5 × the day-to-day SD of ln RMSSD
READINESS_DAYS = 91
HARD_PER_WEEK = 2
MAX_HARD_PER_WEEK = 3  # HRV placement: sessions made up from earlier weeks, at most 3 a week
CALENDAR_HARD_DAYS = (2, 5)  # Wednesday and Saturday


def hrv_recovery(ctx: Context) -> Finding:
    """Finding 8: next-morning ln RMSSD drop ordered aerobic < tempo < HIIT; back within the
    SWC in < 24 h after aerobic base and in 48–72 h after HIIT."""
    ath, seed = ctx.athletes, ctx.seed
    lead = np.concatenate([np.tile(MODERATE_WEEK, 4), np.full(PROBE_DAY - 28, R)])
    tail = np.full(FOLLOW_DAYS, R)

    def probe(action: int) -> dict[str, np.ndarray]:
        plan = np.concatenate([lead, [action], tail])
        return run(ath, plan, record=True).record.morning

    control = probe(R)
    swc = SWC_SD * np.log(control["hrv_rmssd_ms"][:28]).std(axis=0, ddof=1)
    drop, hours = {}, {}
    for name, action in (("aerobic base", AE), ("tempo", TE), ("HIIT", HI)):
        m = probe(action)
        gap = (control["ln_rmssd_latent"] - m["ln_rmssd_latent"])[PROBE_DAY + 1:]  # (k, N)
        drop[name] = gap[0]
        within = np.abs(gap) <= swc
        k = np.where(within.any(axis=0), within.argmax(axis=0) + 1, FOLLOW_DAYS + 1)
        hours[name] = 24.0 * k - READING_HOURS
    rows = []
    v, ci = diff_ci(drop["tempo"], drop["aerobic base"], seed)
    rows.append(Row("next-morning ln RMSSD drop: tempo − aerobic base", "aerobic < tempo", v,
                    ci, "ln", Check(low=0.0, strict=True)))
    v, ci = diff_ci(drop["HIIT"], drop["tempo"], seed)
    rows.append(Row("next-morning ln RMSSD drop: HIIT − tempo", "tempo < HIIT", v, ci, "ln",
                    Check(low=0.0, strict=True)))
    v, ci = median_ci(hours["aerobic base"], seed)
    rows.append(Row("aerobic base: back within the SWC (median)", "< 24 h", v, ci, "h",
                    Check(high=24.0, strict=True)))
    v, ci = median_ci(hours["HIIT"], seed)
    rows.append(Row("HIIT: back within the SWC (median)", "48–72 h", v, ci, "h",
                    Check(low=48.0, high=72.0)))
    method = (
        "4 weeks of the moderate week at typical minutes, 3 rest days, then one probe "
        "session (aerobic base, tempo or HIIT at its typical minutes) or rest (the control "
        "arm), then rest, on the same athletes and noise. Drop: the noise-free ln RMSSD of "
        "the control minus the probe's, on the next morning (ln units). SWC: 0.5 × the SD "
        "of the athlete's observed ln RMSSD over the 4 weeks. Recovery: the first morning "
        "whose paired gap is within the SWC; with sessions at noon and readings at 07:00, "
        "morning k after the session is 24·k − 5 h later (19 h, 43 h, 67 h, …), so “< 24 h” "
        "means back by the first morning and “48–72 h” back first on the third.")
    figures = {f"drop_{k}": float(v.mean()) for k, v in drop.items()}
    figures.update({f"hours_{k}": float(np.median(v)) for k, v in hours.items()})
    return Finding(8, "HRV recovery by intensity", "Stanley et al. 2013", rows, method,
                   figures)


def weekly_budget(placement: str, factor: np.ndarray):
    """A ``decide`` function: Monday rest, aerobic base otherwise, and ``HARD_PER_WEEK``
    HIIT sessions a week placed by ``placement``.

    "calendar": Wednesday and Saturday. "hrv" (Kiviniemi et al. 2007's rule, decided each
    morning from the wearable): HIIT when this morning's ln RMSSD is not below its 28-day
    reference by more than the smallest worthwhile change (0.5 SD) and yesterday was not
    hard. A week's sessions the rule did not allow are made up in later weeks (at most
    ``MAX_HARD_PER_WEEK`` a week, never two days running). In both arms a session illness
    prevents moves on, and the block's last days take what is left, so both do the same
    number of hard sessions per block."""
    n = factor.shape[0]
    owed = np.zeros(n, dtype=np.int64)  # sessions due and not yet done
    this_week = np.zeros(n, dtype=np.int64)
    done = np.zeros(n, dtype=np.int64)
    yesterday_hard = np.zeros(n, dtype=bool)
    total = HARD_PER_WEEK * (READINESS_DAYS // 7)

    def decide(morning: Morning) -> tuple[np.ndarray, np.ndarray]:
        weekday = morning.day % 7
        if weekday == 0:
            owed[:] += HARD_PER_WEEK
            this_week[:] = 0
        ctx = morning.context
        if placement == "calendar":
            want = np.full(n, weekday in CALENDAR_HARD_DAYS)
            cap = HARD_PER_WEEK
        else:
            want = ctx.ln_hrv >= ctx.hrv_baseline_mean - SWC_SD * ctx.hrv_baseline_sd
            cap = MAX_HARD_PER_WEEK
        days_left = READINESS_DAYS - morning.day  # today included
        forced = 2 * (total - done) - 1 >= days_left  # the rest of the block just fits them
        allowed = (weekday != 0) & (owed > 0) & ~yesterday_hard & ~morning.ill
        hard = allowed & ((want & (this_week < cap)) | forced)
        action = np.where(weekday == 0, R, np.where(hard, HI, AE))
        action = np.where(morning.ill, R, action).astype(np.int64)
        owed[:] -= hard
        this_week[:] += hard
        done[:] += hard
        yesterday_hard[:] = hard
        return action, SM.TYPICAL_MINUTES[action] * factor

    return decide


def readiness(ctx: Context) -> Finding:
    """Finding 9: the same hard sessions placed by HRV beat placing them by calendar by
    ≥ 0.5 points (CI excluding 0)."""
    ath, seed = ctx.athletes, ctx.seed
    week = np.array([R, AE, HI, AE, AE, HI, AE])
    factor = time_factor(ath, week)
    out = {p: run(ath, week, days=READINESS_DAYS, decide=weekly_budget(p, factor))
           for p in ("calendar", "hrv")}
    v, ci = diff_ci(out["hrv"].outcome_pct, out["calendar"].outcome_pct, seed)
    rows = [Row("HRV-placed − calendar-placed hard sessions", "≥ +0.5 points", v, ci,
                "points", Check(low=0.5, ci_excludes_zero=True))]
    method = (
        f"13 weeks of a week with rest on Monday, aerobic base on the other days and two "
        f"HIIT sessions, every session at its typical minutes × one factor per athlete "
        f"that makes the week last the usual weekly time. Calendar: HIIT on Wednesday and "
        f"Saturday. HRV (Kiviniemi et al. 2007's decision rule, taken each morning from the "
        f"wearable): HIIT when this morning's ln RMSSD is not more than 0.5 SD (the smallest "
        f"worthwhile change) below its 28-day mean and yesterday was not hard; sessions the "
        f"rule did not allow are made up in later weeks, at most {MAX_HARD_PER_WEEK} a week, "
        f"never on consecutive days. In both arms a session illness prevents moves on and "
        f"the block's last days take what is left, so both do nearly the same number per "
        f"block: {out['calendar'].hard_sessions.mean():.1f} and "
        f"{out['hrv'].hard_sessions.mean():.1f} per athlete on average, of at most "
        f"{HARD_PER_WEEK * READINESS_DAYS // 7}. Paired on the same athletes and noise.")
    figures = {p: float(o.outcome_pct.mean()) for p, o in out.items()}
    figures.update({f"hard_{p}": float(o.hard_sessions.mean()) for p, o in out.items()})
    return Finding(9, "Readiness-guided training", "Kiviniemi 2007; Vesterinen 2016", rows,
                   method, figures)
