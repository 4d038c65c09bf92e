"""``periodize simulate``'s engine: play a plan on lived-in athletes of the simulated world.

A plan is, per athlete, a cycle of P days (actions, minutes, load multipliers; P ≤ the days
simulated) repeated to fill the days, or a ``decide`` function that picks each day's
session from that morning's wearable readings (a closed loop). Each day:

1. (readings and features, only if recorded or a ``decide`` needs them) the morning's
   wearable readings (``dynamics.observe``) and the features (``features.daily``, 31);
2. the planned session, or ``decide``'s choice;
3. the environment's ill rule (``env.constraints``, rule ``ill``): an ill or injured athlete
   may only rest or do active recovery, any other session becomes REST, as in the env;
4. the session and the night (``session_model.step``), then the day's tallies.

Outcome (the project's figure of merit): the change of test performance
(``dynamics.test_performance``: performance after a standard 7-day rest) from the first
morning to the morning after the last day, % of the first. Last morning: the *raw*
performance (``dynamics.performance``: this morning, fatigue, maladaptation and illness
included) on that same morning after the last day, against the first morning's test
performance, %. Day tallies count the mornings after each plan day (mornings 1…D), as the
environment does.

Determinism: the same ``Athletes`` give the same noise to every plan, and a day's figures
depend only on the plan's days up to it (counter-based streams, see ``simulate_start``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from periodization.env import constraints as C
from periodization.evaluation import session_model as SM
from periodization.evaluation.simulate_start import Athletes
from periodization.features import daily as F
from periodization.sim import dynamics
from periodization.sim.actions import N_ACTIONS, Action
from periodization.sim.state import HIDDEN_FIELDS, Observation

ILL_RULE_ONLY = C.SafetyConfig(low_recovery=False, hrv_crash=False, consecutive_hard=False,
                               no_recent_rest=False, ill=True)
HARD = np.zeros(N_ACTIONS, dtype=bool)
HARD[[Action.TEMPO, Action.HIIT]] = True  # "hard sessions": tempo and HIIT


@dataclass(frozen=True)
class Morning:
    """What a ``decide`` function sees on plan day ``day`` (arrays of shape (N,))."""

    day: int  # plan day, 0 = the first morning (a Monday)
    observation: Observation  # this morning's wearable readings
    context: F.MorningContext  # ln RMSSD and its 28-day baseline mean and SD, etc.
    features: np.ndarray  # (N, 31) raw features, ``features.daily.FEATURE_NAMES`` order
    planned_action: np.ndarray  # int64, the plan's session for today
    planned_minutes: np.ndarray
    ill: np.ndarray  # bool: ill or injured this morning (the athlete knows)


Decide = Callable[[Morning], "tuple[np.ndarray, np.ndarray | None]"]


@dataclass(frozen=True)
class Record:
    """Day-by-day figures. ``morning[k]`` is (D+1, N): mornings 0…D; ``day[k]`` is (D, N)."""

    morning: dict[str, np.ndarray]
    day: dict[str, np.ndarray]


@dataclass(frozen=True)
class Outcome:
    """Per-athlete results of one plan (arrays (N,))."""

    days: int
    start_test: np.ndarray  # test performance on the first morning (index points)
    end_test: np.ndarray  # test performance on the morning after the last day
    end_performance: np.ndarray  # raw performance on that morning
    overreached_days: np.ndarray  # mornings with maladaptation > the overreached threshold
    ill_days: np.ndarray  # mornings ill
    injured_days: np.ndarray  # mornings injured
    ill_episodes: np.ndarray  # onsets of illness
    injury_episodes: np.ndarray  # onsets of injury
    hard_sessions: np.ndarray  # tempo and HIIT sessions carried out
    record: Record | None

    @property
    def outcome_pct(self) -> np.ndarray:
        return 100.0 * (self.end_test - self.start_test) / self.start_test

    @property
    def last_morning_pct(self) -> np.ndarray:
        return 100.0 * (self.end_performance - self.start_test) / self.start_test


def _plan_array(value: np.ndarray, n: int, name: str, dtype: type, period: int | None = None
                ) -> np.ndarray:
    """A plan cycle, (P,) shared by all athletes or (N, P), as an (1 or N, P) array."""
    arr = np.asarray(value, dtype=dtype)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] not in (1, n) or arr.shape[1] < 1:
        raise ValueError(f"{name}: expected shape (P,) or ({n}, P), got {np.shape(value)}")
    if period is not None and arr.shape[1] != period:
        raise ValueError(f"{name}: {arr.shape[1]} days per cycle, the actions have {period}")
    return arr


def _scale_array(value: np.ndarray | float, n: int, period: int) -> np.ndarray:
    """A load multiplier: scalar, (N,) per athlete, or (N, P) per athlete and day."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.shape == (n,):
        return arr[:, None]
    if arr.ndim == 2 and arr.shape[0] in (1, n) and arr.shape[1] in (1, period):
        return arr
    raise ValueError(f"load_scale: expected a scalar, ({n},) or ({n}, {period}), "
                     f"got {arr.shape}")


