"""The action-mask convention shared by the learner, the replay buffer and the numpy actor.

A mask is a bool array of shape (B, A), True = allowed. Every row allows at least one
action (REST is never masked), so a masked softmax is always well defined.
"""

from __future__ import annotations

import numpy as np

MASKED_LOGIT = -1e8
"""Logit given to masked actions. Finite on purpose: ``exp(-1e8 - max)`` underflows to an
exact 0 probability, while ``-inf`` would turn ``0 * log 0`` into NaN in every π-weighted
sum (the sb3-contrib ``MaskableCategorical`` convention)."""


def check_mask(mask_BA: np.ndarray, *, n_actions: int, name: str = "mask") -> np.ndarray:
    """Return ``mask_BA`` as a bool array after checking its shape and that no row is empty."""
    mask_BA = np.asarray(mask_BA)
    if mask_BA.dtype != np.bool_:
        raise TypeError(f"{name} must be a bool array (True = allowed), got {mask_BA.dtype}")
    if mask_BA.ndim != 2 or mask_BA.shape[1] != n_actions:
        raise ValueError(f"{name} must have shape (B, {n_actions}), got {mask_BA.shape}")
    if not mask_BA.any(axis=1).all():
        raise ValueError(f"{name} has a row with no allowed action")
    return mask_BA
