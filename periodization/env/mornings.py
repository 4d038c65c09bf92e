"""What a decision reads on a simulated morning: the model's day (``sim.day``) composed with
the one feature implementation and the safety rules.

``see`` is steps 1–2 of the day's order (``sim.day``): the morning's readings become the
17 raw features, the rules' context and, with a ``SafetyConfig``, the rules that fire and
the mask. ``record`` is step 5: the day just lived (the next morning's ``last_load`` and
``last_action``) enters the feature history with the population's ATL/CTL decays. The
environment's ``World``, the plan simulator (``advice.plan``) and the prior starts'
burn-in all use these two, so their mornings are computed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.env import constraints as C
from periodization.features import daily as F
from periodization.sim.batch import build
from periodization.sim.day import Morning
from periodization.sim.params import Population
from periodization.sim.state import AthleteState


@dataclass(frozen=True)
class Seen:
    """What ``see`` made of a morning (arrays over N athletes)."""

    features: F.FeatureState  # the history after this morning
    raw: np.ndarray  # (N, 17) raw features
    context: F.MorningContext  # what the rules and the reward read
    fired: np.ndarray | None  # (N, 5) rules firing; None without a SafetyConfig
    mask: np.ndarray | None  # (N, 6) True = allowed; None without a SafetyConfig


def see(features: F.FeatureState, morning: Morning, *, safety: C.SafetyConfig | None
        ) -> Seen:
    """The morning's features and, with ``safety``, its rules (the athlete reports illness:
    the rules read the state's ill days)."""
    fstate, raw, ctx = F.morning(features, morning.obs.readings)
    fired = mask = None
    if safety is not None:
        fired, mask = C.rules_for_morning(ctx, ill=morning.state.ill_days, config=safety)
    return build(Seen, features=fstate, raw=raw, context=ctx, fired=fired, mask=mask)


def record(features: F.FeatureState, state: AthleteState, *, pop: Population
           ) -> F.FeatureState:
    """The day that led to the morning ``state`` folded into the feature history."""
    return F.record_day(features, state.last_load, state.last_action, pop=pop)
