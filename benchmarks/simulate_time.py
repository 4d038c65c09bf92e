"""``periodize simulate`` speed: 1000 athletes × 90 days after compilation, in process
(start = drawing the athletes and their 56-day burn-in; plan = the 90 days), and the
command line end to end (a fresh process: imports and cached compiled kernels included).

Usage: python benchmarks/simulate_time.py [--athletes 1000] [--days 90] [--repeats 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np
from _common import emit, median, repeat_timed

from periodization.evaluation.simulate import run
from periodization.evaluation.simulate_start import lived_in

WEEK = np.array([0, 2, 4, 2, 1, 3, 2])  # R, AE, HI, AE, AR, TE, AE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=1000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    start = repeat_timed(lambda: lived_in(args.athletes, seed=0), args.repeats)
    athletes = lived_in(args.athletes, seed=0)
    plan = repeat_timed(lambda: run(athletes, WEEK, days=args.days), args.repeats)
    recorded = repeat_timed(lambda: run(athletes, WEEK, days=args.days, record=True),
                            args.repeats)
    cli = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "periodization.cli", "simulate", "--plan",
                        "R,AE,HI,AE,AR,TE,AE", "--days", str(args.days), "--athletes",
                        str(args.athletes), "--json"], check=True, capture_output=True)
        cli.append(time.perf_counter() - t0)
    emit("simulate_time", {
        "athletes": args.athletes, "days": args.days, "repeats": args.repeats,
        "start_s_median": median(start), "plan_s_median": median(plan),
        "plan_recorded_s_median": median(recorded),
        "athlete_days_per_s": args.athletes * args.days / median(plan),
        "cli_end_to_end_s_median": median(cli), "goal_plan_s": 1.0,
        "meets_goal": median(start) + median(plan) < 1.0,
    })


if __name__ == "__main__":
    main()
