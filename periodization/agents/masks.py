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


def check_inputs(obs_BO: np.ndarray, mask_BA: np.ndarray, *, obs_dim: int, n_actions: int,
                 dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """(obs_BO as ``dtype``, mask_BA) after checking the mask and that the observations have
    one row of ``obs_dim`` features per mask row: what every actor checks before acting."""
    mask_BA = check_mask(mask_BA, n_actions=n_actions)
    obs_BO = np.asarray(obs_BO, dtype=dtype)
    if obs_BO.shape != (len(mask_BA), obs_dim):
        raise ValueError(f"obs must have shape ({len(mask_BA)}, {obs_dim}), "
                         f"got {obs_BO.shape}")
    return obs_BO, mask_BA
