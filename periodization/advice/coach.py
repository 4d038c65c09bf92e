"""Who decides: the trained model's actor, or the safe rule-based baseline.

The actor (``NumpyActor``) gives the policy's probabilities over the allowed actions and
the most probable one is prescribed. Athletes with too little history to calibrate get the
rule-based baseline (``RulePolicy``: recovery thresholds, masked actions replaced by the
next easier allowed one); its "probabilities" put all weight on its choice.
"""

from __future__ import annotations

import numpy as np

from periodization.agents.artifacts import ExportedModel
from periodization.policies.baselines import RulePolicy


class Coach:
    def __init__(self, model: ExportedModel) -> None:
        self.model = model
        self.rule = RulePolicy(model.scaler)

    def decide(self, raw: np.ndarray, mask: np.ndarray, use_model: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities (N, 6), actions (N,)) from raw features (N, 17) and masks."""
        obs = self.model.scaler.transform(raw)
        probs = np.zeros(mask.shape)
        actions = np.zeros(len(mask), dtype=np.int64)
        if use_model.any():
            p = self.model.actor.probabilities(obs[use_model], mask[use_model])
            probs[use_model] = p
            actions[use_model] = p.argmax(axis=1)
        if (~use_model).any():
            rule = self.rule.act(obs[~use_model], mask[~use_model])
            probs[np.flatnonzero(~use_model), rule] = 1.0
            actions[~use_model] = rule
        return probs, actions
