"""Environment throughput with random valid actions, autoreset included.

* single: ``gymnasium.make("Periodization-v1")`` (checker, order and time-limit wrappers),
  one step at a time; goal ≥ 5 000 steps/s (the earlier implementation: ≈ 1 900);
* vector: ``PeriodizationVectorEnv`` at N = 1024; goal ≥ 1 000 000 env-steps/s. Measured
  twice: as training runs it (``world.all_terms = False``: the reward terms the training
  reward does not pay, the 30-day projections, are not computed) and as evaluation runs it
  (every term, for the report's per-term figures).

Both use the same batched world (the single env is a batch of one). Prints JSON with the
median of several runs. Usage: python benchmarks/env_throughput.py [--repeats 5]
"""

from __future__ import annotations

import argparse

import gymnasium as gym
import numpy as np
from _common import emit, median, repeat_timed

import periodization  # noqa: F401  (registers Periodization-v1)
from periodization.env.vector_env import PeriodizationVectorEnv


def single_env_rate(steps: int, repeats: int) -> list[float]:
    env = gym.make("Periodization-v1")
    _, info = env.reset(seed=0)
    rng = np.random.default_rng(0)
    state = {"info": info}

    def run() -> None:
        info = state["info"]
        u = rng.random((steps, 6))
        for t in range(steps):
            action = int((u[t] * info["action_mask"]).argmax())  # uniform over valid actions
            _, _, _, truncated, info = env.step(action)
            if truncated:
                _, info = env.reset()
        state["info"] = info

    return [steps / t for t in repeat_timed(run, repeats)]


def vector_env_rate(num_envs: int, steps: int, repeats: int, *, all_terms: bool
                    ) -> list[float]:
    env = PeriodizationVectorEnv(num_envs)
    env.world.all_terms = all_terms
    _, info = env.reset(seed=0)
    rng = np.random.default_rng(0)
    state = {"mask": info["action_mask"]}

    def run() -> None:
        mask = state["mask"]
        for _ in range(steps):
            actions = (rng.random(mask.shape) * mask).argmax(axis=1)
            _, _, _, _, info = env.step(actions)
            mask = info["action_mask"]
        state["mask"] = mask

    return [num_envs * steps / t for t in repeat_timed(run, repeats)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--single-steps", type=int, default=5000)
    ap.add_argument("--num-envs", type=int, default=1024)
    ap.add_argument("--vector-steps", type=int, default=270)
    args = ap.parse_args()
    single = single_env_rate(args.single_steps, args.repeats)
    vector = vector_env_rate(args.num_envs, args.vector_steps, args.repeats, all_terms=False)
    every = vector_env_rate(args.num_envs, args.vector_steps, args.repeats, all_terms=True)
    emit("env_throughput", {
        "single_steps_per_s_median": median(single), "single_steps_per_s_all": single,
        "single_goal": 5000, "single_meets_goal": median(single) >= 5000,
        "vector_num_envs": args.num_envs,
        "vector_env_steps_per_s_median": median(vector), "vector_env_steps_per_s_all": vector,
        "vector_goal": 1_000_000, "vector_meets_goal": median(vector) >= 1_000_000,
        "vector_all_terms_env_steps_per_s_median": median(every),
        "vector_all_terms_env_steps_per_s_all": every,
        "repeats": args.repeats,
    })


if __name__ == "__main__":
    main()
