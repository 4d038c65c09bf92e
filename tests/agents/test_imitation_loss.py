"""The actor's imitation term: −log π(teacher's action|s) on taught decision states only."""

from __future__ import annotations

import numpy as np
import torch

from periodization.agents.replay import NO_TEACHER
from periodization.agents.sac import imitation_nll, masked_log_softmax
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
    stats = agent.losses(b, imitation_weight=1.0).stats
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
    nll = agent.losses(b, imitation_weight=2.0).stats[-1]
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


def test_imitating_strength_only_asks_strength_or_any_other_session():
    """Rows: the teacher says STRENGTH; says REST; says REST with strength masked (no
    choice left between 'strength' and 'another session': not counted); says TEMPO with
    only TEMPO and HIIT allowed (both are 'another session': not counted)."""
    logp = torch.log_softmax(torch.tensor([[0.0, 1.0, 2.0, 0.5, -1.0, 1.5]]), dim=-1)
    logp_BA = logp.repeat(4, 1)
    mask_BA = torch.ones(4, 6, dtype=torch.bool)
    mask_BA[2, 5] = False
    mask_BA[3] = torch.tensor([False, False, False, True, True, False])
    teacher_B = torch.tensor([5, 0, 0, 3])
    strength_A = torch.arange(6) == 5
    nll_B, taught_B = imitation_nll(logp_BA, mask_BA, teacher_B, strength_A)
    p_strength = logp[0, 5].exp()
    assert taught_B.tolist() == [True, True, False, False]
    torch.testing.assert_close(nll_B[:2], torch.stack([-p_strength.log(),
                                                       -(1 - p_strength).log()]))
    assert nll_B[2:].tolist() == [0.0, 0.0]
    every_A = torch.ones(6, dtype=torch.bool)  # all marked: the plain cross-entropy
    nll_B, taught_B = imitation_nll(logp_BA, mask_BA, teacher_B, every_A)
    assert taught_B.all()
    torch.testing.assert_close(nll_B[:2], -logp[0, [5, 0]])


def test_the_lumped_choice_has_a_finite_gradient_when_nothing_is_lumped():
    logits = torch.zeros(1, 6, requires_grad=True)
    mask_BA = torch.tensor([[False, False, False, False, True, True]])
    logp_BA = torch.log_softmax(torch.where(mask_BA, logits, -1e8), dim=-1)
    only_hiit_strength = torch.tensor([False] * 4 + [True, True])
    nll_B, _ = imitation_nll(logp_BA, mask_BA, torch.tensor([5]), only_hiit_strength)
    nll_B.sum().backward()
    assert torch.isfinite(logits.grad).all()
