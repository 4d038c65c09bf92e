"""Time for the oracle (MPC with the true model) to play 100 test episodes of 90 days on
one core. Goal ≤ 2 minutes. Prints JSON with the median of several runs and the outcome.

Usage: python benchmarks/oracle_time.py [--episodes 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

from _common import emit, median

from periodization.cohort.cache import prepared_cohort
from periodization.policies.planner import OraclePolicy
from periodization.policies.rollout import run_episodes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    prepared = prepared_cohort()
    run_episodes(OraclePolicy(), episodes=2, seed=0, cohort=prepared, block_days=5)  # compile
    times, outcome = [], None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        df = run_episodes(OraclePolicy(), episodes=args.episodes, seed=0, split="test",
                          cohort=prepared)
        times.append(time.perf_counter() - t0)
        outcome = float(df["outcome_pct"].mean())
    emit("oracle_time", {
        "episodes": args.episodes, "repeats": args.repeats, "wall_s_median": median(times),
        "wall_s_all": times, "outcome_pct_mean": outcome, "goal_s": 120.0,
        "meets_goal": median(times) <= 120.0,
    })


if __name__ == "__main__":
    main()
