"""Learning from the oracle: DAgger-style labels for the states the agent visits.

Why: the shaped reward pays a strength session's protection against injury weeks later and
only on the days an injury did not happen, a credit assignment SAC barely makes (agents
prescribed strength on ~6 % of days against the oracle's ~21 %, and their athletes were
injured on two to three times the oracle's days). The oracle (``policies/planner.py``)
knows each *training* athlete's true parameters and state; asking it what it would do in
the states the agent itself reaches (Ross et al. 2011, DAgger), and pulling the actor
towards that answer, hands over what it knows without the agent ever seeing what the
oracle sees: the observation, the served actor and the reward are unchanged.

How: in the first ``ImitationConfig.episodes`` training episodes the oracle, bound to the
training environment's world, labels every morning of every row (``labels``); the labels
are stored with the transitions (``ReplayBuffer`` field ``teacher``) and the actor's loss
adds β · −log π(label|s) on labelled decision states (``SACAgent.losses``), β falling
linearly from ``weight`` to 0 over those episodes' env steps (``weight_at``). The critic
still learns the reward's values, so what the oracle knows that the features cannot show
is not forced on the actor once β has gone.

The oracle starts a fresh plan every round (``start_round``): its warm start never spans
a checkpoint, so a resumed run gets the same labels as an uninterrupted one.

Measured (docs/training.md, "Learning from the oracle"): fewer injured days, but the agent
is pulled into hard days it cannot time without the oracle's knowledge of life stress and
hidden maladaptation, so overreaching rises; no packaged config turns it on.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import torch

from periodization.policies.planner import OraclePolicy
from periodization.training.config import ImitationConfig


class OracleTeacher:
    """The oracle as a teacher of the rows of one training environment."""

    def __init__(self, config: ImitationConfig, *, block_days: int,
                 threads: int | None = None) -> None:
        self.config, self.threads = config, threads
        self.steps = config.episodes * block_days  # env steps (athlete-days) it labels
        self.oracle = OraclePolicy()

    def teaches(self, episodes: int) -> bool:
        """Whether the round starting after ``episodes`` training episodes is labelled."""
        return self.config.enabled and episodes < self.config.episodes

    def start_round(self, world: Any) -> None:
        """Bind to the environment's world at a round's first morning; fresh plans."""
        self.oracle.reset(world.n)
        self.oracle.bind(world)

    def labels(self, obs: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(N,) int8: the oracle's session this morning for each row, allowed by ``mask``.

        The oracle's search runs on ``threads`` numba threads (the run's thread budget),
        and torch's thread count is put back afterwards: numba's parallel region resets
        the OpenMP thread count torch shares, and two parallel runs whose updates then used
        two threads each ran 4–25 times slower."""
        torch_threads, numba_threads = torch.get_num_threads(), numba.get_num_threads()
        numba.set_num_threads(min(self.threads or numba_threads, numba.config.NUMBA_NUM_THREADS))
        try:
            return self.oracle.act(obs, mask).astype(np.int8)
        finally:
            numba.set_num_threads(numba_threads)
            torch.set_num_threads(torch_threads)

    def weight_at(self, env_steps: int) -> float:
        """β after ``env_steps`` athlete-days of training: ``weight`` falling linearly to 0
        at the last labelled day (0 when imitation is off)."""
        if not self.config.enabled:
            return 0.0
        return self.config.weight * max(0.0, 1.0 - env_steps / self.steps)
