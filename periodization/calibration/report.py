"""One athlete's calibration as plain JSON-able values: estimates with their uncertainty,
what came from the prior, and the hidden state on the last morning."""

from __future__ import annotations

import math

import numpy as np

from periodization.calibration.calibrate import ESTIMATED, FROM_PRIOR, Calibration
from periodization.calibration.stress import mixed
from periodization.sim import dynamics
from periodization.sim.batch import take

UNITS = {
    "tau_fatigue_days": "days", "optimal_load": "TSS/day",
    "hrv_baseline_ms": "ms (rested RMSSD)", "hrv_acute_sensitivity": "× population",
    "hrv_fatigue_sensitivity": "ln RMSSD per unit fatigue ratio",
    "hrv_noise_log": "ln RMSSD (day-to-day SD)", "rhr_baseline_bpm": "bpm (rested)",
    "rhr_noise_bpm": "bpm (day-to-day SD)", "sleep_baseline_hours": "h",
    "sleep_noise_hours": "h (day-to-day SD)", "sleep_efficiency_baseline": "%",
    "sleep_efficiency_noise": "% (day-to-day SD)", "session_scale": "× population",
    "habitual_load_ratio": "× optimal load", "life_load": "TSS/day",
}  # fmt: skip


def _number(x: float, digits: int = 4) -> float | None:
    return None if not math.isfinite(float(x)) else round(float(x), digits)


def calibration_report(cal: Calibration, i: int = 0) -> dict:
    """Athlete ``i`` of ``cal`` (see ``docs/calibration.md`` for what each entry means)."""
    estimated = {}
    for key in ESTIMATED:
        entry = {"value": _number(getattr(cal.params, key)[i]),
                 "se": _number(cal.se[key][i]), "unit": UNITS[key]}
        if key in cal.interval:
            lo, hi = cal.interval[key]
            entry["interval90"] = [_number(lo[i]), _number(hi[i])]
        estimated[key] = entry
    one, params = take(cal.state, [i]), take(cal.params, [i])
    evidence = cal.maladaptation_evidence[i]
    return {
        "calibrated": bool(cal.calibrated[i]),
        "days": int(cal.history.length[i]),
        "mornings_used": {"hrv": int(cal.used[i, 0]), "resting_hr": int(cal.used[i, 1])},
        "mornings_left_out_as_ill_or_outlying": int(cal.left_out[
            cal.history.start[i]:cal.history.start[i] + cal.history.length[i]].sum()),
        "estimated": estimated,
        "from_prior": {k: _number(getattr(cal.params, k)[i]) for k in FROM_PRIOR},
        "state": {
            "fatigue_ratio": _number(dynamics.fatigue_ratio(one, params)[0], 3),
            "strain_ratio": _number(dynamics.strain_ratio(one, params)[0], 3),
            "maladaptation": _number(one.maladaptation[0], 3),
            "maladaptation_evidence": [_number(evidence[0], 3), _number(evidence[1], 3)],
            "performance_index": _number(dynamics.performance(one, params)[0], 2),
            "base_fitness_points": _number(one.base[0], 2),
            "intensity_fitness_points": _number(one.intensity[0], 2),
            "hard_sessions_per_week": _number(one.hard_load[0], 2),
            "life_stress_sd": _number(mixed(np.array([[one.stress_slow[0], one.stress_fast[0]]]),
                                            params.pop)[0], 2),
            "model_atl": _number(one.atl[0], 1), "model_ctl": _number(one.ctl[0], 1),
        },
    }
