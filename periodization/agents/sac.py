"""Masked discrete Soft Actor-Critic (Christodoulou 2019, arXiv:1910.07207).

Every expectation over actions is an exact, π-weighted sum over the *valid* actions, so
there is no sampling and no reparameterisation in the losses. Masking rules, applied in
every sum: masked logits take a large finite negative (their probability underflows to an
exact 0), and the term multiplied by π is zeroed on masked actions *before* the product,
so neither ``0 · (−inf)`` nor a NaN gradient through ``torch.where`` can occur.

Shapes: B = batch, O = observation features, A = actions.
"""

from __future__ import annotations

import copy
import math
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from periodization.agents.config import SACConfig
from periodization.agents.masks import MASKED_LOGIT, check_inputs
from periodization.agents.networks import Actor, TwinCritic
from periodization.agents.replay import ReplayBatch


class UpdateStats(NamedTuple):
    """Scalars of one gradient update. Entropies are in nats, averaged over the batch's
    decision states (more than one valid action); the others over the whole batch."""

    critic_loss: float  # sum of the two critics' MSE against the TD target
    actor_loss: float
    alpha_loss: float
    alpha: float  # temperature used by this update (before its own step)
    entropy: float  # policy entropy
    target_entropy: float  # ratio · log n_valid(s)
    q_mean: float  # Q of the taken action, averaged over both critics
    target_mean: float  # TD target y
    decision_fraction: float  # share of states with more than one valid action
    imitation_loss: float  # −log π(teacher's action|s) over taught decision states (0: unpaid)


class Losses(NamedTuple):
    """The three scalar losses of one batch, with graphs, and the ``UpdateStats`` values."""

    critic: torch.Tensor
    actor: torch.Tensor
    alpha: torch.Tensor
    stats: torch.Tensor  # (10,), in UpdateStats order, detached


def masked_log_softmax(logits_BA: torch.Tensor, mask_BA: torch.Tensor) -> torch.Tensor:
    """log π(·|s) over the valid actions; masked entries are finite (≈ −1e8), exp → 0."""
    return torch.log_softmax(torch.where(mask_BA, logits_BA, MASKED_LOGIT), dim=-1)


def masked_expectation(p_BA: torch.Tensor, x_BA: torch.Tensor,
                       mask_BA: torch.Tensor) -> torch.Tensor:
    """Σ_a π(a|s)·x(s, a) over valid actions, (B,). ``x`` is zeroed on masked actions first:
    an untrained or infinite value there can reach neither the sum nor the gradient."""
    return (p_BA * torch.where(mask_BA, x_BA, 0.0)).sum(dim=-1)


def target_entropy(mask_BA: torch.Tensor, ratio: float) -> torch.Tensor:
    """Per-state target entropy ratio · log n_valid(s), (B,): feasible in every state,
    where a fixed ratio · log A would not be once fewer actions are allowed."""
    return ratio * mask_BA.sum(dim=-1).to(torch.float32).log()


