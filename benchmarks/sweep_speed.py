"""A sweep of 4 training runs (seeds 0-3 of one config) with 1 Ray worker and with 2:
wall, speed-up (goal ≥ 1.7× on a 2-core machine) and whether every run's numbers are the
same both ways (metrics.csv without its timing columns, actor.npz arrays).

Both ways are ``periodize sweep`` (``scale.sweep.sweep``) on a fresh local Ray cluster,
its start-up included. The machine's load average is recorded before and after: on a
shared machine another process's CPU time comes out of the speed-up.
Usage: python benchmarks/sweep_speed.py [--config sac] [--episodes 40] [--runs 4]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import emit

TIMING = {"wall_s", "env_steps_per_s", "updates_per_s"}


def fingerprint(run: Path) -> tuple:
    with (run / "metrics.csv").open() as fh:
        rows = [tuple((k, v) for k, v in r.items() if k not in TIMING)
                for r in csv.DictReader(fh)]
    actor = np.load(run / "actor.npz")
    return tuple(rows), tuple((k, actor[k].tobytes()) for k in actor.files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="sac")
    ap.add_argument("--episodes", type=int, default=40)
    ap.add_argument("--runs", type=int, default=4)
    args = ap.parse_args()
    from periodization.scale.sweep import sweep
    from periodization.training.config import dump_config, load_config

    seeds = list(range(args.runs))
    result: dict = {"config": args.config, "episodes": args.episodes, "runs": args.runs,
                    "load_avg_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.yaml"
        config.write_text(dump_config(load_config(args.config)
                                      .with_overrides(episodes=args.episodes)))
        prints = {}
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}"
            t0 = time.perf_counter()
            summary = sweep(configs=[config], seeds=seeds, out=out, workers=workers)
            wall = time.perf_counter() - t0
            runs = [summary["results"][f"bench/seed{s}"] for s in seeds]
            result[f"workers_{workers}"] = {
                "wall_s": round(wall, 2),
                "run_wall_s_median": float(np.median([r["wall_s"] for r in runs])),
                "load_avg_after": os.getloadavg()}
            prints[workers] = [fingerprint(out / "bench" / f"seed{s}") for s in seeds]
    speedup = result["workers_1"]["wall_s"] / result["workers_2"]["wall_s"]
    result.update(speedup=round(speedup, 3), goal_speedup=1.7, meets_goal=speedup >= 1.7,
                  same_numbers=prints[1] == prints[2],
                  seeds_differ=len({p for p in prints[1]}) == len(seeds))
    emit("sweep_speed", result)


if __name__ == "__main__":
    main()
