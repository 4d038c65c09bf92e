"""What stands out this morning, in plain words: the drivers shown with a prescription.

Each candidate compares one of today's features with the athlete's own normal and scores
the deviation in units of its usual day-to-day spread (|z|); the ``MAX_DRIVERS`` largest
with |z| ≥ 1 are phrased for a person, largest first. Normal means: HRV against the
previous 7 days (spread: the 28-day SD of ln RMSSD), resting HR, sleep and efficiency
against the last 28 days (spread: the calibrated day-to-day SDs), recovery against the
middle of the yellow zone, TSB against 0, this week's load against the 6-week load, and
counts of hard days, days without rest or without a green recovery against what a
normal week holds. These are the inputs the coach reads; the drivers say which of them
are unusual today, not how the network weighs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from periodization.advice.agreement import overreaching
from periodization.features.daily import FEATURE_NAMES

F = {name: i for i, name in enumerate(FEATURE_NAMES)}
MAX_DRIVERS = 3
ALWAYS = 1e6  # the score of a sentence that must lead: larger than any deviation's
NOTHING = "Your readings are close to your normal: nothing stands out today."


@dataclass(frozen=True)
class Normals:
    """Each athlete's normal values and spreads, shape (N,) each."""

    ln_hrv_7d: np.ndarray  # mean ln RMSSD of the previous 7 days
    ln_hrv_sd: np.ndarray  # 28-day SD of ln RMSSD
    rhr: np.ndarray  # 28-day mean, bpm
    rhr_sd: np.ndarray
    sleep: np.ndarray  # h
    sleep_sd: np.ndarray
    efficiency: np.ndarray  # %
    efficiency_sd: np.ndarray
    days_since_rest: np.ndarray  # int, up to yesterday
    maladaptation: np.ndarray  # calibrated estimate this morning
    ill: np.ndarray  # bool, reported
    # bool: the resting-HR / sleep normal is the athlete's own recent mean, not (with no
    # recent day to average) the calibration's estimate; the sentence says which
    rhr_own: np.ndarray | None = None
    sleep_own: np.ndarray | None = None
    efficiency_own: np.ndarray | None = None


Phrase = Callable[[int], str]


def _own(own: np.ndarray | None, i: int) -> bool:
    return own is None or bool(own[i])


def _whose(own: np.ndarray | None, i: int, yours: str) -> str:
    """``yours`` where the normal is the athlete's own mean, else what it is: the
    calibration's estimate (a single morning, or none recent, has no average of its own)."""
    return yours if _own(own, i) else "what is expected for you"


TOO_LITTLE = "too little history for your own average"


def _why(own: np.ndarray | None, i: int) -> str:
    """``"; "`` + why the normal is an estimate, or nothing when it is the athlete's."""
    return "" if _own(own, i) else f"; {TOO_LITTLE}"


def _signed(x: float, up: str, down: str) -> str:
    return up if x >= 0 else down


