"""``SB3VecEnv``: the batched ``PeriodizationVectorEnv`` as a Stable-Baselines3 ``VecEnv``
(needs the ``[ppo]`` extra).

SB3's own ``DummyVecEnv`` steps N single envs one after the other; this steps N athletes in
one batched world call (the same numbers as N single envs seeded ``seed, seed+1, …``).
Each row's info has what SB3 reads: ``terminal_observation`` and ``TimeLimit.truncated``
when a block ends (a truncation: PPO bootstraps through it), ``episode`` (``r``, ``l``, as
``VecMonitor`` writes it) and the block's ``performance_change_pct``. ``action_masks()`` (and
``env_method("action_masks")``) give sb3-contrib's ``MaskablePPO`` the masks.

    from sb3_contrib import MaskablePPO
    env = SB3VecEnv(PeriodizationVectorEnv(8))
    MaskablePPO("MlpPolicy", env).learn(10_000)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from periodization.core.extras import require
from periodization.env.vector_env import PeriodizationVectorEnv

_vec_env = require("stable_baselines3.common.vec_env", purpose="the SB3 adapter")

# Per-row info keys handed to SB3 (the vector env has more: ``env.venv`` step by step).
ROW_KEYS = ("action_mask", "violation", "action_taken", "violations", "day_in_block",
            "performance_change_pct")


class SB3VecEnv(_vec_env.VecEnv):
    """An SB3 ``VecEnv`` over a ``PeriodizationVectorEnv`` in ``SAME_STEP`` autoreset."""

    def __init__(self, venv: PeriodizationVectorEnv) -> None:
        if venv.autoreset_mode.name != "SAME_STEP":
            raise ValueError("SB3VecEnv needs the vector env's SAME_STEP autoreset (SB3's)")
        self.venv = venv
        self.render_mode = None
        super().__init__(venv.num_envs, venv.single_observation_space,
                         venv.single_action_space)
        self._actions: np.ndarray | None = None

    # --- the VecEnv protocol ---------------------------------------------------------------
    def reset(self) -> np.ndarray:
        seeds = None if self._seeds[0] is None else [int(s) for s in self._seeds]
        obs, info = self.venv.reset(seed=seeds)
        self._reset_seeds()
        self.reset_infos = [{"action_mask": info["action_mask"][i]}
                            for i in range(self.num_envs)]
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = np.asarray(actions).reshape(self.num_envs)

    def step_wait(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict]]:
        obs, reward, terminated, truncated, info = self.venv.step(self._actions)
        done = terminated | truncated
        final = info.get("final_info", {})
        infos = []
        for i in range(self.num_envs):
            source = final if done[i] else info
            row = {k: source[k][i] for k in ROW_KEYS if k in source}
            if done[i]:
                row["terminal_observation"] = info["final_obs"][i]
                row["TimeLimit.truncated"] = bool(truncated[i] and not terminated[i])
                row["episode"] = {"r": float(final["episode_return"][i]),
                                  "l": int(final["day_in_block"][i])}
            infos.append(row)
        return obs, reward.astype(np.float32), done, infos

    def close(self) -> None:
        self.venv.close()

    def action_masks(self) -> np.ndarray:
        """Bool (N, 6), True = allowed."""
        return self.venv.action_masks()

    def get_attr(self, attr_name: str, indices: Any = None) -> list[Any]:
        if attr_name == "render_mode":
            return [None for _ in self._get_indices(indices)]
        value = getattr(self.venv, attr_name)  # AttributeError, as SB3 expects
        return [value for _ in self._get_indices(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: Any = None) -> None:
        raise AttributeError("the rows of a batched world share their attributes: set them "
                             "on the PeriodizationVectorEnv before wrapping it")

    def env_method(self, method_name: str, *method_args: Any, indices: Any = None,
                   **method_kwargs: Any) -> list[Any]:
        rows = list(self._get_indices(indices))
        if method_name == "action_masks":
            masks = self.venv.action_masks()
            return [masks[i] for i in rows]
        result = getattr(self.venv, method_name)(*method_args, **method_kwargs)
        return [result for _ in rows]

    def env_is_wrapped(self, wrapper_class: type, indices: Any = None) -> list[bool]:
        return [False for _ in self._get_indices(indices)]

    def get_images(self) -> Sequence[np.ndarray | None]:
        return [None for _ in range(self.num_envs)]

    def _get_indices(self, indices: Any) -> Iterable[int]:
        if indices is None:
            return range(self.num_envs)
        return [indices] if isinstance(indices, int) else indices
