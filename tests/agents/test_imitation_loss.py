"""The actor's imitation term: −log π(teacher's action|s) on taught decision states only."""

from __future__ import annotations

import numpy as np
import torch

from periodization.agents.replay import NO_TEACHER
from periodization.agents.sac import masked_log_softmax
from tests.agents.helpers import batch, make_agent


def taught_batch(n: int, seed: int):
    """A random batch in which every other state carries an allowed teacher's action."""
    rng = np.random.default_rng(seed)
    b = batch(n, rng)
    labels = [rng.choice(np.flatnonzero(row)) if i % 2 == 0 else NO_TEACHER
              for i, row in enumerate(b.action_mask_BA.numpy())]
    return b._replace(teacher_B=torch.tensor(labels, dtype=torch.int8))


def test_the_imitation_loss_is_the_mean_nll_over_taught_decision_states():
    agent, b = make_agent(), taught_batch(64, 0)
    stats = agent.losses(b).stats
    with torch.no_grad():
        logp_BA = masked_log_softmax(agent.actor(b.obs_BO), b.action_mask_BA)
    keep = (b.teacher_B >= 0) & (b.action_mask_BA.sum(-1) > 1)
    assert 0 < keep.sum() < len(keep)  # both kinds of state are in the batch
    nll = [-logp_BA[i, int(b.teacher_B[i])] for i in np.flatnonzero(keep.numpy())]
    assert float(stats[-1]) == torch.stack(nll).mean().item()


def test_weight_zero_leaves_the_actor_loss_as_without_a_teacher():
    agent, b = make_agent(), taught_batch(64, 1)
    plain = agent.losses(b._replace(teacher_B=None)).actor
    assert torch.equal(agent.losses(b, imitation_weight=0.0).actor, plain)
    nll = agent.losses(b).stats[-1]
    torch.testing.assert_close(agent.losses(b, imitation_weight=2.0).actor, plain + 2.0 * nll)


def test_updates_with_weight_pull_the_policy_to_the_teacher():
    """Same agent, same batch, 60 updates: with β = 5 the taught actions' probability rises
    well above what the critic's pull alone gives."""
    b = taught_batch(128, 2)
    keep = (b.teacher_B >= 0).numpy()

    def teacher_probability(weight: float) -> float:
        agent = make_agent(seed=3, lr_actor=3e-3)
        for _ in range(60):
            agent.update(b, imitation_weight=weight)
        p = agent.probabilities(b.obs_BO.numpy(), b.action_mask_BA.numpy())
        return float(p[keep, b.teacher_B.numpy()[keep].astype(int)].mean())

    assert teacher_probability(5.0) > teacher_probability(0.0) + 0.2
