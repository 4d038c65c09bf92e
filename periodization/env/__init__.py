"""Gymnasium environments: ``Periodization-v1`` (World v2; single) and its batched
vector form.

Owns: the World (``world``), the two environments, the reward, the safety rules, episode
starts, and the adapters for other libraries: ``sb3`` (an SB3 ``VecEnv``, needs the
``[ppo]`` extra) and ``wrappers`` (the Dict-observation mask layouts of RLlib and Tianshou).
May import: ``cohort``, ``calibration``, ``ingest``, ``features``, ``sim``, ``core``.
"""

from __future__ import annotations

import gymnasium as gym

ENV_ID = "Periodization-v1"

if ENV_ID not in gym.registry:
    gym.register(
        id=ENV_ID,
        entry_point="periodization.env.periodization_env:PeriodizationEnv",
        vector_entry_point="periodization.env.vector_env:PeriodizationVectorEnv",
        # No registered time limit: the env ends its block itself after ``block_days``
        # (default 90), so ``gym.make(ENV_ID, block_days=120)`` runs 120 days; a
        # ``max_episode_steps`` given to ``make``/``make_vec`` sets ``block_days``.
        max_episode_steps=None,
    )
