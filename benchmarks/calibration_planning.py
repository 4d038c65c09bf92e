"""Does personal calibration pay? The oracle planner with calibrated parameters (with and
without reading each morning's wearable for life stress), with the true ones and with the
population's medians, on the same simulated athletes and noise
(``evaluation/calibration_check.py``), plus the calibration's accuracy on those athletes.

``--prior FILE`` draws the athletes from another prior, e.g. an evaluation population
(``periodization/sim/populations/``); calibration and the medians then use that prior too.

Usage: python benchmarks/calibration_planning.py [--athletes 30] [--history-days 180]
       [--block-days 90] [--seeds 0 1] [--prior FILE]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import emit

from periodization.evaluation.calibration_check import compare_planners, summarize_comparison
from periodization.sim.prior import load_prior


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=30)
    ap.add_argument("--history-days", type=int, default=180)
    ap.add_argument("--block-days", type=int, default=90)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--prior", default=None, help="prior YAML file (default: the packaged)")
    args = ap.parse_args()
    prior = load_prior(args.prior)
    runs = {}
    for seed in args.seeds:
        t0 = time.perf_counter()
        df = compare_planners(athletes=args.athletes, history_days=args.history_days,
                              block_days=args.block_days, seed=seed, prior=prior)
        summary = summarize_comparison(df)
        err = np.abs(df["optimal_load_log_error"].to_numpy())
        summary["optimal_load_abs_log_error_median"] = float(np.median(err))
        summary["optimal_load_within_35pct_share"] = float((err < 0.35).mean())
        summary["seconds"] = time.perf_counter() - t0
        runs[str(seed)] = summary
    pooled = {k: float(np.mean([r[k] for r in runs.values()]))
              for k in next(iter(runs.values())) if k.startswith("ratio_")}
    emit("calibration_planning", {
        "athletes": args.athletes, "history_days": args.history_days,
        "block_days": args.block_days, "prior": args.prior or "packaged", "by_seed": runs,
        "mean_over_seeds": pooled,
    })


if __name__ == "__main__":
    main()
