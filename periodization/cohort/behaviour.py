"""How real people train: the behaviour policy that generates the synthetic cohort.

Each athlete follows a weekly template chosen from a noisy self-assessment of their capacity,
roughly: they skip sessions, sometimes overdo them, may or may not listen to a red recovery,
some follow a 3:1 build/deload cycle, some go to a training camp (a block of hard days with
no listening, the usual road to non-functional overreaching) and some take a break
(detraining). Ill athletes mostly rest. This is what the cohort's recorded actions are, and
what the behaviour-cloning baseline imitates; it is *not* a good plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from periodization.sim.actions import Action

R, AR, AE, TE, HI, ST = (int(a) for a in Action)
# Weekly templates, Monday first, from light to heavy.
TEMPLATES = np.array([
    [R, AE, AR, AE, R, AE, AR],   # easy
    [R, AE, ST, AE, AR, TE, AE],  # moderate with strength
    [R, AE, TE, AE, AR, HI, AE],  # moderate
    [R, AE, HI, AE, AR, HI, AE],  # polarised
    [R, TE, AE, HI, AE, HI, AE],  # hard
    [R, HI, AE, HI, TE, HI, ST],  # very hard
])  # fmt: skip
CAMP = np.array([TE, HI, AE, HI, TE, HI, AE])
UPGRADE = np.array([AR, AE, TE, HI, HI, ST])
DOWNGRADE = np.array([R, R, AR, AE, AE, AR])


@dataclass(frozen=True)
class BehaviourTraits:
    """Per-athlete habits (shape (N,)); days are indices into the recorded period."""

    template: np.ndarray  # int, row of TEMPLATES
    p_skip: np.ndarray
    p_overdo: np.ndarray
    p_listen: np.ndarray  # probability of easing off on a red recovery
    deload_cycle: np.ndarray  # bool, 3 weeks build + 1 week deload
    camp_start: np.ndarray  # int day, −1 = none
    camp_days: np.ndarray
    break_start: np.ndarray  # int day, −1 = none
    break_days: np.ndarray


def sample_traits(optimal_load: np.ndarray, total_days: int, rng: np.random.Generator | Any
                  ) -> BehaviourTraits:
    """Draw habits for athletes whose (unknown to them) optimal load is ``optimal_load``.

    Uses only ``rng.random`` and ``rng.standard_normal`` (athlete axis last), so a
    per-athlete ``KeyedRandom`` works as well as a numpy Generator.
    """
    n = optimal_load.shape[0]
    self_assessed = optimal_load * np.exp(0.3 * rng.standard_normal(n))
    template = np.clip(np.digitize(self_assessed, [40, 52, 64, 80, 100]), 0, len(TEMPLATES) - 1)
    u = rng.random((10, n))
    last_start = max(total_days - 14, 1)
    return BehaviourTraits(
        template=template,
        p_skip=0.03 + 0.17 * u[0],
        p_overdo=0.02 + 0.13 * u[1],
        p_listen=0.1 + 0.8 * u[2],
        deload_cycle=u[3] < 0.4,
        camp_start=np.where(u[4] < 0.45, (u[5] * last_start).astype(np.int64), -1),
        camp_days=14 + (u[6] * 15).astype(np.int64),
        break_start=np.where(u[7] < 0.3, (u[8] * max(total_days - 10, 1)).astype(np.int64), -1),
        break_days=10 + (u[9] * 19).astype(np.int64),
    )


def behaviour_action(traits: BehaviourTraits, *, day: int, weekday: np.ndarray,
                     recovery: np.ndarray, ill: np.ndarray, rng: np.random.Generator
                     ) -> np.ndarray:
    """Today's action for every athlete (int array (N,)). ``recovery`` may hold NaN."""
    n = weekday.shape[0]
    u = rng.random((5, n))
    planned = TEMPLATES[traits.template, weekday]
    in_camp = (traits.camp_start >= 0) & (day >= traits.camp_start) & (
        day < traits.camp_start + traits.camp_days)
    planned = np.where(in_camp, CAMP[weekday], planned)
    deload = traits.deload_cycle & ((day // 7) % 4 == 3) & ~in_camp
    planned = np.where(deload, DOWNGRADE[planned], planned)

    a = np.where(u[0] < traits.p_overdo, UPGRADE[planned], planned)
    a = np.where(u[1] < traits.p_skip, R, a)
    red = np.nan_to_num(recovery, nan=60.0) < 34.0
    listens = red & (u[2] < np.where(in_camp, 0.0, traits.p_listen))
    a = np.where(listens, DOWNGRADE[a], a)
    on_break = (traits.break_start >= 0) & (day >= traits.break_start) & (
        day < traits.break_start + traits.break_days)
    a = np.where(on_break, np.where(u[3] < 0.7, R, AR), a)
    # Ill: most rest, some do active recovery, a few keep to their plan.
    a = np.where(ill & (u[4] < 0.8), R, np.where(ill & (u[4] < 0.95), AR, a))
    return a.astype(np.int64)
