"""The pieces of the update: TD target, masks, termination, target entropy, α, isolation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from periodization.agents.sac import target_entropy
from tests.agents.helpers import batch, make_agent


def expected_target(agent, b, mask_BA: torch.Tensor) -> torch.Tensor:
    """r + γ(1 − terminated) Σ_{a allowed} π(a|s')[min Q̄(s', a) − α log π(a|s')], written
    out with a plain softmax over the allowed actions only."""
    with torch.no_grad():
        alpha, values = agent.alpha, []
        logits_BA = agent.actor(b.next_obs_BO)
        q1_BA, q2_BA = agent.critic_target(b.next_obs_BO)
        for i in range(len(mask_BA)):
            allowed = mask_BA[i]
            logp = torch.log_softmax(logits_BA[i, allowed], dim=0)
            q = torch.minimum(q1_BA[i, allowed], q2_BA[i, allowed])
            values.append((logp.exp() * (q - alpha * logp)).sum())
        return b.reward_B + agent.config.gamma * (~b.terminated_B) * torch.stack(values)


def test_td_target_uses_the_next_states_mask():
    agent, rng = make_agent(), np.random.default_rng(0)
    b = batch(32, rng)._replace(terminated_B=torch.zeros(32, dtype=torch.bool))
    b = b._replace(action_mask_BA=~b.next_action_mask_BA | (torch.arange(6) == 0))
    y_B = agent.td_target(b)
    torch.testing.assert_close(y_B, expected_target(agent, b, b.next_action_mask_BA))
    wrong_B = expected_target(agent, b, b.action_mask_BA)
    assert (y_B - wrong_B).abs().min() > 1e-4  # the current mask gives another target


def test_terminated_stops_bootstrap_and_truncated_does_not():
    agent, rng = make_agent(), np.random.default_rng(1)
    b = batch(4, rng)
    b = b._replace(terminated_B=torch.tensor([False, False, True, True]),
                   truncated_B=torch.tensor([False, True, False, True]))
    y_B = agent.td_target(b)
    v_B = (expected_target(agent, b._replace(terminated_B=torch.zeros(4, dtype=torch.bool)),
                           b.next_action_mask_BA) - b.reward_B) / agent.config.gamma
    assert (v_B.abs() > 1e-3).all()
    torch.testing.assert_close(y_B[:2], b.reward_B[:2] + agent.config.gamma * v_B[:2])
    assert torch.equal(y_B[2:], b.reward_B[2:])  # terminated: exactly the reward


def test_target_entropy_scales_with_the_number_of_valid_actions():
    mask_BA = torch.arange(6) < torch.arange(1, 7)[:, None]  # 1..6 valid
    expected = torch.tensor([0.7 * math.log(k) for k in range(1, 7)])
    torch.testing.assert_close(target_entropy(mask_BA, 0.7), expected)
    agent, rng = make_agent(target_entropy_ratio=0.6), np.random.default_rng(2)
    for k in (2, 4, 6):
        stats = agent.update(batch(16, rng, n_valid=k))
        assert stats.target_entropy == pytest.approx(0.6 * math.log(k), rel=1e-6)
        assert stats.decision_fraction == 1.0


@pytest.mark.parametrize(("ratio", "direction"), [(0.0, -1), (1.0, +1)])
def test_alpha_moves_toward_the_entropy_target(ratio, direction):
    """Entropy above a target of 0 must lower α; below the maximum log n it must raise it."""
    agent, rng = make_agent(target_entropy_ratio=ratio), np.random.default_rng(3)
    before = agent.alpha
    for _ in range(5):
        agent.update(batch(64, rng))
    assert np.sign(agent.alpha - before) == direction


def test_fixed_alpha_stays_fixed():
    agent, rng = make_agent(auto_alpha=False, alpha_init=0.05), np.random.default_rng(4)
    for _ in range(3):
        stats = agent.update(batch(32, rng))
    assert agent.alpha == pytest.approx(0.05) and stats.alpha == pytest.approx(0.05)


def test_states_with_one_valid_action_carry_no_actor_or_alpha_loss():
    agent, rng = make_agent(), np.random.default_rng(5)
    actor_before = [p.clone() for p in agent.actor.parameters()]
    alpha_before = agent.alpha
    stats = agent.update(batch(32, rng, n_valid=1))
    assert (stats.actor_loss, stats.alpha_loss, stats.entropy, stats.decision_fraction) == (
        0.0, 0.0, 0.0, 0.0)
    actor_after = agent.actor.parameters()
    assert all(torch.equal(a, p) for a, p in zip(actor_before, actor_after, strict=True))
    assert agent.alpha == alpha_before


def test_each_loss_reaches_only_its_own_parameters():
    """The update sums the three losses into one backward pass; that is only exact if every
    cross-term is detached."""
    agent, rng = make_agent(), np.random.default_rng(6)
    losses = agent.losses(batch(32, rng))
    groups = {"critic": list(agent.critic.parameters()), "actor": list(agent.actor.parameters()),
              "alpha": [agent.log_alpha]}
    for loss_name in ("critic", "actor", "alpha"):
        for group_name, params in groups.items():
            grads = torch.autograd.grad(getattr(losses, loss_name), params,
                                        retain_graph=True, allow_unused=True)
            reached = any(g is not None and g.abs().sum() > 0 for g in grads)
            assert reached == (loss_name == group_name), (loss_name, group_name)
    target = list(agent.critic_target.parameters())
    assert not any(p.requires_grad for p in target)


@pytest.mark.parametrize("tau", [0.005, 0.3])
def test_targets_trail_the_critics_by_polyak_averaging(tau):
    """Q̄ ← (1 − τ) Q̄ + τ Q after the critics' step: neither left behind nor copied."""
    agent, rng = make_agent(tau=tau), np.random.default_rng(7)
    agent.update(batch(32, rng))  # targets and critics differ from here on
    before = [p.detach().clone() for p in agent.critic_target.parameters()]
    agent.update(batch(32, rng))
    for old, new, online in zip(before, agent.critic_target.parameters(),
                                agent.critic.parameters(), strict=True):
        expected = (1.0 - tau) * old + tau * online.detach()
        torch.testing.assert_close(new.detach(), expected, rtol=1e-5, atol=1e-7)
        assert not torch.equal(new, online) and not torch.equal(new, old)


def test_one_update_changes_every_online_network_and_the_losses_drive_it():
    """A step moves the critics, the actor and log α (auto α) from the same batch; the
    reported statistics are the losses of that batch before the step."""
    agent, rng = make_agent(), np.random.default_rng(8)
    b = batch(64, rng)
    expected = agent.losses(b)
    nets = {"critic": agent.critic, "actor": agent.actor}
    before = {k: [p.detach().clone() for p in m.parameters()] for k, m in nets.items()}
    alpha = agent.alpha
    stats = agent.update(b)
    for name, net in nets.items():
        assert any(not torch.equal(o, p) for o, p in zip(before[name], net.parameters(),
                                                       strict=True)), name
    assert agent.alpha != alpha
    assert stats.critic_loss == pytest.approx(float(expected.critic.detach()), rel=1e-5)
    assert stats.actor_loss == pytest.approx(float(expected.actor.detach()), rel=1e-5, abs=1e-6)
    assert stats.alpha == pytest.approx(alpha, rel=1e-6)


def written_out_losses(agent, b):
    """The critic and actor losses and the mean Q of a batch, written out per state."""
    with torch.no_grad():
        y = expected_target(agent, b, b.next_action_mask_BA)
        q1, q2 = agent.critic(b.obs_BO)
        logits = agent.actor(b.obs_BO)
        rows = torch.arange(len(b.action_B))
        q1_taken, q2_taken = q1[rows, b.action_B], q2[rows, b.action_B]
        critic = ((q1_taken - y) ** 2).mean() + ((q2_taken - y) ** 2).mean()
        terms = []
        for i in range(len(rows)):
            allowed = b.action_mask_BA[i]
            if allowed.sum() < 2:
                continue  # no decision in this state
            logp = torch.log_softmax(logits[i, allowed], dim=0)
            q = torch.minimum(q1[i, allowed], q2[i, allowed])
            terms.append((logp.exp() * (agent.alpha * logp - q)).sum())
        actor = torch.stack(terms).mean() if terms else torch.tensor(0.0)
    return float(critic), float(actor), float((q1_taken + q2_taken).mean() / 2)


@pytest.mark.parametrize("n_valid", [None, 2])
def test_critic_and_actor_losses_are_the_papers(n_valid):
    """Each critic regresses Q(s, a_taken) on y; the actor minimises
    Σ_a π(a|s)[α log π(a|s) − min_i Q_i(s, a)] over the decision states."""
    agent, rng = make_agent(), np.random.default_rng(9)
    agent.update(batch(32, rng))  # the two critics differ from here on
    b = batch(48, rng, n_valid=n_valid)
    critic, actor, q_mean = written_out_losses(agent, b)
    losses = agent.losses(b)
    assert float(losses.critic.detach()) == pytest.approx(critic, rel=1e-5)
    assert float(losses.actor.detach()) == pytest.approx(actor, rel=1e-5, abs=1e-6)
    stats = agent.update(b)
    assert stats.q_mean == pytest.approx(q_mean, rel=1e-5, abs=1e-6)


def test_one_decision_state_averages_over_itself():
    """The actor loss is a mean over decision states: with one, that state's term."""
    agent, rng = make_agent(), np.random.default_rng(10)
    b = batch(16, rng, n_valid=1)
    mask = b.action_mask_BA.clone()
    mask[3] = True  # one state with every action allowed
    b = b._replace(action_mask_BA=mask)
    _, actor, _ = written_out_losses(agent, b)
    assert float(agent.losses(b).actor.detach()) == pytest.approx(actor, rel=1e-5)
    assert agent.update(b).decision_fraction == pytest.approx(1 / 16)


@pytest.mark.parametrize("bounds", [dict(alpha_min=0.15), dict(alpha_max=0.25),
                                    dict(alpha_min=0.15, alpha_max=0.25)])
def test_alpha_stays_within_either_bound_alone(bounds):
    rng = np.random.default_rng(11)
    for ratio in (0.0, 1.0):  # pushes α down, then up
        agent = make_agent(target_entropy_ratio=ratio, lr_alpha=0.5, **bounds)
        for _ in range(20):
            agent.update(batch(64, rng))
        lo, hi = bounds.get("alpha_min", 0.0), bounds.get("alpha_max", np.inf)
        assert lo - 1e-6 <= agent.alpha <= hi + 1e-6
        if (ratio == 0.0 and "alpha_min" in bounds) or (ratio == 1.0 and "alpha_max" in bounds):
            assert agent.alpha == pytest.approx(lo if ratio == 0.0 else hi, rel=1e-5)


def test_an_update_descends_the_actor_loss():
    """With the critics all but fixed (lr 1e-12) and α fixed, one step lowers the actor loss
    on its batch: the actor's gradient enters the shared backward pass with its own sign."""
    agent, rng = make_agent(lr_critic=1e-12, auto_alpha=False, lr_actor=1e-3), \
        np.random.default_rng(12)
    b = batch(64, rng)
    before = float(agent.losses(b).actor.detach())
    agent.update(b)
    assert float(agent.losses(b).actor.detach()) < before
