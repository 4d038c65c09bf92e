"""The torch-free actor computes the same policy as the torch actor."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from periodization.agents.numpy_policy import NumpyActor
from tests.agents.helpers import OBS_DIM, batch, make_agent, random_masks


def test_numpy_actor_matches_torch_actor():
    agent, rng = make_agent(), np.random.default_rng(0)
    for _ in range(20):  # trained a little, so the weights are not just the initial ones
        agent.update(batch(64, rng))
    numpy_actor = NumpyActor.from_weights(agent.export_actor())
    obs_BO = rng.normal(size=(2000, OBS_DIM)).astype(np.float32)
    mask_BA = random_masks(2000, rng)
    np.testing.assert_allclose(numpy_actor.probabilities(obs_BO, mask_BA),
                               agent.probabilities(obs_BO, mask_BA), atol=1e-6)
    np.testing.assert_array_equal(numpy_actor.act(obs_BO, mask_BA, deterministic=True),
                                  agent.act(obs_BO, mask_BA, deterministic=True))


def test_from_weights_rejects_malformed_weights():
    weights = make_agent().export_actor()
    with pytest.raises(ValueError, match="weight_i"):
        NumpyActor.from_weights({k: v for k, v in weights.items() if k != "bias_1"})
    with pytest.raises(ValueError, match="chain"):
        NumpyActor.from_weights(dict(weights, weight_1=weights["weight_1"][:, :3]))


def test_numpy_policy_does_not_import_torch():
    code = ("import sys, periodization.agents.numpy_policy; "
            "sys.exit('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
