"""Masked discrete-SAC speed: gradient updates per second and act() latency, one torch thread.

An update = TD target over the twin target critics, twin-critic regression, actor and
temperature losses, and the Polyak update, at batch 256 with random masks (1..6 valid).
Usage: python benchmarks/sac_update.py [--updates 100] [--repeats 7]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch
from _common import emit, median, repeat_timed

from periodization.agents.config import SACConfig
from periodization.agents.replay import ReplayBuffer
from periodization.agents.sac import SACAgent

OBS_DIM, N_ACTIONS = 17, 6


def random_masks(n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, A) bool masks with REST always allowed and each other action allowed w.p. ½."""
    mask_BA = rng.random((n, N_ACTIONS)) < 0.5
    mask_BA[:, 0] = True
    return mask_BA


def filled_buffer(n: int, rng: np.random.Generator) -> ReplayBuffer:
    buffer = ReplayBuffer(capacity=n, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    mask_BA = random_masks(n, rng)
    buffer.add(obs_BO=rng.normal(size=(n, OBS_DIM)), action_B=np.zeros(n, np.int64),
               reward_B=rng.normal(size=n), next_obs_BO=rng.normal(size=(n, OBS_DIM)),
               terminated_B=rng.random(n) < 0.01, truncated_B=rng.random(n) < 0.01,
               action_mask_BA=mask_BA, next_action_mask_BA=random_masks(n, rng))
    return buffer


def wall_and_cpu(fn: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """``repeat_timed`` plus the process CPU seconds of each timed call: CPU-second rates
    estimate uncontended speed when other processes share the cores."""
    cpu: list[float] = []

    def run() -> None:
        c0 = time.process_time()
        fn()
        cpu.append(time.process_time() - c0)

    wall = repeat_timed(run, repeats)
    return wall, cpu[1:]  # the first call is repeat_timed's warm-up


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--updates", type=int, default=100, help="updates per timed run")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    buffer = filled_buffer(10_000, rng)
    batches = [buffer.sample(256, rng) for _ in range(args.updates)]
    result: dict = {"batch_size": 256, "torch_threads": 1, "updates_per_run": args.updates,
                    "repeats": args.repeats, "torch": torch.__version__}
    for hidden in ((256, 256), (64, 64)):
        agent = SACAgent(obs_dim=OBS_DIM, n_actions=N_ACTIONS,
                         config=SACConfig(hidden=hidden, torch_threads=1), seed=0)
        wall, cpu = wall_and_cpu(lambda a=agent: [a.update(b) for b in batches], args.repeats)
        rates = [args.updates / t for t in wall]
        act_us: dict = {}
        for n in (1, 1024):
            obs_BO = rng.normal(size=(n, OBS_DIM)).astype(np.float32)
            mask_BA = random_masks(n, rng)
            for kind, deterministic in (("sample", False), ("greedy", True)):
                act_times = repeat_timed(lambda a=agent, o=obs_BO, m=mask_BA, d=deterministic: [
                    a.act(o, m, deterministic=d) for _ in range(100)], args.repeats)
                act_us[f"batch_{n}_{kind}"] = 1e6 * median(act_times) / 100
        result["x".join(map(str, hidden))] = {
            "updates_per_s": median(rates), "ms_per_update": 1e3 / median(rates),
            "updates_per_s_all": rates,
            "updates_per_cpu_s": median([args.updates / t for t in cpu]), "act_us": act_us}
    emit("sac_update", result)


if __name__ == "__main__":
    main()
