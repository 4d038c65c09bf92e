"""Serve a trained actor without torch: the actor's forward pass in numpy.

Importing torch costs about 1.5 s; a recommendation for one athlete needs one tiny forward
pass. ``NumpyActor`` takes ``SACAgent.export_actor()``'s weights and computes the same
masked policy (in float64, so it agrees with the float32 torch actor to ~1e-6).
This module must not import torch.

Shapes: B = batch, O = observation features, A = actions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from periodization.agents.masks import MASKED_LOGIT, check_inputs
from periodization.core.errors import UserError

LOGIT_LIMIT = 1e6  # trained logits are O(10); the masked logit is -1e8 and must stay below
NON_FINITE = ("the actor's logits are not finite or beyond ±1e6 for this morning (weights "
              "far larger than training gives: a damaged or tampered actor)")


class NumpyActor:
    """ReLU MLP ``(obs_BO) -> logits_BA`` with the learner's masking convention."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """``layers``: (weight (in, out), bias (out,)) per linear layer, in order."""
        self._layers = layers

    @classmethod
    def from_weights(cls, weights: Mapping[str, np.ndarray]) -> NumpyActor:
        """Build from ``weight_i`` (out, in) and ``bias_i`` (out,) arrays, i = 0, 1, …"""
        n = len(weights) // 2
        if n == 0 or set(weights) != {f"{k}_{i}" for i in range(n) for k in ("weight", "bias")}:
            raise ValueError(f"expected weight_i/bias_i arrays, got keys {sorted(weights)}")
        layers = []
        for i in range(n):
            w = np.asarray(weights[f"weight_{i}"], dtype=np.float64)
            b = np.asarray(weights[f"bias_{i}"], dtype=np.float64)
            fan_in = layers[-1][0].shape[1] if layers else None  # previous layer's width
            if w.ndim != 2 or b.shape != (w.shape[0],) or fan_in not in (None, w.shape[1]):
                raise ValueError(f"layer {i}: weight {w.shape} and bias {b.shape} do not chain")
            layers.append((w.T.copy(), b))
        return cls(layers)

    @property
    def obs_dim(self) -> int:
        return self._layers[0][0].shape[0]

    @property
    def n_actions(self) -> int:
        return self._layers[-1][0].shape[1]

    def _masked_logits(self, obs_BO: np.ndarray, mask_BA: np.ndarray) -> np.ndarray:
        h, mask_BA = check_inputs(obs_BO, mask_BA, obs_dim=self.obs_dim,
                                  n_actions=self.n_actions, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            for i, (w, b) in enumerate(self._layers):
                h = h @ w + b
                if i < len(self._layers) - 1:
                    h = np.maximum(h, 0.0)
        # finite weights can still give inf/NaN logits (whose argmax is silently action 0,
        # REST) or logits below the masked one (whose argmax is a masked action): refused,
        # never served
        allowed = h[mask_BA]
        if not (np.abs(allowed) <= LOGIT_LIMIT).all():  # False for NaN too
            raise UserError(NON_FINITE)
        return np.where(mask_BA, h, MASKED_LOGIT)

    def check_logits(self, seed: int = 0) -> None:
        """``UserError`` unless the logits are finite and within ±``LOGIT_LIMIT`` on
        standardised inputs: zeros and 64 draws of N(0, 3²) per feature (the scaler's
        units), every action allowed."""
        obs_BO = np.random.default_rng(seed).normal(0.0, 3.0, size=(65, self.obs_dim))
        obs_BO[0] = 0.0
        self._masked_logits(obs_BO, np.ones((65, self.n_actions), dtype=bool))

    def probabilities(self, obs_BO: np.ndarray, mask_BA: np.ndarray) -> np.ndarray:
        """π(·|s), float64 (B, A); masked entries are exactly 0 and rows sum to 1."""
        logits_BA = self._masked_logits(obs_BO, mask_BA)
        e_BA = np.exp(logits_BA - logits_BA.max(axis=-1, keepdims=True))
        p_BA = np.where(mask_BA, e_BA, 0.0)
        return p_BA / p_BA.sum(axis=-1, keepdims=True)

    def act(self, obs_BO: np.ndarray, mask_BA: np.ndarray, *, deterministic: bool,
            rng: np.random.Generator | None = None) -> np.ndarray:
        """One allowed action per row, int64 (B,): the masked argmax, or a sample of π
        (Gumbel-max with ``rng``; a masked logit of −1e8 never wins)."""
        logits_BA = self._masked_logits(obs_BO, mask_BA)
        if not deterministic:
            if rng is None:
                raise ValueError("sampling needs an rng")
            logits_BA = logits_BA + rng.gumbel(size=logits_BA.shape)
        action_B = logits_BA.argmax(axis=-1).astype(np.int64)
        if not np.asarray(mask_BA)[np.arange(len(action_B)), action_B].all():
            raise RuntimeError("a masked action was selected")  # guard; cannot happen
        return action_B