def imitation_nll(logp_BA: torch.Tensor, mask_BA: torch.Tensor, teacher_B: torch.Tensor,
                  imitated_A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """−log π(teacher's choice|s), (B,), and the states it counts in, (B,) bool.

    The choice is the teacher's action if ``imitated_A`` (A,) bool marks it, else "any
    action not marked", whose probability is the sum over the allowed unmarked actions:
    with every action marked this is the plain cross-entropy; with only STRENGTH marked it
    imitates whether to train strength today and leaves the rest to the reward. A state
    counts when a teacher labelled it (``teacher_B`` ≥ 0) and its mask leaves more than one
    of these choices."""
    labelled_B = teacher_B >= 0
    own_B = logp_BA.gather(1, teacher_B.clamp(min=0)[:, None])[:, 0]
    # a finite fill, not −inf: an all-filled row must not give a NaN gradient
    lumped_B = torch.logsumexp(torch.where(mask_BA & ~imitated_A, logp_BA, MASKED_LOGIT), dim=-1)
    marked_B = imitated_A[teacher_B.clamp(min=0)]
    nll_B = -torch.where(marked_B, own_B, lumped_B)
    choices_B = (mask_BA & imitated_A).sum(-1) + (mask_BA & ~imitated_A).any(-1).long()
    taught_B = labelled_B & (choices_B > 1)
    return torch.where(taught_B, nll_B, 0.0), taught_B


def _mean_where(x_B: torch.Tensor, keep_B: torch.Tensor) -> torch.Tensor:
    """Mean of ``x_B`` over ``keep_B`` (0 if nothing is kept; never NaN)."""
    return torch.where(keep_B, x_B, 0.0).sum() / keep_B.sum().clamp(min=1)


class SACAgent:
    """Masked discrete SAC learner and policy: ``act(obs, mask, deterministic)``."""

    def __init__(self, *, obs_dim: int, n_actions: int, config: SACConfig, seed: int) -> None:
        if config.torch_threads is not None:
            torch.set_num_threads(config.torch_threads)
        self.obs_dim, self.n_actions, self.config = obs_dim, n_actions, config
        # Separate streams for the initial weights and for action sampling; building the
        # nets under fork_rng leaves torch's global generator untouched.
        init_seed, act_seed = (int(s) for s in np.random.SeedSequence(seed).generate_state(2))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(init_seed)
            sizes = dict(obs_dim=obs_dim, n_actions=n_actions, hidden=config.hidden)
            self.actor = Actor(**sizes)
            self.critic = TwinCritic(**sizes)
        self.critic_target = copy.deepcopy(self.critic).requires_grad_(False)
        self.log_alpha = torch.tensor(math.log(config.alpha_init),
                                      requires_grad=config.auto_alpha)
        # One Adam over three parameter groups (see ``update``); fused: one kernel per step.
        groups = [{"params": list(self.critic.parameters()), "lr": config.lr_critic},
                  {"params": list(self.actor.parameters()), "lr": config.lr_actor}]
        if config.auto_alpha:
            groups.append({"params": [self.log_alpha], "lr": config.lr_alpha})
        self.optim = torch.optim.Adam(groups, eps=config.adam_eps, fused=True)
        self._generator = torch.Generator().manual_seed(act_seed)
        # actions the imitation term imitates one by one (``imitation_nll``); all by default
        self.imitated_A = torch.ones(n_actions, dtype=torch.bool)

    # ---- acting -----------------------------------------------------------------------

    def _masked_logits(self, obs_BO: np.ndarray,
                       mask_BA: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """(masked logits_BA, mask_BA as a tensor) after checking shapes and masks."""
        obs_BO, mask_BA = check_inputs(obs_BO, mask_BA, obs_dim=self.obs_dim,
                                       n_actions=self.n_actions, dtype=np.float32)
        mask_t_BA = torch.from_numpy(mask_BA)
        logits_BA = self.actor(torch.from_numpy(obs_BO))
        return torch.where(mask_t_BA, logits_BA, MASKED_LOGIT), mask_t_BA

    @torch.inference_mode()
    def act(self, obs_BO: np.ndarray, mask_BA: np.ndarray, *, deterministic: bool) -> np.ndarray:
        """One allowed action per row, int64 (B,): the masked argmax, or a sample of π."""
        logits_BA, mask_t_BA = self._masked_logits(obs_BO, mask_BA)
        if deterministic:
            action_B = logits_BA.argmax(dim=-1)
        else:  # masked probabilities are exactly 0, which multinomial never draws
            p_BA = torch.where(mask_t_BA, logits_BA.softmax(dim=-1), 0.0)
            action_B = torch.multinomial(p_BA, 1, generator=self._generator).squeeze(-1)
        if not mask_t_BA.gather(1, action_B[:, None]).all():
            raise RuntimeError("a masked action was selected")  # guard; cannot happen
        return action_B.numpy()

    @torch.inference_mode()
    def probabilities(self, obs_BO: np.ndarray, mask_BA: np.ndarray) -> np.ndarray:
        """π(·|s), float32 (B, A); masked entries are exactly 0 and rows sum to 1."""
        logits_BA, mask_t_BA = self._masked_logits(obs_BO, mask_BA)
        return torch.where(mask_t_BA, logits_BA.softmax(dim=-1), 0.0).numpy()

    # ---- learning ---------------------------------------------------------------------

    @torch.no_grad()
    def td_target(self, batch: ReplayBatch) -> torch.Tensor:
        """y = r + γ (1 − terminated) V(s'), (B,), with the exact soft value
        V(s') = Σ_a π(a|s') [min_i Q̄_i(s', a) − α log π(a|s')] under the *next* state's mask.

        Truncation (a time limit) is not an end of the MDP: it is bootstrapped through.
        """
        alpha = self.log_alpha.exp()
        next_mask_BA = batch.next_action_mask_BA
        next_logp_BA = masked_log_softmax(self.actor(batch.next_obs_BO), next_mask_BA)
        q1_BA, q2_BA = self.critic_target(batch.next_obs_BO)
        soft_q_BA = torch.minimum(q1_BA, q2_BA) - alpha * next_logp_BA
        v_B = masked_expectation(next_logp_BA.exp(), soft_q_BA, next_mask_BA)
        return batch.reward_B + self.config.gamma * (~batch.terminated_B) * v_B

    def losses(self, batch: ReplayBatch, *, imitation_weight: float = 0.0) -> Losses:
        """The critic, actor and temperature losses of one batch, in the paper's order.

        ``imitation_weight`` β adds β · mean −log π(teacher's action|s) over the batch's
        decision states a teacher labelled (``batch.teacher_B`` ≥ 0) to the actor loss: the
        DAgger-style pull towards the oracle of ``training/imitation.py``."""
        cfg = self.config
        alpha = self.log_alpha.detach().exp()
        mask_BA = batch.action_mask_BA

        # 1. Critic target, with no gradient: exact expectation over the next state's policy.
        y_B = self.td_target(batch)

        # 2. Critic loss: each critic regresses the taken action's Q onto the same target.
        q1_BA, q2_BA = self.critic(batch.obs_BO)
        taken_B1 = batch.action_B[:, None]
        q1_B, q2_B = q1_BA.gather(1, taken_B1)[:, 0], q2_BA.gather(1, taken_B1)[:, 0]
        critic_loss = F.mse_loss(q1_B, y_B) + F.mse_loss(q2_B, y_B)

        # 3. Actor loss: Σ_a π(a|s)[α log π(a|s) − min_i Q_i(s, a)] over valid actions, with
        # the critics held fixed. Their values come from the forward pass above, i.e. from
        # before this update's critic step (rlkit's SAC also computes every loss before any
        # step): that saves a second forward pass of both critics, ~10 % of an update, for
        # one critic step of lag.
        # States with one valid action carry no decision (π ≡ 1, entropy 0): they are left
        # out so that they do not dilute the mean.
        decision_B = mask_BA.sum(dim=-1) > 1
        logp_BA = masked_log_softmax(self.actor(batch.obs_BO), mask_BA)
        p_BA = logp_BA.exp()
        min_q_BA = torch.minimum(q1_BA, q2_BA).detach()
        actor_B = masked_expectation(p_BA, alpha * logp_BA - min_q_BA, mask_BA)
        actor_loss = _mean_where(actor_B, decision_B)
        imitation = torch.zeros(())
        # only when paid: every replay batch carries the teacher field, and a run without a
        # teacher should not spend its updates on a term that is always 0
        if batch.teacher_B is not None and imitation_weight > 0.0:
            nll_B, taught_B = imitation_nll(logp_BA, mask_BA, batch.teacher_B.long(),
                                            self.imitated_A)
            imitation = _mean_where(nll_B, taught_B)
            actor_loss = actor_loss + imitation_weight * imitation

        # 4. Temperature loss: lower α when the policy's entropy exceeds its per-state target,
        # raise it when below. log α is the multiplier (as in SAC's reference code), so the
        # gradient is the entropy gap itself whatever the scale of α.
        entropy_B = -masked_expectation(p_BA.detach(), logp_BA.detach(), mask_BA)
        target_B = target_entropy(mask_BA, cfg.target_entropy_ratio)
        alpha_loss = _mean_where(self.log_alpha * (entropy_B - target_B), decision_B)

        stats_10 = torch.stack([
            critic_loss, actor_loss, alpha_loss, alpha,
            _mean_where(entropy_B, decision_B), _mean_where(target_B, decision_B),
            (q1_B + q2_B).mean() / 2, y_B.mean(), decision_B.float().mean(), imitation,
        ]).detach()
        return Losses(critic=critic_loss, actor=actor_loss, alpha=alpha_loss, stats=stats_10)

    def update(self, batch: ReplayBatch, *, imitation_weight: float = 0.0) -> UpdateStats:
        """One gradient step on critics, actor and temperature, then the Polyak update
        (``imitation_weight``: see ``losses``)."""
        losses = self.losses(batch, imitation_weight=imitation_weight)
        # One backward pass and one Adam step for all three losses. The parameter sets are
        # disjoint and every cross-term is detached (Q in the actor loss, π in the α loss,
        # α in the other two), so each loss reaches only its own parameters, and Adam is
        # per-parameter: this is exactly three separate steps, for one pass through autograd
        # and the optimiser instead of three.
        self.optim.zero_grad(set_to_none=True)
        total = losses.critic + losses.actor
        (total + losses.alpha if self.config.auto_alpha else total).backward()
        self.optim.step()
        self._clamp_alpha()

        # 5. Targets trail the online critics: Q̄ ← (1 − τ) Q̄ + τ Q.
        with torch.no_grad():
            for target, online in zip(self.critic_target.parameters(),
                                      self.critic.parameters(), strict=True):
                target.lerp_(online, self.config.tau)
        return UpdateStats(*losses.stats.tolist())

    @torch.no_grad()
    def _clamp_alpha(self) -> None:
        lo, hi = self.config.alpha_min, self.config.alpha_max
        if lo is not None or hi is not None:
            self.log_alpha.clamp_(min=None if lo is None else math.log(lo),
                                  max=None if hi is None else math.log(hi))

    @property
    def alpha(self) -> float:
        return float(self.log_alpha.detach().exp())

    # ---- persistence ------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Everything that determines future updates and actions, as copies: networks,
        targets, optimisers, log α and the action-sampling generator. Loadable with
        ``torch.load(weights_only=True)``."""
        return copy.deepcopy({
            "obs_dim": self.obs_dim, "n_actions": self.n_actions,
            "actor": self.actor.state_dict(), "critic": self.critic.state_dict(),
            "critic_target": self.critic_target.state_dict(),
            "optim": self.optim.state_dict(),
            "log_alpha": self.log_alpha.detach(), "generator": self._generator.get_state(),
        })

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; the agent must have been built with the same sizes."""
        if (state["obs_dim"], state["n_actions"]) != (self.obs_dim, self.n_actions):
            raise ValueError(f"state is for obs_dim={state['obs_dim']}, "
                             f"n_actions={state['n_actions']}; this agent has "
                             f"{self.obs_dim}, {self.n_actions}")
        self.actor.load_state_dict(state["actor"])
        self.critic.load_state_dict(state["critic"])
        self.critic_target.load_state_dict(state["critic_target"])
        self.optim.load_state_dict(state["optim"])
        with torch.no_grad():
            self.log_alpha.copy_(state["log_alpha"])
        self._generator.set_state(state["generator"])

    def export_actor(self) -> dict[str, np.ndarray]:
        """The actor's weights for ``NumpyActor.from_weights``: ``weight_i`` (out, in) and
        ``bias_i`` (out,) for each linear layer i, ReLU between layers."""
        weights: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.actor.linear_layers()):
            weights[f"weight_{i}"] = layer.weight.detach().numpy().copy()
            weights[f"bias_{i}"] = layer.bias.detach().numpy().copy()
        return weights
