"""Resuming an agent is bit-exact: same updates and same sampled actions after a reload."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from periodization.agents.config import SACConfig
from periodization.agents.sac import SACAgent
from tests.agents.helpers import OBS_DIM, batch, make_agent, random_masks


def through_disk(state: dict) -> dict:
    """What a checkpoint does: torch.save, then the safe loader."""
    f = io.BytesIO()
    torch.save(state, f)
    f.seek(0)
    return torch.load(f, weights_only=True)


def test_agent_resumes_bit_exactly():
    rng = np.random.default_rng(0)
    batches = [batch(64, rng) for _ in range(8)]
    obs_BO = rng.normal(size=(256, OBS_DIM)).astype(np.float32)
    mask_BA = random_masks(256, rng)
    original = make_agent(seed=1)
    for b in batches[:4]:
        original.update(b)
    original.act(obs_BO, mask_BA, deterministic=False)  # advance the sampling generator
    resumed = make_agent(seed=2)  # different weights and generator until loaded
    resumed.load_state_dict(through_disk(original.state_dict()))
    for b in batches[4:]:
        assert original.update(b) == resumed.update(b)
        assert np.array_equal(original.act(obs_BO, mask_BA, deterministic=False),
                              resumed.act(obs_BO, mask_BA, deterministic=False))
    for a, r in zip(original.state_dict()["critic_target"].values(),
                    resumed.state_dict()["critic_target"].values(), strict=True):
        assert torch.equal(a, r)


def test_state_dict_is_a_snapshot():
    agent, rng = make_agent(), np.random.default_rng(1)
    state = agent.state_dict()
    agent.update(batch(32, rng))
    assert not torch.equal(state["actor"]["net.0.weight"], agent.actor.net[0].weight)


@pytest.mark.parametrize("obs_dim, n_actions", [(OBS_DIM, 5), (OBS_DIM, 7), (OBS_DIM - 1, 6),
                                               (OBS_DIM + 1, 6)])
def test_agent_refuses_state_of_other_sizes(obs_dim, n_actions):
    other = SACAgent(obs_dim=obs_dim, n_actions=n_actions, config=SACConfig(hidden=(32, 32)),
                     seed=0)
    with pytest.raises(ValueError, match="n_actions"):
        make_agent().load_state_dict(other.state_dict())
