"""Reward: the seed's v2 (default) and v1, and an outcome-aligned variant; all components
are returned separately so they can be logged.

Components of a step on day t (action a, realised next morning t+1):

* ``short``: next-morning HRV against the personal baseline,
  100·(ln RMSSD_{t+1} − 28-day mean ln RMSSD), in %;
* ``medium``: CTL growth over 14 days if today's session were repeated daily (TSS/day);
* ``long``: performance change over 30 days if today's session were repeated daily,
  maladaptation included (% of today's performance);
* ``recovery_bonus``: +2 if next-morning recovery ≥ 70, +1 if ≥ 50;
* ``penalty``: the soft safety penalty (``constraints.soft_penalty``);
* ``gain``: today's change in test performance (``dynamics.test_performance``: after a
  standard 7-day rest), % of the block's starting test performance; its sum over a block
  is the block outcome;
* ``shaped_gain``: the same with a 21-day rest (``shaping_taper_days``): a session's
  fitness counts when it is done rather than when its fatigue has gone;
* ``days_lost``: the days an illness or injury starting that day is expected to cost, the
  day's onset probabilities × the episodes' mean lengths (``sim.kernels.expected_days_lost``,
  the oracle's own price of risk), 0 on days already ill or injured.

Versions:

* ``v2`` (default, the seed's "improved"): base + w_s·short + w_m·medium + w_l·long
  + recovery_bonus − w_p·penalty, weights 0.5 / 0.3 / 0.2 / 0.3, base 6.
* ``v1`` (the seed's "original"): 0.2·short/10 + 0.3·medium/5 + 0.5·long/10 − penalty.
* ``outcome``: gain − w_p·penalty − w_lost·days_lost. Undiscounted (and w_lost = 0), it
  sums exactly to the block's outcome, the figure of merit every policy is judged by.
* ``shaped``: shaped_gain − w_p·penalty − w_lost·days_lost (the reward the project trains
  with, w_p = 0:
  ``TRAINING_REWARD``; ``reward="shaped"`` gives it). With the 7-day test, a hard session first
  *lowers* the reward (its fatigue outlasts a week) and pays back over the next weeks, a
  credit assignment masked SAC did not solve in 300 episodes; the 21-day test pays the
  fitness when it is earned, and maladaptation, illness and unrecovered fatigue still cost.
  Training on it gave a far better block outcome (docs/training.md).

  What the shaping preserves and what it does not. Write Ω(s) and Φ(s) for the 7- and
  21-day test performance in % of the block's starting 7-day test, and Ψ = Φ − Ω. Then
  gain = Ω(s') − Ω(s) and shaped_gain = Φ(s') − Φ(s) = gain + Ψ(s') − Ψ(s): the outcome
  plus an *undiscounted* potential difference, which over a block telescopes to
  Φ(s_T) − Φ(s_0), the change in 21-day test performance. It is not the policy-invariant
  shaping of Ng et al. (1999), F = γΨ(s') − Ψ(s):

  - with γ = 0.99, Ψ(s') − Ψ(s) = [γΨ(s') − Ψ(s)] + (1 − γ)Ψ(s'); the second term is a
    reward for the state itself. Ψ is negative (three more weeks of rest lose more
    fitness than they clear fatigue) and most negative for a fit, fresh athlete, so the
    term charges fitness;
  - the block is truncated at 90 days with Ψ(s_T) ≠ 0, so even undiscounted a block's
    shaped return is its outcome + Ψ(s_T) − Ψ(s_0): ranking policies by it ranks them by
    the 21-day test, which favours ending a block less fit;
  - SAC bootstraps through the truncation and sees no day counter, so it optimises the
    discounted return of the shaped reward, bias included. Magnitudes (40 test blocks
    each of rest, rule, hrv and the oracle, default cohort): Ψ averages −2.1 … −3.4 %
    per day, Ψ(s_T) −0.6 … −4.6 %; the (1 − γ)Ψ term sums, discounted, to −1.4 … −2.0
    points a block against discounted shaped returns of −9.3 … +3.9.

  The outcome every policy is judged by stays the 7-day test; ``shaped`` is the training
  default because it learns, not because its optimum is guaranteed to be the outcome's.

``w_days_lost`` (points of the outcome's % per expected day lost; default 0) prices risk
where it is taken. An injury costs the outcome through the training it forbids, weeks
after the load spike or the missed strength work that made it likely, and only on the
blocks where it happens; the expected days lost of each day are that cost's conditional
mean, known the same day and without the noise of the onset (a Rao-Blackwellised signal,
the trade the oracle's plans price with ``illness_cost``).

``w_violation`` (default 0) is paid on every step whose chosen action was masked, so an
agent that ignores the mask sees its violations in the reward (``strict=True`` raises
instead). The components are computed in ``env/kernels.py``. Medium and long come from the model's
own projection of the action (``sim/projection.py``): "pre-computed future metrics"
done honestly, since they depend on the action taken.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

import numpy as np
from pydantic.dataclasses import dataclass

from periodization.core.validation import SCHEMA, Count, Real, StrictBool
from periodization.sim.records import config_record

COMPONENTS = ("base", "short", "medium", "long", "recovery_bonus", "penalty", "gain",
              "shaped_gain", "days_lost")
VERSIONS = ("v2", "v1", "outcome", "shaped")  # order = the kernel's version code


WEIGHT = Real(-1000.0, 1000.0)  # any finite weight or constant of a sane size


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class RewardConfig:
    """Reward version and weights; weights finite in [−1000, 1000], horizons 1–365 days
    (each step projects ``long_days`` ahead, so the horizon bounds a step's work)."""

    version: Literal["v2", "v1", "outcome", "shaped"] = "shaped"
    base: WEIGHT = 6.0  # v2 constant per step
    w_short: WEIGHT = 0.5
    w_medium: WEIGHT = 0.3
    w_long: WEIGHT = 0.2
    w_penalty: WEIGHT = 0.0  # soft penalties (logged always; the seed's v2 pays 0.3)
    recovery_bonus: StrictBool = True  # v2
    bonus_high: WEIGHT = 2.0  # at recovery ≥ 70
    bonus_mid: WEIGHT = 1.0  # at recovery ≥ 50
    medium_days: Count(1, 365) = 14
    long_days: Count(1, 365) = 30
    shaping_taper_days: Count(1, 365) = 21  # rest days of the potential behind ``shaped_gain``
    w_violation: Real(0.0, 1000.0) = 0.0  # paid per masked action chosen (done as REST)
    w_days_lost: Real(0.0, 1000.0) = 0.0  # outcome and shaped: paid per expected day lost

    @property
    def version_code(self) -> int:
        """The version's index in ``VERSIONS`` (the kernel's V2, V1, OUTCOME, SHAPED)."""
        return VERSIONS.index(self.version)

    @property
    def pays_projection(self) -> bool:
        """Whether the reward pays the medium and long terms (CTL and performance projected
        ``medium_days``/``long_days`` ahead): the seed's v1 and v2 do; ``outcome`` and
        ``shaped`` only log them. Projecting 30 days costs most of a step."""
        return self.version in ("v1", "v2")


    @cached_property
    def packed(self) -> np.ndarray:
        """The named record ``env/kernels.py`` reads (weights and switches by name)."""
        return config_record(self, ("version_code", "base", "w_short", "w_medium", "w_long",
                                    "w_penalty", "recovery_bonus", "bonus_high", "bonus_mid",
                                    "w_days_lost"))


# The reward the project trains with (``periodization/configs/sac.yaml``): shaped, soft
# penalties logged but not paid.
TRAINING_REWARD = RewardConfig()

# The environment's default reward: since ``Periodization-v1`` (World v2) the reward the
# project trains with. The seed's v2 (a constant 6 a day plus HRV, CTL-growth and recovery
# bonuses) trains agents that leave the athlete worse off; it stays available as "v2".
DEFAULT_REWARD = TRAINING_REWARD

# Names accepted wherever a reward is given as a string (``reward="shaped"``): a version
# name gives that version with the weights the project uses for it.
PRESETS = {
    "v2": RewardConfig(version="v2", w_penalty=0.3),  # the seed's
    "v1": RewardConfig(version="v1"),
    "outcome": RewardConfig(version="outcome"),
    "shaped": TRAINING_REWARD,
    "training": TRAINING_REWARD,
    "default": DEFAULT_REWARD,
}


def reward_preset(name: str) -> RewardConfig:
    """The reward of a preset name (``PRESETS``); ``ValueError`` naming them otherwise."""
    if name not in PRESETS:
        raise ValueError(f"reward must be one of {', '.join(PRESETS)}, got {name!r}")
    return PRESETS[name]
