"""One simulated day: the order every day loop follows, and the day convention, in one place.

The day convention (day d of N athletes):

* **the morning of d** is the true state before d's session (``AthleteState.day == d``)
  and what the wearable shows then: last night's sleep, this morning's HRV, resting HR and
  recovery, and — reported that morning — the load and strain of day d − 1
  (``Observation.load``, ``.strain``; ``AthleteState.last_load``, ``.last_action``);
* **the session of d** is the action chosen on that morning, done at its realised load;
* **the morning of d + 1** is what ``transition`` returns: its ``last_load`` and
  ``last_action`` are day d's session, and its ATL/CTL are "after day d".

So a table row of day d (a cohort's, a real export's) holds the morning-of-d readings and
d's session (load, action), with ATL/CTL after d; the features of day d read ATL/CTL after
d − 1; and the strain and load that the morning of d + 1 reports belong to row d.

The order of a day, from one decision to the next:

1. observe — the morning's readings (``wake`` for the first morning);
2. features and safety rules — what a decision reads; not the model's business, so the
   caller composes them (``env.mornings``: the feature history and the mask);
3. act — the caller's decision (an agent, the oracle, the behaviour model, the coach);
4. transition — the session at its realised load;
5. record — the caller folds the day just lived into its history (``env.mornings.record``:
   ATL/CTL, hard days, days without rest), from the next morning's ``last_load`` and
   ``last_action``.

``live`` is steps 4 and 1 of the next morning: the session of d, then the morning of d + 1
(the shape of an environment step: an action in, the next morning out). The loops: the
environment's ``World``, the cohort synthesis and its burn-in, the prior starts' burn-in,
the plan simulator (``advice.plan``), the calibration replay and the calibrated planner's
belief (the last two in the expected world, without observing: ``observe=False``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.sim import dynamics
from periodization.sim.batch import build
from periodization.sim.params import AthleteParams
from periodization.sim.state import AthleteState, Observation


@dataclass(frozen=True)
class Morning:
    """N athletes on the morning of a day: the true state and what the wearable shows
    (``None`` for a replay that does not observe); after ``live``, ``days_lost`` (N,) is
    the days an illness or injury starting on the day just lived was expected to cost
    (``dynamics.transition``)."""

    state: AthleteState
    obs: Observation | None
    days_lost: np.ndarray | None = None


def wake(state: AthleteState, params: AthleteParams, rng: dynamics.Random) -> Morning:
    """The first morning of a loop: ``state`` and its readings."""
    return build(Morning, state=state, obs=dynamics.observe(state, params, rng))


def live(state: AthleteState, action: np.ndarray, params: AthleteParams,
         rng: dynamics.Random, *, load: np.ndarray | None = None, observe: bool = True
         ) -> Morning:
    """The session of the day of ``state`` (``action`` (N,), at ``load`` TSS (N,) or at
    each action's nominal load with compliance noise), then the next morning.

    ``observe=False`` skips the wearable (replays of the expected world need only the
    state); the random streams then advance by the transition alone.
    """
    days_lost = np.empty(state.day.shape[0])
    nxt = dynamics.transition(state, action, params, rng, load=load, days_lost=days_lost)
    obs = dynamics.observe(nxt, params, rng) if observe else None
    return build(Morning, state=nxt, obs=obs, days_lost=days_lost)
