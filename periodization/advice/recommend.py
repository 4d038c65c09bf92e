"""Today's training for a real athlete: ``periodize recommend``'s logic.

From a wearable export (one athlete) or many (a batch), for the morning of each athlete's
last recorded day:

1. import (format auto-detected; ``ingest/inputs.py``), check, calibrate and fill what the
   source lacks (``calibration/personal.py``);
2. today's 17 features, by the one feature implementation, from the whole history;
3. the safety rules: every masked action with the rule that masked it (``ill`` marks the
   athlete ill or injured); on a morning the drivers call overreaching, hard sessions are
   masked too (``advice/agreement.py``), so the advice never contradicts itself;
4. today's session from the trained model's actor (served in numpy, no torch): action,
   zone, minutes and target load (the athlete's calibrated session), the policy's
   probabilities; with fewer than 14 usable days, the safe rule-based baseline instead;
5. the few features that stand out today, in plain words (``advice/drivers.py``);
6. a plan for the next days, simulated with the calibrated model (``advice/plan.py``).

Every athlete is batched through steps 2–6 together. Not medical advice:
``docs/recommend.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import warnings
from typing import Any

import numpy as np

from periodization.advice.agreement import back_off, back_off_reasons, overreaching
from periodization.advice.coach import Coach
from periodization.advice.drivers import Normals, driver_sentences
from periodization.advice.plan import simulate_plan
from periodization.agents.artifacts import ExportedModel, load_model
from periodization.calibration.personal import PersonalData, prepare_personal
from periodization.calibration.report import calibration_report
from periodization.core.errors import DataError
from periodization.core.jit import interpreted
from periodization.env import constraints as C
from periodization.features import daily as F
from periodization.features.table import features_for_table
from periodization.ingest.inputs import Inputs, read_inputs
from periodization.sim.actions import (
    ACTION_NAMES,
    SESSION_GUIDE,
    SESSION_MINUTES,
    Action,
)

PLAN_DAYS = 7
# Up to this many athletes the kernels run as plain Python (``core.jit.interpreted``):
# faster than importing numba and loading its compiled code (~1 s); a batch compiles.
INTERPRET_MAX_ATHLETES = 4
STALE_DAYS = 2  # a last record older than this many days before today is flagged
ILL_DAYS = 3  # days an illness report keeps the plan on rest or active recovery
RECENT_DAYS = 28  # the window of "your usual" resting HR, sleep and efficiency
READINGS = {"hrv_rmssd_ms": "HRV", "resting_hr": "resting HR", "recovery": "recovery",
            "sleep_hours": "sleep duration", "sleep_efficiency": "sleep efficiency"}


def recommend(data: str | os.PathLike[str], **options: Any) -> dict[str, Any]:
    """The recommendation for the one athlete of ``data`` (see ``recommend_any`` for the
    options); ``DataError`` if ``data`` holds several athletes or cannot be used."""
    results, batch = recommend_any(data, **options)
    if batch:
        raise DataError(f"{data}: holds {len(results)} athletes; use recommend_batch")
    return results[0]


def recommend_batch(data: str | os.PathLike[str], **options: Any) -> list[dict[str, Any]]:
    """Recommendations for every athlete of ``data``, in athlete-id order; an athlete that
    cannot be advised is ``{"athlete_id", "error"}``."""
    return recommend_any(data, **options)[0]


def recommend_any(data: str | os.PathLike[str], *, model: str | os.PathLike[str] | None = None,
                  plan_days: int = PLAN_DAYS, ill: bool = False, today: dt.date | None = None,
                  safety: C.SafetyConfig | None = None) -> tuple[list[dict[str, Any]], bool]:
    """(results, whether ``data`` is a batch). ``model``: a run directory (default: the
    packaged model); ``ill``: the athlete is ill or injured today; ``today``: the date
    the data's age is judged against. For a single export any problem is a ``DataError``
    naming the file, never a recommendation built on bad data."""
    if plan_days < 1:
        raise DataError(f"--plan-days must be at least 1, got {plan_days}")
    exported = load_model(model)
    inputs = read_inputs(data)
    few = inputs.rows["athlete_id"].nunique() <= INTERPRET_MAX_ATHLETES
    with interpreted() if few else contextlib.nullcontext():
        results = advise(inputs, model=exported, plan_days=plan_days, ill=ill,
                         today=today or dt.date.today(), safety=safety or C.SafetyConfig(),
                         details=not inputs.batch)
    if not inputs.batch and "error" in results[0]:
        raise DataError(f"{data}: {results[0]['error']}")
    return results, inputs.batch


def advise(inputs: Inputs, *, model: ExportedModel, plan_days: int, ill: bool,
           today: dt.date, safety: C.SafetyConfig, details: bool) -> list[dict[str, Any]]:
    """The recommendation of every athlete of ``inputs`` (steps 1–6 of the module)."""
    source = "the data" if inputs.batch else "export"
    personal = prepare_personal(inputs.rows, source=source)
    errors = {**inputs.errors, **personal.errors}
    out = {a: {"athlete_id": a, "error": e} for a, e in errors.items()}
    if personal.calibration is not None:
        for athlete, result in zip(personal.athlete_ids, _advise_usable(
                personal, inputs, model=model, plan_days=plan_days, ill=ill, today=today,
                safety=safety, details=details), strict=True):
            out[athlete] = result
    return [out[a] for a in sorted(out)]


def _advise_usable(personal: PersonalData, inputs: Inputs, *, model: ExportedModel,
                   plan_days: int, ill: bool, today: dt.date, safety: C.SafetyConfig,
                   details: bool) -> list[dict[str, Any]]:
    cal, table = personal.calibration, personal.table
    n = len(cal.athlete_ids)
    last = np.cumsum(cal.history.length) - 1  # each athlete's last row of ``table``
    feats = features_for_table(table, pop=cal.params.pop, keep_last_state=True)
    readings = table[list(F.INPUT_COLUMNS)].to_numpy(dtype=np.float64)[last]
    fstate, raw, ctx = F.morning(feats.last_state, readings)
    ill_now = np.full(n, ill)
    fired, rule_mask = C.rules_for_morning(ctx, ill=ill_now, config=safety)
    flagged = overreaching(cal.state.maladaptation)
    mask = back_off(rule_mask, flagged)  # the drivers' "back off" holds the prescription
    coach = Coach(model)
    probs, action = coach.decide(raw, mask, cal.calibrated)
    state = dataclasses.replace(cal.state, ill_days=np.where(ill_now, ILL_DAYS, 0))
    plan = simulate_plan(coach, params=cal.params, state=state, features=fstate,
                         raw_today=raw, action_today=action, use_model=cal.calibrated,
                         safety=safety, days=plan_days)
    normals = _normals(personal, feats.last_state, ctx, ill_now)
    drivers = driver_sentences(raw, normals)
    minutes, per_minute = cal.params.session_minutes, cal.params.pop.load_per_minute
    imputed_today = table[[f"{c}_imputed" for c in READINGS]].to_numpy(dtype=bool)[last]
    usable = cal.history.per_athlete(
        np.where(np.isfinite(cal.history.ln_hrv + cal.history.rhr), 1.0, np.nan), "count")
    results = []
    for i, athlete in enumerate(cal.athlete_ids):
        a = int(action[i])
        date = cal.history.last_date[i].date()
        result = {
            "athlete_id": athlete,
            "date": date.isoformat(),
            "action": ACTION_NAMES[a],
            **_session(a, minutes[i, a], per_minute[a]),
            "probabilities": {name: round(float(p), 4)
                              for name, p in zip(ACTION_NAMES, probs[i], strict=True)},
            "masked": _masked(fired[i], rule_mask[i], bool(flagged[i]), safety),
            "drivers": drivers[i],
            "plan": [{"date": (date + dt.timedelta(days=d)).isoformat(),
                      "action": ACTION_NAMES[int(plan.action[d, i])],
                      "expected_recovery": round(float(plan.recovery[d, i]), 1),
                      "expected_tsb": round(float(plan.tsb[d, i]), 1)}
                     for d in range(plan_days)],
            "warnings": _warnings(personal, inputs, athlete, date=date, today=today,
                                  calibrated=bool(cal.calibrated[i]), usable=int(usable[i]),
                                  imputed=imputed_today[i]),
            "policy": "trained model" if cal.calibrated[i] else "rule-based baseline",
            "model": model.source,
            "source_format": inputs.source_format.get(athlete, "generic"),
            "hrv_kind": inputs.hrv_kind.get(athlete, "rmssd"),
            "source": inputs.metadata.get(athlete, {}),
            "history_days": int(cal.history.length[i]),
        }
        if details:
            result["calibration"] = calibration_report(cal, i)
        results.append(result)
    return results


def _masked(fired: np.ndarray, rule_mask: np.ndarray, flagged: bool,
            safety: C.SafetyConfig) -> list[dict[str, str]]:
    """Every masked action with its reasons: the safety rules', then the drivers'."""
    out = [{"action": name, "reason": "; ".join(safety.describe(r) for r in rules)}
           for name, rules in C.mask_reasons(fired, safety).items()]
    out += [{"action": name, "reason": reason}
            for name, reason in back_off_reasons(flagged, rule_mask).items()]
    return out


def _session(action: int, minutes: float, load_per_minute: float) -> dict[str, Any]:
    """Zone, minutes (the athlete's calibrated session length, ``session_minutes``, within
    the session's range, to 5 min) and target load (TSS: those minutes at the session's
    TSS per minute, as the model loads them) of one prescription."""
    zone, _ = SESSION_GUIDE[Action(action)]
    lo, hi = SESSION_MINUTES[Action(action)]
    minutes = 5 * round(float(np.clip(minutes, lo, hi)) / 5) if hi > 0 else 0
    return {"zone": zone, "minutes": int(minutes),
            "target_load": round(float(minutes * load_per_minute))}


def _normals(personal: PersonalData, before: F.FeatureState, ctx: F.MorningContext,
             ill: np.ndarray) -> Normals:
    cal, table = personal.calibration, personal.table
    with warnings.catch_warnings():  # an athlete without HRV in the last week: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        week = np.nanmean(before.ln_hrv[:, -7:], axis=1)
    hist = cal.history
    days_left = (hist.length - 1)[hist.athlete_index] - hist.day_index
    recent = (days_left >= 1) & (days_left <= RECENT_DAYS)

    def mean(column: str) -> np.ndarray:
        values = np.where(recent, table[column].to_numpy(dtype=np.float64), np.nan)
        return hist.per_athlete(values)

    p = cal.params
    rhr, sleep, eff = mean("resting_hr"), mean("sleep_hours"), mean("sleep_efficiency")
    return Normals(
        ln_hrv_7d=np.where(np.isfinite(week), week, ctx.hrv_baseline_mean),
        ln_hrv_sd=ctx.hrv_baseline_sd,
        rhr=np.where(np.isfinite(rhr), rhr, p.rhr_baseline_bpm), rhr_sd=p.rhr_noise_bpm,
        sleep=np.where(np.isfinite(sleep), sleep, p.sleep_baseline_hours),
        sleep_sd=p.sleep_noise_hours,
        efficiency=np.where(np.isfinite(eff), eff, p.sleep_efficiency_baseline),
        efficiency_sd=p.sleep_efficiency_noise, days_since_rest=ctx.days_since_rest,
        maladaptation=cal.state.maladaptation, ill=ill,
        rhr_own=np.isfinite(rhr), sleep_own=np.isfinite(sleep),
        efficiency_own=np.isfinite(eff))


def _warnings(personal: PersonalData, inputs: Inputs, athlete: str, *, date: dt.date,
              today: dt.date, calibrated: bool, usable: int, imputed: np.ndarray
              ) -> list[str]:
    """Import and data notes, then stale data, short history and this morning's gaps."""
    out = [*inputs.notes.get(athlete, []), *personal.notes.get(athlete, [])]
    age = (today - date).days
    if age > STALE_DAYS:
        out.append(f"your latest data are from {date.isoformat()}, {age} days ago: this is the "
                   "recommendation for that morning; export fresh data for today's")
    if not calibrated:
        out.append(f"only {usable} day(s) with both HRV and resting HR: at least 14 are needed "
                   "to personalise, so this is the safe rule-based recommendation (recovery "
                   "thresholds), not the trained coach's")
    missing = [what for what, flag in zip(READINGS.values(), imputed, strict=True) if flag]
    if missing:
        out.append(f"this morning's {', '.join(missing)} missing: your recent values stand in")
    return out
