"""Small agents, random masks and random transitions shared by the agent tests."""

from __future__ import annotations

import numpy as np
import torch

from periodization.agents.config import SACConfig
from periodization.agents.replay import ReplayBatch
from periodization.agents.sac import SACAgent

OBS_DIM, N_ACTIONS = 17, 6


def random_masks(n: int, rng: np.random.Generator, *, n_valid: int | None = None) -> np.ndarray:
    """(n, A) bool masks, never empty: ``n_valid`` allowed actions per row, or 1..A at random."""
    counts = rng.integers(1, N_ACTIONS + 1, n) if n_valid is None else np.full(n, n_valid)
    order = np.argsort(rng.random((n, N_ACTIONS)), axis=1)
    return order < counts[:, None]


def transitions(n: int, rng: np.random.Generator, *, n_valid: int | None = None) -> dict:
    """Keyword arguments of ``ReplayBuffer.add`` for n random masked transitions."""
    mask_BA = random_masks(n, rng, n_valid=n_valid)
    action_B = np.array([rng.choice(np.flatnonzero(row)) for row in mask_BA])
    return dict(obs_BO=rng.normal(size=(n, OBS_DIM)).astype(np.float32), action_B=action_B,
                reward_B=rng.normal(size=n).astype(np.float32),
                next_obs_BO=rng.normal(size=(n, OBS_DIM)).astype(np.float32),
                terminated_B=rng.random(n) < 0.1, truncated_B=rng.random(n) < 0.1,
                action_mask_BA=mask_BA,
                next_action_mask_BA=random_masks(n, rng, n_valid=n_valid))


def batch(n: int, rng: np.random.Generator, *, n_valid: int | None = None) -> ReplayBatch:
    """A ``ReplayBatch`` of n random transitions, in the buffer's field order."""
    t = transitions(n, rng, n_valid=n_valid)
    return ReplayBatch(**{name: torch.as_tensor(a) for name, a in t.items()})


def make_agent(seed: int = 0, **config) -> SACAgent:
    """A small agent (32×32 nets) for the 17-feature, 6-action problem."""
    return SACAgent(obs_dim=OBS_DIM, n_actions=N_ACTIONS,
                    config=SACConfig(hidden=(32, 32), **config), seed=seed)
