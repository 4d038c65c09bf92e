"""Wall time, throughput and peak memory of the default training run (``--config sac-fast``:
1200 episodes of 90 days, docs/training.md "The three-minute default"), and where it got
to on validation athletes.

Prints JSON: total wall (process start to end: imports, cohort, training, evaluations)
and training wall, CPU seconds (≈ uncontended wall when other processes share the cores),
env steps/s, updates/s, peak RSS, and the validation outcome (% performance change over
the block; best checkpoint and last evaluation) next to the masked-random baseline's on
the same episodes. Goals: wall ≤ 180 s on a 2-core machine, peak RSS ≤ 2 GB.
Usage: python benchmarks/train_time.py [--config periodization/configs/sac-fast.yaml]
       [--episodes N] [--seed S] [--out RUN_DIR]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import emit  # noqa: E402

CONFIG = Path(__file__).parents[1] / "periodization" / "configs" / "sac-fast.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", type=Path, default=CONFIG)
    ap.add_argument("--episodes", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None, help="run directory (default: temp)")
    args = ap.parse_args()

    from periodization.policies.baselines import RandomPolicy
    from periodization.policies.rollout import run_episodes
    from periodization.training.config import load_config
    from periodization.training.launch import run_training

    config = load_config(args.config).with_overrides(episodes=args.episodes, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "run"
        c0 = time.process_time()
        # the config file's name is the run's group, as `periodize train --config FILE` gives it
        summary = run_training(out=out, config=config, force=True, quiet=True,
                               group=args.config.stem)
        cpu_s = time.process_time() - c0
        with (out / "metrics.csv").open() as fh:
            evals = [r for r in csv.DictReader(fh) if r["eval_outcome_pct"]]
    wall_s = time.perf_counter() - T0
    random = run_episodes(RandomPolicy(config.train.seed), episodes=config.train.eval_episodes,
                          seed=config.train.seed, split="val", cohort=config.env.cohort)
    train_s = summary["wall_s"]
    emit("train_time", {
        "config": str(args.config), "algo": config.train.algo,
        "episodes": summary["episodes"], "env_steps": summary["env_steps"],
        "updates": summary["updates"], "seed": config.train.seed,
        "wall_s": round(wall_s, 1), "train_wall_s": train_s,
        "train_cpu_s": round(cpu_s, 1),
        "env_steps_per_s": round(summary["env_steps"] / train_s, 1),
        "updates_per_s": round(summary["updates"] / train_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "val_outcome_pct_best": summary["best"]["outcome_pct"],
        "val_outcome_pct_best_at_episode": summary["best"]["episodes"],
        "val_outcome_pct_last": float(evals[-1]["eval_outcome_pct"]),
        "val_violations_best": summary["best"]["violations"],
        "val_outcome_pct_masked_random": float(random["outcome_pct"].mean()),
        "val_episodes": config.train.eval_episodes,
        "goals": {"wall_s": 180, "peak_rss_mb": 2048},
    })


if __name__ == "__main__":
    main()