def _column(arr: np.ndarray | None, d: int, n: int) -> np.ndarray | None:
    if arr is None:
        return None
    col = arr[:, d % arr.shape[1]]
    return np.broadcast_to(col, (n,)) if col.shape[0] != n else col


def run(athletes: Athletes, actions: np.ndarray, *, minutes: np.ndarray | None = None,
        load_scale: np.ndarray | float | None = None, days: int | None = None,
        decide: Decide | None = None, record: bool = False) -> Outcome:
    """Play a plan on ``athletes``: ``actions`` (P,) or (N, P) int ids cycled over ``days``
    (default P); ``minutes`` the same shape (None or NaN = each athlete's usual minutes);
    ``load_scale`` a multiplier of each session's load (scalar, (N,) or (N, P)).
    ``decide(morning)`` returns (actions (N,), minutes (N,) or None) to override the plan
    day by day; minutes None keeps the planned minutes where the action is the planned one,
    the athlete's usual ones elsewhere.
    ``record`` keeps the day-by-day figures (``Outcome.record``)."""
    n = athletes.n
    plan = _plan_array(actions, n, "actions", np.int64)
    period = plan.shape[1]
    if plan.min() < 0 or plan.max() >= N_ACTIONS:
        raise ValueError(f"actions must be ids 0–{N_ACTIONS - 1}")
    mins = None if minutes is None else _plan_array(minutes, n, "minutes", np.float64, period)
    scale = None if load_scale is None else _scale_array(load_scale, n, period)
    days = period if days is None else int(days)
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")

    params, state, fstate = athletes.params, athletes.state, athletes.features
    dyn_rng, obs_rng = athletes.streams()
    threshold = params.pop.overreached_threshold
    observe = record or decide is not None
    tallies = {k: np.zeros(n, dtype=np.int64) for k in (
        "overreached_days", "ill_days", "injured_days", "ill_episodes", "injury_episodes",
        "hard_sessions")}
    rec = _Recorder(n, days) if record else None
    for d in range(days):
        planned = _column(plan, d, n)
        planned_min = _column(mins, d, n)
        if planned_min is None:
            planned_min = SM.session_minutes(params, planned)
        elif np.isnan(planned_min).any():  # NaN: the athlete's usual minutes of it
            planned_min = np.where(np.isnan(planned_min), SM.session_minutes(params, planned),
                                   planned_min)
        sick = SM.ill_days(state) + SM.injured_days(state)
        obs = dynamics.observe(state, params, obs_rng) if observe else None
        if decide is not None:
            assert obs is not None
            fstate, raw, ctx = F.morning(fstate, obs.readings)
            chosen, chosen_min = decide(Morning(
                day=d, observation=obs, context=ctx, features=raw, planned_action=planned,
                planned_minutes=planned_min, ill=sick > 0))
            a = _check_actions(chosen, n)
            m = (np.where(a == planned, planned_min, SM.session_minutes(params, a))
                 if chosen_min is None else np.asarray(chosen_min, dtype=float).reshape(n))
        else:
            a, m = planned, planned_min
        _, mask = C.rules_and_mask(
            recovery=np.full(n, 100.0), ln_hrv=np.zeros(n), hrv_baseline_mean=np.zeros(n),
            hrv_baseline_sd=np.ones(n), consecutive_hard=np.zeros(n, dtype=np.int64),
            days_since_rest=np.zeros(n, dtype=np.int64), ill=sick, config=ILL_RULE_ONLY)
        a = np.where(mask[np.arange(n), a], a, int(Action.REST))
        if rec is not None:
            rec.morning(d, state, params, obs)
        ls = _column(scale, d, n)
        before_ill, before_injured = SM.ill_days(state), SM.injured_days(state)
        state = SM.step(state, a, params, dyn_rng, minutes=m, load_scale=ls)
        if decide is not None:
            fstate = F.record_day(fstate, state.last_load, a, pop=params.pop)
        ill_now, injured_now = SM.ill_days(state), SM.injured_days(state)
        tallies["overreached_days"] += state.maladaptation > threshold
        tallies["ill_days"] += ill_now > 0
        tallies["injured_days"] += injured_now > 0
        tallies["ill_episodes"] += (before_ill == 0) & (ill_now > 0)
        tallies["injury_episodes"] += (before_injured == 0) & (injured_now > 0)
        tallies["hard_sessions"] += HARD[a]
        if rec is not None:
            rec.day(d, planned_action=planned, action=a, minutes=np.where(a == Action.REST, 0.0, m),
                    load=state.last_load)
    if rec is not None:
        rec.morning(days, state, params,
                    dynamics.observe(state, params, obs_rng) if observe else None)
    return Outcome(days=days, start_test=athletes.start_test_performance,
                   end_test=dynamics.test_performance(state, params),
                   end_performance=dynamics.performance(state, params),
                   record=None if rec is None else rec.result(), **tallies)


