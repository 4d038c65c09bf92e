"""The oracle against every heuristic and against random searches over weekly plans, on fresh
athletes of the packaged prior (one 90-day block each, the same athletes and noise for
every policy). Prints JSON and the markdown table "policy · outcome % [95 % CI] · oracle −
policy [95 % CI] · hard-session share · ill · injured · overreached days"; CIs by
athlete bootstrap.

The weekly searches read the true world as the oracle does and score each pattern with the
oracle's own objective: ``weekly-search`` keeps the best of ``--patterns`` random weekly
patterns on the first morning and repeats it (open loop); ``weekly-mpc`` picks the best of
``--mpc-patterns`` afresh every morning and does today's session of it (closed loop).
Also reported, on the first morning: how far the oracle's plan scores above the best
random weekly pattern in the model's own figure of merit (the search alone, no noise).

Usage: python benchmarks/oracle_compare.py [--athletes 1000] [--seed 30000]
       [--patterns 1000] [--mpc-patterns 100] [--markdown]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import emit

from periodization.cohort.cache import prepared_cohort
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.evaluation.bootstrap import diff_ci, mean_ci
from periodization.policies.planner import OraclePolicy
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.policies.weekly_search import WeeklySearchPolicy
from periodization.sim.prior import load_prior

HEURISTICS = ("random", "rest", "rule", "whoop", "hrv", "fixed", "cloning")


def first_morning_margin(prepared, prior, *, athletes: int, seed: int, patterns: int) -> dict:
    """The oracle's first-morning plan score minus the best random weekly pattern's, points
    of test performance (the model's figure of merit net of the expected illness cost)."""
    env = PeriodizationVectorEnv(athletes, prior=prior, cohort=prepared, autoreset=False)
    _, info = env.reset(seed=seed)
    out = {}
    for name, policy in (("oracle", OraclePolicy()), ("weekly", WeeklySearchPolicy(
            patterns=patterns))):
        policy.bind(env.world)
        out[name] = policy.scores(info["action_mask"]).max(axis=1)
    margin = out["oracle"] - out["weekly"]
    value, ci = mean_ci(margin, seed=0)
    return {"patterns": patterns, "mean_points": value, "ci95": list(ci),
            "oracle_at_least_as_good_share": float((margin >= -1e-9).mean())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=30_000)
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--mpc-patterns", type=int, default=100)
    ap.add_argument("--markdown", action="store_true", help="print the table after the JSON")
    args = ap.parse_args()
    prepared, prior = prepared_cohort(), load_prior()
    policies = {"oracle": OraclePolicy(),
                f"weekly-search (K={args.patterns})": WeeklySearchPolicy(patterns=args.patterns),
                f"weekly-mpc (K={args.mpc_patterns})": WeeklySearchPolicy(
                    patterns=args.mpc_patterns, replan=True),
                **{name: make_policy(name, prepared=prepared) for name in HEURISTICS}}
    tables, seconds = {}, {}
    for name, policy in policies.items():
        t0 = time.perf_counter()
        tables[name] = run_episodes(policy, episodes=args.athletes, seed=args.seed,
                                    prior=prior, cohort=prepared)
        seconds[name] = time.perf_counter() - t0
    oracle = tables["oracle"]["outcome_pct"].to_numpy()
    rows = []
    for name, df in tables.items():
        outcome = df["outcome_pct"].to_numpy()
        value, ci = mean_ci(outcome, seed=0)
        diff, diff_ci95 = diff_ci(oracle, outcome, seed=0)
        rows.append({
            "policy": name, "outcome_pct": value, "ci95": list(ci),
            "oracle_minus": diff, "oracle_minus_ci95": list(diff_ci95),
            "oracle_better_share": float((oracle > outcome).mean()),
            "hard_share": float(df["hard_sessions"].sum() / (90 * len(df))),
            "ill_days": float(df["days_ill"].mean()),
            "injured_days": float(df["days_injured"].mean()),
            "overreached_days": float(df["days_overreached"].mean()),
            "violations": int(df["violations"].sum()), "wall_s": seconds[name]})
    margin = first_morning_margin(prepared, prior, athletes=min(args.athletes, 300),
                                  seed=args.seed, patterns=args.patterns)
    emit("oracle_compare", {"athletes": args.athletes, "seed": args.seed, "days": 90,
                            "policies": rows, "first_morning_plan_margin": margin})
    if args.markdown:
        print(markdown(rows))


def markdown(rows: list[dict]) -> str:
    lines = ["| policy | outcome % [95 % CI] | oracle − policy [95 % CI] | hard share | "
             "ill d | injured d | overreached d |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        gap = ("–" if r["policy"] == "oracle" else
               f"{r['oracle_minus']:+.2f} [{r['oracle_minus_ci95'][0]:+.2f}, "
               f"{r['oracle_minus_ci95'][1]:+.2f}]")
        lines.append(f"| {r['policy']} | {r['outcome_pct']:.2f} [{r['ci95'][0]:.2f}, "
                     f"{r['ci95'][1]:.2f}] | {gap} | {100 * r['hard_share']:.1f} % | "
                     f"{r['ill_days']:.2f} | {r['injured_days']:.2f} | "
                     f"{r['overreached_days']:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