def driver_sentences(raw: np.ndarray, normal: Normals) -> list[list[str]]:
    """Per athlete, up to ``MAX_DRIVERS`` sentences (``NOTHING`` if none stands out)."""
    hrv = raw[:, F["hrv_rmssd_ms"]]
    with np.errstate(divide="ignore", invalid="ignore"):
        d_ln = np.log(hrv) - normal.ln_hrv_7d
        acwr = np.where(raw[:, F["ctl"]] > 5.0, raw[:, F["atl"]] / raw[:, F["ctl"]], 1.0)
    d_rhr = raw[:, F["resting_hr"]] - normal.rhr
    d_sleep = raw[:, F["sleep_hours"]] - normal.sleep
    d_eff = raw[:, F["sleep_efficiency"]] - normal.efficiency
    rec, tsb = raw[:, F["recovery"]], raw[:, F["tsb"]]
    z7, trend = raw[:, F["hrv_z7"]], raw[:, F["hrv_trend"]]
    hard = raw[:, F["consecutive_hard_days"]]
    no_green = raw[:, F["days_since_high_recovery"]]

    def zone(r: float) -> str:
        return "red" if r <= 33 else ("green" if r >= 67 else "yellow")

    def tsb_words(t: float) -> str:
        if t < -10:
            return "carrying fatigue"
        return "fresh" if t > 10 else "balanced"

    candidates: list[tuple[np.ndarray, Phrase]] = [
        # Always shown, first: these two change what may be prescribed today.
        (np.where(normal.ill, ALWAYS + 1.0, 0.0),
         lambda i: "You reported being ill or injured: only rest or easy movement today."),
        (np.where(overreaching(normal.maladaptation), ALWAYS, 0.0),
         lambda i: "Your HRV and resting HR over recent weeks suggest non-functional "
                   "overreaching: back off until they return to normal."),
        (d_ln / normal.ln_hrv_sd,
         lambda i: f"HRV {100 * abs(np.expm1(d_ln[i])):.0f} % "
                   f"{_signed(d_ln[i], 'above', 'below')} your 7-day baseline "
                   f"({hrv[i]:.0f} ms vs {np.exp(normal.ln_hrv_7d[i]):.0f} ms)."),
        (z7 / 1.5,
         lambda i: f"Your 7-day HRV average is {abs(z7[i]):.1f} SD "
                   f"{_signed(z7[i], 'above', 'below')} your 4-week norm."),
        (trend / 2.0,
         lambda i: f"HRV {_signed(trend[i], 'rising', 'falling')} about "
                   f"{abs(trend[i]):.1f} % a day over the last week."),
        (d_rhr / normal.rhr_sd,
         lambda i: f"Resting HR {abs(d_rhr[i]):.0f} bpm {_signed(d_rhr[i], 'above', 'below')} "
                   f"{_whose(normal.rhr_own, i, 'your 4-week average')} "
                   f"({raw[i, F['resting_hr']]:.0f} vs {normal.rhr[i]:.0f} bpm"
                   f"{_why(normal.rhr_own, i)})."),
        (d_sleep / normal.sleep_sd,
         lambda i: f"Slept {raw[i, F['sleep_hours']]:.1f} h, {abs(d_sleep[i]):.1f} h "
                   f"{_signed(d_sleep[i], 'more', 'less')} than "
                   f"{_whose(normal.sleep_own, i, 'your usual')} ({normal.sleep[i]:.1f} h"
                   f"{_why(normal.sleep_own, i)})."),
        (d_eff / normal.efficiency_sd,
         lambda i: f"Sleep efficiency {raw[i, F['sleep_efficiency']]:.0f} %, "
                   f"{abs(d_eff[i]):.0f} points {_signed(d_eff[i], 'above', 'below')} "
                   f"{_whose(normal.efficiency_own, i, 'your usual')}"
                   f"{'' if _own(normal.efficiency_own, i) else f' ({TOO_LITTLE})'}."),
        ((rec - 50.0) / 17.0,
         lambda i: f"Recovery {rec[i]:.0f} ({zone(rec[i])})."),
        (tsb / 12.0,
         lambda i: f"TSB {tsb[i]:+.0f}: {tsb_words(tsb[i])}."),
        ((acwr - 1.0) / 0.3,
         lambda i: f"This week's training load is {acwr[i]:.1f}× your 6-week average."),
        (np.maximum(hard - 1.0, 0.0),
         lambda i: f"{hard[i]:.0f} hard days in a row."),
        (np.maximum(normal.days_since_rest - 3.0, 0.0),
         lambda i: f"{normal.days_since_rest[i]:.0f} days since your last rest day."),
        (np.maximum(no_green - 3.0, 0.0) / 2.0,
         lambda i: f"No green recovery for {no_green[i]:.0f} days."),
    ]
    scores = np.abs(np.nan_to_num(np.stack([c[0] for c in candidates], axis=1)))
    order = np.argsort(-scores, axis=1, kind="stable")[:, :MAX_DRIVERS]
    out = []
    for i in range(len(raw)):
        picked = [candidates[k][1](i) for k in order[i] if scores[i, k] >= 1.0]
        out.append(picked or [NOTHING])
    return out
