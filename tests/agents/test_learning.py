"""The agent must solve a tiny masked, delayed-reward task in seconds.

Two-step episodes, 6 contexts. At step 0 in context c the *lure* (c + 4) % 6 pays 0.5 at
once but leads to a dead end where only REST is allowed; the *key* (c + 2) % 6 pays nothing
but opens a room where the context decides which of three allowed actions pays 1; every
other action pays 0 and leads to the dead end. Action (c + 1) % 6 is masked at step 0.
With γ = 0.9 the key is worth ≈ 0.9 > 0.5: choosing it needs a bootstrapped target (an
agent without one takes the lure), the room needs the actor to follow the critic, and the
masks change between steps, so the target must use the next state's mask.
"""

from __future__ import annotations

import numpy as np

from periodization.agents.config import SACConfig
from periodization.agents.replay import ReplayBuffer
from periodization.agents.sac import SACAgent

K, A = 6, 6  # contexts, actions
START, ROOM, DEAD_END = 0, 1, 2


def observe(context_N: np.ndarray, phase_N: np.ndarray) -> np.ndarray:
    obs_NO = np.zeros((len(context_N), K + 3), dtype=np.float32)
    obs_NO[np.arange(len(context_N)), context_N] = 1.0
    obs_NO[np.arange(len(context_N)), K + phase_N] = 1.0
    return obs_NO


def masks(context_N: np.ndarray, phase_N: np.ndarray) -> np.ndarray:
    mask_NA = np.zeros((len(context_N), A), dtype=bool)
    start = phase_N == START
    mask_NA[start] = True
    mask_NA[np.flatnonzero(start), (context_N[start] + 1) % A] = False
    mask_NA[phase_N == ROOM, :3] = True
    mask_NA[phase_N == DEAD_END, 0] = True
    return mask_NA


def step(context_N, phase_N, action_N):
    """(reward, next phase, terminated) of each athlete's transition."""
    key, lure = (context_N + 2) % A, (context_N + 4) % A
    at_start = phase_N == START
    reward_N = np.where(at_start, 0.5 * (action_N == lure),
                        1.0 * ((phase_N == ROOM) & (action_N == context_N % 3)))
    next_phase_N = np.where(at_start & (action_N == key), ROOM, DEAD_END)
    return reward_N, next_phase_N, ~at_start


def best_action(context_N: np.ndarray, phase_N: np.ndarray) -> np.ndarray:
    return np.where(phase_N == START, (context_N + 2) % A, context_N % 3)


def test_solves_masked_delayed_reward_chain():
    n_envs, n_updates = 32, 600  # solved by ~300 updates on seeds 0–7
    rng = np.random.default_rng(0)
    config = SACConfig(hidden=(64, 64), lr_actor=1e-3, lr_critic=1e-3, lr_alpha=1e-3,
                       gamma=0.9, tau=0.02, batch_size=128)
    agent = SACAgent(obs_dim=K + 3, n_actions=A, config=config, seed=0)
    buffer = ReplayBuffer(capacity=20_000, obs_dim=K + 3, n_actions=A)
    context_N, phase_N = rng.integers(0, K, n_envs), np.zeros(n_envs, dtype=np.int64)
    for _ in range(n_updates):
        obs_NO, mask_NA = observe(context_N, phase_N), masks(context_N, phase_N)
        action_N = agent.act(obs_NO, mask_NA, deterministic=False)
        reward_N, next_phase_N, terminated_N = step(context_N, phase_N, action_N)
        buffer.add(obs_BO=obs_NO, action_B=action_N, reward_B=reward_N,
                   next_obs_BO=observe(context_N, next_phase_N), terminated_B=terminated_N,
                   truncated_B=np.zeros(n_envs, dtype=bool), action_mask_BA=mask_NA,
                   next_action_mask_BA=masks(context_N, next_phase_N))
        agent.update(buffer.sample(config.batch_size, rng))
        context_N = np.where(terminated_N, rng.integers(0, K, n_envs), context_N)
        phase_N = np.where(terminated_N, START, next_phase_N)

    # Every decision state: 6 starts and 6 rooms (the dead end has one allowed action).
    context_S = np.tile(np.arange(K), 2)
    phase_S = np.repeat([START, ROOM], K)
    greedy_S = agent.act(observe(context_S, phase_S), masks(context_S, phase_S),
                         deterministic=True)
    optimal = greedy_S == best_action(context_S, phase_S)
    assert optimal.mean() >= 0.95, f"greedy actions optimal in {optimal.mean():.0%} of states"
