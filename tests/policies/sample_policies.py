"""Python policies that tests reach as ``module:attr`` (``--policy``)."""

from __future__ import annotations

import numpy as np

from periodization.sim.actions import Action


def always_rest(obs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.zeros(len(obs), dtype=np.int64)


def always_hiit(obs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Ignores the mask, as an unmasked agent does."""
    return np.full(len(obs), int(Action.HIIT))


class HardestAllowed:
    """An object with ``act``: the hardest allowed session by action index."""

    name = "hardest"

    def act(self, obs, mask, deterministic=True):
        return np.array([np.flatnonzero(row).max() for row in mask])
