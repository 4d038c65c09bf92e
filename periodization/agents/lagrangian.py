"""Safety as an objective: Lagrange multipliers on per-block budgets of bad days.

A constrained run maximises the block's return subject to E[days overreached per block] ≤ b_o
and E[days ill per block] ≤ b_i (on top of the hard masks, which stay on). The Lagrangian
relaxation trains SAC on r − Σ_c λ_c · cost_c, where cost_c is the day's flag (1 if the
athlete woke up overreached / ill after the session, else 0), and updates the multipliers by
projected dual ascent once per round of episodes:

    λ_c ← clip(λ_c + lr · (mean episode cost_c − b_c), 0, λ_max)

so λ rises while the policy spends more bad days than its budget and falls back to 0 when it
spends fewer (Altman 1999, constrained MDPs; Tessler et al. 2019 for the actor-critic form).
"mean episode cost" is either the round's training episodes (the sampling policy on the
training population) or, with ``constraints.signal: eval``, the greedy policy's days per
block at each validation (``eval_costs``): the policy and athletes a budget is judged on.
Costs are stored in the replay buffer apart from the reward, and the penalty is applied with
the *current* λ when a batch is sampled, so old transitions are not priced at stale λ.

Shapes: B = batch, C = cost kinds (``COSTS``).
"""

from __future__ import annotations

import numpy as np

COSTS = ("overreached", "ill")  # the env's per-day flags (info keys), in cost-column order
N_COSTS = len(COSTS)


def dual_step(lam_C: np.ndarray, cost_C: np.ndarray, budget_C: np.ndarray, *, lr: float,
              lam_max: float) -> np.ndarray:
    """One projected dual-ascent step: each multiplier moves by ``lr`` × (mean episode cost
    − budget), in days per block, and is kept in [0, ``lam_max``]."""
    step = np.asarray(cost_C, dtype=np.float64) - np.asarray(budget_C, dtype=np.float64)
    return np.clip(np.asarray(lam_C, dtype=np.float64) + lr * step, 0.0, lam_max)


def penalised_reward(reward_B: np.ndarray, cost_BC: np.ndarray, lam_C: np.ndarray
                     ) -> np.ndarray:
    """r − Σ_c λ_c · cost_c per transition, (B,), in the reward's dtype."""
    penalty_B = np.asarray(cost_BC, dtype=np.float64) @ np.asarray(lam_C, dtype=np.float64)
    return (reward_B - penalty_B).astype(np.asarray(reward_B).dtype)


EVAL_KEYS = ("days_overreached", "days_ill")  # an evaluation's per-block means, COSTS order


def eval_costs(evaluation: dict[str, float]) -> np.ndarray:
    """(C,) bad days per block of an evaluation (``EvalCallback``'s figures), in ``COSTS``
    order: what a dual step on the greedy validation policy compares with the budgets."""
    return np.array([float(evaluation[k]) for k in EVAL_KEYS], dtype=np.float64)


def day_costs(info: dict, n: int, *, warning_from: float | None = None) -> np.ndarray:
    """(n, C) float32 cost flags of one vector-env step: each row's flag from the step's
    info, or, for rows whose episode ended this step, from ``final_info``.

    ``warning_from`` (in (0, 1)) grades the overreached cost instead of flagging it: 0 while
    maladaptation is below that share of the overreached threshold, rising linearly to 1 at
    the threshold and 1 above it (``info["overreach_level"]``). It is never below the flag,
    and it charges the days that lead into overreaching, which the flag only sees once it is
    too late to rest them off."""
    out = np.zeros((n, N_COSTS), dtype=np.float32)
    for part in (info, info.get("final_info", {})):
        for c, key in enumerate(COSTS):
            if key in part:
                rows = part[f"_{key}"]
                out[rows, c] = np.asarray(part[key], dtype=np.float32)[rows]
        if warning_from is not None and "overreach_level" in part:
            rows = part["_overreach_level"]
            level = np.asarray(part["overreach_level"], dtype=np.float64)[rows]
            graded = np.clip((level - warning_from) / (1.0 - warning_from), 0.0, 1.0)
            out[rows, 0] = np.maximum(out[rows, 0], graded.astype(np.float32))
    return out
