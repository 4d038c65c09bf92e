"""Which of the six actions a recorded day was, from its workouts.

One workout (``workout_action``):

1. An activity name meaning resistance work (``Functional Fitness``, ``Weightlifting``,
   ``Traditional Strength Training``, …) → STRENGTH.
2. With heart-rate zones (``z1..z5``, % of the duration; time below zone 1 is the rest):
   zone 5 holding the largest share or at least ``HIIT_Z5_PCT`` % → HIIT; otherwise a
   session shorter than ``SHORT_MINUTES`` → ACTIVE_RECOVERY; otherwise the largest of
   zones 1 (+ below) → ACTIVE_RECOVERY, zone 2 → AEROBIC_BASE, zones 3–4 → TEMPO (ties go
   to the harder one).
3. Without zones: an interval name (``HIIT``, ``Tabata``, …) → HIIT; an easy-movement name
   (walking, yoga, stretching, …) → ACTIVE_RECOVERY; a recorded intensity (Oura: easy →
   ACTIVE_RECOVERY, moderate → AEROBIC_BASE, hard → TEMPO); an endurance name (running,
   cycling, swimming, …) → AEROBIC_BASE, or ACTIVE_RECOVERY if short; otherwise unknown (−1).

One day (``day_action``): the action of the workout that contributed the most load (among
workouts whose action is known). A day with no workout is REST when its load is known
and at most ``REST_LOAD`` (daily life, no training), and unknown (−1) otherwise.
"""

from __future__ import annotations

import re

import numpy as np

from periodization.sim.actions import Action

UNKNOWN = -1
SHORT_MINUTES = 20.0
HIIT_Z5_PCT = 30.0
REST_LOAD = 15.0  # TSS-like points: ≈ WHOOP day strain 5 of ordinary daily activity

STRENGTH_WORDS = ("strength", "weight", "functional fitness", "crossfit", "powerlifting",
                  "bodybuilding", "kettlebell", "resistance", "core training", "calisthenics")
HIIT_WORDS = ("hiit", "high intensity interval", "interval", "tabata", "sprint")
RECOVERY_WORDS = ("walk", "yoga", "stretch", "mobility", "flexibility", "mind and body",
                  "cooldown", "cool down", "meditation", "pilates", "tai chi", "recovery",
                  "breath")
ENDURANCE_WORDS = ("run", "jog", "cycl", "bik", "ride", "spin", "swim", "rowing", "rower", "ski",
                   "elliptical", "hik", "stair", "triathlon", "paddl", "skat")
INTENSITY_ACTION = {"easy": Action.ACTIVE_RECOVERY, "low": Action.ACTIVE_RECOVERY,
                    "moderate": Action.AEROBIC_BASE, "medium": Action.AEROBIC_BASE,
                    "hard": Action.TEMPO, "high": Action.TEMPO}

_APPLE_PREFIX = re.compile(r"^HKWorkoutActivityType")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def activity_words(name: str) -> str:
    """``'HKWorkoutActivityTypeTraditionalStrengthTraining'`` → ``'traditional strength
    training'``; ``'strengthTraining'`` → ``'strength training'``."""
    text = _CAMEL.sub(" ", _APPLE_PREFIX.sub("", str(name or "")))
    return " ".join(re.sub(r"[_\-/&]+", " ", text.replace("&", " and ")).lower().split())


def _has(words: str, vocabulary: tuple[str, ...]) -> bool:
    return any(v in words for v in vocabulary)


def workout_action(name: str, minutes: float, zones: np.ndarray | None = None,
                   intensity: str = "") -> int:
    """The action one workout counts as (see the module docstring); −1 if unknown."""
    words = activity_words(name)
    if _has(words, STRENGTH_WORDS):
        return int(Action.STRENGTH)
    short = bool(np.isfinite(minutes)) and minutes < SHORT_MINUTES
    if zones is not None and np.isfinite(zones).any():
        z = np.nan_to_num(np.asarray(zones, dtype=np.float64))
        below = max(0.0, 100.0 - float(z.sum()))
        shares = {Action.ACTIVE_RECOVERY: below + z[0], Action.AEROBIC_BASE: z[1],
                  Action.TEMPO: z[2] + z[3]}
        if z[4] >= HIIT_Z5_PCT or z[4] >= max(shares.values()):
            return int(Action.HIIT)
        if short:
            return int(Action.ACTIVE_RECOVERY)
        return int(max(shares, key=lambda a: (shares[a], int(a))))
    if _has(words, HIIT_WORDS):
        return int(Action.HIIT)
    if _has(words, RECOVERY_WORDS):
        return int(Action.ACTIVE_RECOVERY)
    by_intensity = INTENSITY_ACTION.get(str(intensity or "").strip().lower())
    if by_intensity is not None:
        return int(Action.ACTIVE_RECOVERY if short else by_intensity)
    if _has(words, ENDURANCE_WORDS):
        return int(Action.ACTIVE_RECOVERY if short else Action.AEROBIC_BASE)
    return UNKNOWN


def day_action(actions: np.ndarray, loads: np.ndarray, day_load: float) -> int:
    """One day's action from its workouts' actions and loads (empty arrays: no workout)."""
    actions = np.asarray(actions, dtype=np.int64)
    if actions.size == 0:
        return int(Action.REST) if np.isfinite(day_load) and day_load <= REST_LOAD else UNKNOWN
    known = actions >= 0
    if not known.any():
        return UNKNOWN
    loads = np.nan_to_num(np.asarray(loads, dtype=np.float64))[known]
    candidates = actions[known]
    best = np.flatnonzero(loads == loads.max())
    return int(candidates[best].max())  # ties: the harder (higher id) session
