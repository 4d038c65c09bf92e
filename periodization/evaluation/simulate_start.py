"""The athletes ``periodize simulate`` starts from: fresh draws from a prior, lived in.

Athlete i of seed S is the same whatever the batch size: its parameters and its burn-in
come from its own counter-based stream (``KeyedRandom.for_athletes(n, S, stream=0)``), and
the plan period uses two further streams of its own, one for the dynamics (compliance
noise, illness) and one for the wearable's readings (streams 1 and 2). So every plan run
from the same ``Athletes`` meets the same athletes and the same noise, and whether the
readings are looked at or not never changes what happens to the athlete.

Lived in: each athlete starts in the steady state of its habitual load
(``dynamics.initial``) and then lives ``burn_in_days`` (default 56, whole weeks) of its
ordinary training under the behaviour policy (``env.starts.burn_in``: its own weekly
template, skipped and overdone sessions, easing off on red recovery, resting when ill; no
camp, no break). The burn-in starts on a Monday, so the plan's day 0 is a Monday (model
day 0; the simulated calendar's epoch is Monday 1970-01-05). The burn-in's last 28 days
define the athlete's *usual* training: ``usual_load`` (mean realised load, TSS/day) and
``usual_weekly_minutes`` (7 × mean daily minutes at each session's typical length).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from periodization.env.starts import burn_in
from periodization.features.daily import FeatureState
from periodization.sim import dynamics
from periodization.sim.batch import take
from periodization.sim.noise import KeyedRandom, NoNoise
from periodization.sim.params import AthleteParams
from periodization.sim.prior import Prior, load_prior
from periodization.sim.state import AthleteState

BURN_IN_DAYS = 56
USUAL_WINDOW_DAYS = 28
DYNAMICS_STREAM, OBSERVATION_STREAM = 1, 2


@dataclass(frozen=True)
class Athletes:
    """N lived-in athletes on the plan's first morning, and their noise streams."""

    params: AthleteParams
    state: AthleteState  # true state on the first morning (model day 0, a Monday)
    features: FeatureState  # feature history before the first morning
    usual_load: np.ndarray  # (N,) TSS/day over the burn-in's last 28 days
    usual_weekly_minutes: np.ndarray  # (N,) minutes/week over the same days
    start_test_performance: np.ndarray  # (N,) test performance on the first morning
    dynamics_keys: np.ndarray  # (N,) uint64, the plan period's dynamics stream
    observation_keys: np.ndarray  # (N,) uint64, the plan period's wearable stream
    noisy: bool  # False: the expected world (no compliance noise, illness or reading noise)

    @property
    def n(self) -> int:
        return int(self.usual_load.shape[0])

    def take(self, index: np.ndarray) -> Athletes:
        """Athletes ``index`` (int array; repeats allowed: copies share their noise)."""
        return Athletes(
            params=take(self.params, index), state=take(self.state, index),
            features=take(self.features, index), usual_load=self.usual_load[index],
            usual_weekly_minutes=self.usual_weekly_minutes[index],
            start_test_performance=self.start_test_performance[index],
            dynamics_keys=self.dynamics_keys[index],
            observation_keys=self.observation_keys[index], noisy=self.noisy)

    def streams(self) -> tuple[KeyedRandom | NoNoise, KeyedRandom | NoNoise]:
        """Fresh (dynamics, observation) streams at their first counter."""
        if not self.noisy:
            return NoNoise(), NoNoise()
        return KeyedRandom(self.dynamics_keys), KeyedRandom(self.observation_keys)


def lived_in(athletes: int | None = None, *, seed: int = 0,
             prior: Prior | str | Path | None = None, params: AthleteParams | None = None,
             burn_in_days: int = BURN_IN_DAYS, noise: bool = True) -> Athletes:
    """``athletes`` fresh athletes of ``prior`` (default: the packaged one), or the given
    ``params`` (e.g. ``Prior.typical(n)``), after their burn-in. ``noise=False`` gives the
    expected world throughout (burn-in and plan)."""
    if burn_in_days < USUAL_WINDOW_DAYS or burn_in_days % 7:
        raise ValueError(f"burn_in_days must be whole weeks, at least {USUAL_WINDOW_DAYS}, "
                         f"got {burn_in_days}")
    if params is None:
        if athletes is None:
            raise ValueError("give the number of athletes or their params")
        loaded = prior if isinstance(prior, Prior) else load_prior(prior)
        n = int(athletes)
        base = KeyedRandom.for_athletes(n, seed, stream=0)
        params = loaded.sample(n, base)  # raises PriorError for n < 1
    else:
        n = params.n
        base = KeyedRandom.for_athletes(n, seed, stream=0)
    rng: KeyedRandom | NoNoise = base if noise else NoNoise()
    start = dynamics.initial(params, day=-burn_in_days)
    lived = burn_in(params, start, rng, days=burn_in_days)  # type: ignore[arg-type]
    window = slice(burn_in_days - USUAL_WINDOW_DAYS, burn_in_days)
    return Athletes(
        params=params, state=lived.state, features=lived.features,
        usual_load=lived.loads[window].mean(axis=0),
        usual_weekly_minutes=7.0 * np.take_along_axis(
            params.session_minutes.T, lived.actions[window], axis=0).mean(axis=0),
        start_test_performance=dynamics.test_performance(lived.state, params),
        dynamics_keys=KeyedRandom.for_athletes(n, seed, stream=DYNAMICS_STREAM).keys,
        observation_keys=KeyedRandom.for_athletes(n, seed, stream=OBSERVATION_STREAM).keys,
        noisy=noise)
