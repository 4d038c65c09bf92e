"""Batched simulator throughput: athlete-days per second at N = 4096 on one core.

One athlete-day = ``observe`` + ``transition`` with random actions. Goal ≥ 2 M/s.
Usage: python benchmarks/simulator_throughput.py [--athletes 4096] [--days 200] [--repeats 7]
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import emit, median, repeat_timed

from periodization.sim import dynamics
from periodization.sim.noise import KeyedRandom
from periodization.sim.prior import load_prior


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=4096)
    ap.add_argument("--days", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    params = load_prior().sample(args.athletes, rng)
    start = dynamics.initial(params)
    actions = rng.integers(0, 6, size=(args.days, args.athletes))

    def run() -> None:
        state, r = start, KeyedRandom.for_athletes(args.athletes, 1)
        for d in range(args.days):
            dynamics.observe(state, params, r)
            state = dynamics.transition(state, actions[d], params, r)

    times = repeat_timed(run, args.repeats)
    rates = [args.athletes * args.days / t for t in times]
    emit("simulator_throughput", {
        "athletes": args.athletes, "days": args.days, "repeats": args.repeats,
        "athlete_days_per_s_median": median(rates), "athlete_days_per_s_all": rates,
        "goal": 2_000_000, "meets_goal": median(rates) >= 2_000_000,
    })


if __name__ == "__main__":
    main()
