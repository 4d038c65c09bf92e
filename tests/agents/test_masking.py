"""Masked actions are never chosen, and heavy masking never produces NaN or inf."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from periodization.agents.numpy_policy import NumpyActor
from periodization.agents.sac import masked_expectation, masked_log_softmax
from tests.agents.helpers import N_ACTIONS, OBS_DIM, batch, make_agent


def all_masks() -> np.ndarray:
    """Every non-empty mask over 6 actions (63 rows: 1..6 valid)."""
    rows = itertools.product([False, True], repeat=N_ACTIONS)
    return np.array([r for r in rows if any(r)])


@pytest.mark.parametrize("logit_scale", [1.0, 1e4])
def test_masked_actions_never_chosen(logit_scale):
    agent = make_agent()
    with torch.no_grad():  # extreme logits as well: masking must not depend on their scale
        agent.actor.linear_layers()[-1].weight.mul_(logit_scale)
    rng = np.random.default_rng(1)
    mask_BA = np.repeat(all_masks(), 40, axis=0)
    obs_BO = rng.normal(size=(len(mask_BA), OBS_DIM)).astype(np.float32)
    numpy_actor = NumpyActor.from_weights(agent.export_actor())
    for actions_B in [agent.act(obs_BO, mask_BA, deterministic=d) for d in (False, True)] + [
            numpy_actor.act(obs_BO, mask_BA, deterministic=d, rng=rng) for d in (False, True)]:
        assert actions_B.dtype == np.int64
        assert mask_BA[np.arange(len(mask_BA)), actions_B].all()
    for p_BA in (agent.probabilities(obs_BO, mask_BA),
                 numpy_actor.probabilities(obs_BO, mask_BA)):
        assert (p_BA[~mask_BA] == 0).all()
        np.testing.assert_allclose(p_BA.sum(axis=1), 1.0, rtol=1e-5)


def test_sampling_covers_valid_actions():
    agent, rng = make_agent(), np.random.default_rng(2)
    mask_BA = np.tile([True, False, True, False, True, False], (3000, 1))
    obs_BO = np.zeros((3000, OBS_DIM), dtype=np.float32)
    assert set(agent.act(obs_BO, mask_BA, deterministic=False)) == {0, 2, 4}
    assert set(NumpyActor.from_weights(agent.export_actor()).act(
        obs_BO, mask_BA, deterministic=False, rng=rng)) == {0, 2, 4}


def test_rejects_empty_or_malformed_masks():
    agent = make_agent()
    obs_BO = np.zeros((2, OBS_DIM), dtype=np.float32)
    with pytest.raises(ValueError, match="no allowed action"):
        agent.act(obs_BO, np.array([[True] * 6, [False] * 6]), deterministic=True)
    with pytest.raises(TypeError, match="bool"):
        agent.act(obs_BO, np.ones((2, 6), dtype=np.int8), deterministic=True)
    with pytest.raises(ValueError, match="shape"):
        agent.act(obs_BO, np.ones((2, 5), dtype=bool), deterministic=True)


def test_masked_sums_stay_finite_with_infinite_values_on_masked_actions():
    mask_BA = torch.tensor([[True, False, False, True, False, False]] * 4)
    logits_BA = torch.randn(4, 6, requires_grad=True)
    q_BA = torch.where(mask_BA, torch.randn(4, 6), torch.tensor(float("inf")))
    logp_BA = masked_log_softmax(logits_BA, mask_BA)
    value_B = masked_expectation(logp_BA.exp(), q_BA - 0.2 * logp_BA, mask_BA)
    value_B.sum().backward()
    assert torch.isfinite(value_B).all() and torch.isfinite(logits_BA.grad).all()
    assert (logits_BA.grad[~mask_BA] == 0).all()


@pytest.mark.parametrize("n_valid", [1, 2, None])
def test_no_nan_in_losses_or_gradients_under_heavy_masking(n_valid):
    agent, rng = make_agent(alpha_min=1e-4, alpha_max=10.0), np.random.default_rng(3)
    with torch.no_grad():  # large Q and logit magnitudes
        for net in (agent.critic, agent.critic_target, agent.actor):
            for p in net.parameters():
                p.mul_(rng.uniform(5, 30))
    for _ in range(20):
        stats = agent.update(batch(64, rng, n_valid=n_valid))
        assert np.isfinite(stats).all(), stats
        for p in (*agent.actor.parameters(), *agent.critic.parameters(), agent.log_alpha):
            assert torch.isfinite(p).all()
            assert p.grad is None or torch.isfinite(p.grad).all()
    assert 1e-4 - 1e-9 <= agent.alpha <= 10.0 + 1e-6
