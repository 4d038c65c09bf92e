"""The one interface every policy offers, and the shared pieces heuristics are built from.

A policy maps a batch of normalised observations (B, F) float32 (F = 31, observation
space v2) and masks (B, 6) bool (True = allowed) to actions (B,) int64 that are always
allowed. ``reset(n)`` starts n new episodes (policies with a calendar or memory use it);
``bind(world)`` is offered to policies that read the world they act in (the oracle reads
its truth; a learned actor reads how it normalises observations).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from periodization.features.daily import FEATURE_NAMES
from periodization.features.scaler import FeatureScaler
from periodization.sim.actions import Action

F = {name: i for i, name in enumerate(FEATURE_NAMES)}  # feature name → column
R, AR, AE, TE, HI, ST = (int(a) for a in Action)
# When a preferred session is masked: the next easier one that is allowed (REST always is).
EASIER = {HI: [TE, AE, AR, R], TE: [AE, AR, R], ST: [AE, AR, R], AE: [AR, R], AR: [R], R: []}


@runtime_checkable
class Policy(Protocol):
    name: str

    def reset(self, n: int) -> None: ...

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True
            ) -> np.ndarray: ...


class BasePolicy:
    """Defaults: stateless, ignores the world."""

    name = "base"

    def reset(self, n: int) -> None:
        self.n = n

    def bind(self, world: Any) -> None:
        return None


def allowed_or_easier(preferred: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's preferred action if allowed, else the next easier allowed one.

    When only REST and active recovery are left (ill, or no rest day for a week), a masked
    preference becomes REST: active recovery would not count as the rest day the rule asks
    for, and the rule would fire again tomorrow.
    """
    out = preferred.astype(np.int64).copy()
    rows = np.arange(len(out))
    blocked = ~mask[rows, out]
    for i in np.flatnonzero(blocked):
        if not mask[i, AE:].any():
            out[i] = R
        else:
            out[i] = next((a for a in EASIER[int(out[i])] if mask[i, a]), R)
    return out


class FeatureReader:
    """Raw feature values of a normalised observation batch (heuristics reason in units)."""

    def __init__(self, scaler: FeatureScaler) -> None:
        self.scaler = scaler

    def __call__(self, obs: np.ndarray) -> dict[str, np.ndarray]:
        raw = self.scaler.inverse(obs)
        return {name: raw[:, i] for name, i in F.items()}

    @staticmethod
    def weekday(feats: dict[str, np.ndarray]) -> np.ndarray:
        """0 = Monday, recovered from the day-of-week sine and cosine."""
        angle = np.arctan2(feats["dow_sin"], feats["dow_cos"])
        return np.rint(angle / (2 * np.pi / 7)).astype(np.int64) % 7
