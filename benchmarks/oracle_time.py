"""Time for the oracle (MPC over daily sessions with the true model) to play one 90-day block
for each of 1000 fresh athletes of the packaged prior, batched (numba threads: the
machine's cores unless ``--threads``). Goal ≤ 2 minutes for 1000 athletes. Prints JSON:
the wall time of the whole rollout (median of the repeats), the environment's share of it
(the same episodes played by the rest policy), seconds per athlete-block and per 1000
athletes, the outcome and the share of hard sessions.

Usage: python benchmarks/oracle_time.py [--athletes 1000] [--days 90] [--repeats 1]
       [--threads N]
"""

from __future__ import annotations

import argparse
import time

import numba
from _common import emit, median

from periodization.cohort.cache import prepared_cohort
from periodization.policies.baselines import RestPolicy
from periodization.policies.planner import OraclePolicy
from periodization.policies.rollout import run_episodes
from periodization.sim.prior import load_prior

SEED = 20_000  # episode seeds 20 000 … : fresh athletes, not those of the tests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=1000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="numba threads (0: all cores)")
    args = ap.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)
    prepared, prior = prepared_cohort(), load_prior()

    def play(policy):
        t0 = time.perf_counter()
        df = run_episodes(policy, episodes=args.athletes, seed=SEED, prior=prior,
                          cohort=prepared, block_days=args.days)
        return time.perf_counter() - t0, df

    t0 = time.perf_counter()
    run_episodes(OraclePolicy(), episodes=2, seed=0, prior=prior, cohort=prepared,
                 block_days=5)
    compile_s = time.perf_counter() - t0
    env_s, _ = play(RestPolicy())
    times, df = [], None
    for _ in range(args.repeats):
        wall, df = play(OraclePolicy())
        times.append(wall)
    wall = median(times)
    hard = float(df["hard_sessions"].sum() / (args.athletes * args.days))
    emit("oracle_time", {
        "athletes": args.athletes, "days": args.days, "repeats": args.repeats,
        "threads": numba.get_num_threads(), "compile_or_load_s": compile_s,
        "wall_s_median": wall, "wall_s_all": times, "environment_s": env_s,
        "planner_s": wall - env_s, "s_per_athlete_block": wall / args.athletes,
        "s_per_1000_athletes": 1000.0 * wall / args.athletes,
        "outcome_pct_mean": float(df["outcome_pct"].mean()), "hard_session_share": hard,
        "violations": int(df["violations"].sum()), "goal_s_per_1000": 120.0,
        "meets_goal": 1000.0 * wall / args.athletes <= 120.0,
    })


if __name__ == "__main__":
    main()
