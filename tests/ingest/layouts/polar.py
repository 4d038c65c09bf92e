"""The Polar Flow account export: ``account-data-*.json``, one
``training-session-*.json`` per session (``exercises`` with UTC ``startTime`` and a
``timezoneOffset``), and the Nightly Recharge and sleep results as JSON lists
(``nightly_recovery_*.json``, ``sleep_result_*.json``). ``night_is_evening``: the
vintage that names a night by the date it began on."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

from .truth import at, wake_hour

SPORT = {"Running": "RUNNING", "Cycling": "CYCLING", "HIIT": "HIIT", "Walking": "WALKING",
         "Weightlifting": "STRENGTH_TRAINING"}


def iso(minutes: float) -> str:
    h, m = divmod(minutes, 60)
    return f"PT{int(h)}H{int(m)}M{round((m % 1) * 60)}S"


def write_flow(folder: Path, truth: pd.DataFrame, *, offset_min: int = 60,
               night_is_evening: bool = False, upper_case_keys: bool = False) -> Path:
    """The account export; ``upper_case_keys`` spells Nightly Recharge's keys ``…RMSSD`` /
    ``…RRI`` as Polar's data classes do (the export itself writes ``…Rmssd`` / ``…Rri``)."""
    rmssd, rri = ("RMSSD", "RRI") if upper_case_keys else ("Rmssd", "Rri")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "account-data-ann.json").write_text(json.dumps({"username": "ann@example.org"}))
    recovery, sleep = [], []
    for i, r in enumerate(truth.itertuples()):
        start, end = at(r.date, r.onset - 24), at(r.date, wake_hour(r))
        night = (r.date - timedelta(days=1)) if night_is_evening else r.date
        recovery.append({"night": night.isoformat(), f"meanNightlyRecovery{rmssd}": r.hrv,
                         f"meanNightlyRecovery{rri}": round(60000 / r.rhr, 1),
                         f"meanBaseline{rmssd}": 60, f"sdBaseline{rmssd}": 8,
                         "ansStatus": round(r.recovery / 5 - 10, 2),
                         "recoveryIndicator": round(r.recovery / 20) + 1})
        span = (end - start).total_seconds() / 60
        sleep.append({"night": night.isoformat(), "evaluation": {
            "sleepSpan": iso(span), "asleepDuration": iso(r.sleep_h * 60),
            "analysis": {"efficiencyPercent": int(r.eff), "continuityIndex": 3.4},
            "interruptions": {"totalCount": 12}},
            "sleepResult": {"hypnogram": {"sleepStart": start.isoformat() + ".000",
                                          "sleepEnd": end.isoformat() + ".000"}}})
        w = r.workout
        if w is not None:
            ws = at(r.date, w.start_hour) - timedelta(minutes=offset_min)
            zones = [{"lowerLimit": 100 + 15 * k, "higherLimit": 115 + 15 * k,
                      "inZone": iso(w.minutes * z / 100)} for k, z in enumerate(w.zones)]
            doc = {"exercises": [{"startTime": ws.isoformat() + ".000",
                                  "stopTime": (ws + timedelta(minutes=w.minutes)).isoformat()
                                  + ".000", "timezoneOffset": offset_min,
                                  "duration": iso(w.minutes), "kiloCalories": 500,
                                  "sport": SPORT[w.name], "heartRate": {"avg": 140, "max": 175},
                                  "zones": {"heart_rate": zones}}]}
            (folder / f"training-session-{r.date.isoformat()}-{i}.json").write_text(json.dumps(doc))
    (folder / "nightly_recovery_ann.json").write_text(json.dumps(recovery))
    (folder / "sleep_result_ann.json").write_text(json.dumps(sleep))
    return folder
