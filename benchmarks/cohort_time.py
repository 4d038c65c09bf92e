"""Time to synthesise a 200 × 180 cohort and compute its features (preprocess + split +
31 features + scaler). Goal ≤ 2 s (the earlier implementation: ≈ 9 s).

Usage: python benchmarks/cohort_time.py [--athletes 200] [--days 180] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

from _common import emit, median

from periodization.cohort.dataset import prepare_cohort
from periodization.cohort.synth import synthesize


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=200)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    synth, prep = [], []
    for i in range(args.repeats):
        t0 = time.perf_counter()
        cohort = synthesize(athletes=args.athletes, days=args.days, seed=i)
        t1 = time.perf_counter()
        prepare_cohort(cohort)
        t2 = time.perf_counter()
        synth.append(t1 - t0)
        prep.append(t2 - t1)
    total = [a + b for a, b in zip(synth, prep, strict=True)]
    emit("cohort_time", {
        "athletes": args.athletes, "days": args.days, "repeats": args.repeats,
        "synthesize_s_median": median(synth), "features_s_median": median(prep),
        "total_s_median": median(total), "total_s_all": total,
        "goal_s": 2.0, "meets_goal": median(total) <= 2.0,
    })


if __name__ == "__main__":
    main()