def _check_actions(chosen: object, n: int) -> np.ndarray:
    a = np.asarray(chosen)
    if a.shape != (n,) or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"decide must return {n} integer action ids, got {a.dtype} {a.shape}")
    if a.min() < 0 or a.max() >= N_ACTIONS:
        raise ValueError(f"decide returned an action outside 0–{N_ACTIONS - 1}")
    return a.astype(np.int64)


class _Recorder:
    """Fills the (D+1, N) morning and (D, N) day arrays of a ``Record``."""

    MORNING = (*HIDDEN_FIELDS, "injured_days", "ln_rmssd_latent", "performance",
               "test_performance", "hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours",
               "sleep_efficiency", "wearable_strain")  # the state has its own ``strain``
    INTEGER = frozenset({"ill_days", "injured_days"})

    def __init__(self, n: int, days: int) -> None:
        self._m = {k: np.full((days + 1, n), np.nan) if k not in self.INTEGER
                   else np.zeros((days + 1, n), dtype=np.int64) for k in self.MORNING}
        self._d = {"planned_action": np.zeros((days, n), dtype=np.int64),
                   "action": np.zeros((days, n), dtype=np.int64),
                   "minutes": np.zeros((days, n)), "load": np.zeros((days, n))}

    def morning(self, k: int, state, params, obs: Observation | None) -> None:
        m = self._m
        for f in HIDDEN_FIELDS:
            m[f][k] = getattr(state, f)
        m["injured_days"][k] = SM.injured_days(state)
        m["ln_rmssd_latent"][k] = dynamics.latent_physiology(state, params)[0]
        m["performance"][k] = dynamics.performance(state, params)
        m["test_performance"][k] = dynamics.test_performance(state, params)
        if obs is not None:
            for j, name in enumerate(("hrv_rmssd_ms", "resting_hr", "recovery", "sleep_hours",
                                      "sleep_efficiency")):
                m[name][k] = obs.readings[:, j]
            m["wearable_strain"][k] = obs.strain

    def day(self, d: int, **values: np.ndarray) -> None:
        for k, v in values.items():
            self._d[k][d] = v

    def result(self) -> Record:
        return Record(morning=self._m, day=self._d)
