"""The constrained coach's trade-off: block outcome against overreached days, one point per
training run (Lagrangian SAC at several budgets, seeds apart), with the oracle and whoop on
the same fresh athletes for reference.

Each run is played greedily on the same ``--athletes`` fresh athletes of the packaged prior
(default: the validation stream, ``--seed 5000000000``; configs are picked on these, never
on test athletes). Prints JSON (per run and per budget: mean over its seeds) and writes a
matplotlib PNG (``--png``).

Usage: python benchmarks/tradeoff.py --runs RUN_DIR [--runs ...] [--athletes 300]
       [--seed 5000000000] [--png docs/constrained-tradeoff.png]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from _common import emit
from policy_compare import cached_table

from periodization.cohort.cache import prepared_cohort
from periodization.policies.planner import OraclePolicy
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.sim.prior import load_prior
from periodization.training.config import load_config


def budget_of(run: Path) -> str:
    """The run's constraint as a label: 'unconstrained', a fixed price ('λ 0.3': no dual
    steps), or the overreached-days budget and what it answers to ('0.8 eval': the greedy
    validation policy; a bare '1' is the training episodes), prefixed 'wide ' for a run on
    fresh athletes of a prior, so points of different learners are not averaged together."""
    config = load_config(run / "config.yaml")
    cons, wide = config.constraints, "wide " if config.env.prior else ""
    if not cons.enabled:
        return f"{wide}unconstrained"
    if cons.lr == 0:
        return f"{wide}λ {cons.lambda_init:g}"
    return f"{wide}{cons.overreached_days:g}" + (" eval" if cons.signal == "eval" else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", action="append", type=Path, required=True)
    ap.add_argument("--athletes", type=int, default=300)
    ap.add_argument("--seed", type=int, default=5_000_000_000)
    ap.add_argument("--png", type=Path, default=None)
    args = ap.parse_args()
    prepared, prior = prepared_cohort(), load_prior()
    common = dict(episodes=args.athletes, seed=args.seed, prior=prior, cohort=prepared)
    refs = {}
    for name in ("oracle", "whoop"):
        policy = OraclePolicy() if name == "oracle" else make_policy(name, prepared=prepared)
        table, _ = cached_table(f"{name}-packaged-{args.seed}-{args.athletes}",
                                lambda p=policy: run_episodes(p, **common))
        refs[name] = {"outcome_pct": float(table["outcome_pct"].mean()),
                      "overreached_days": float(table["days_overreached"].mean()),
                      "ill_days": float(table["days_ill"].mean())}
    runs, groups = [], defaultdict(list)
    for run in args.runs:
        table = run_episodes(make_policy(str(run), prepared=prepared), **common)
        row = {"run": str(run), "budget": budget_of(run),
               "outcome_pct": float(table["outcome_pct"].mean()),
               "overreached_days": float(table["days_overreached"].mean()),
               "ill_days": float(table["days_ill"].mean()),
               "violations": int(table["violations"].sum())}
        runs.append(row)
        groups[row["budget"]].append(row)
    budgets = [{"budget": b, "seeds": len(rs),
                **{k: float(np.mean([r[k] for r in rs]))
                   for k in ("outcome_pct", "overreached_days", "ill_days")}}
               for b, rs in groups.items()]
    emit("tradeoff", {"athletes": args.athletes, "seed": args.seed, "runs": runs,
                      "budgets": budgets, "references": refs})
    if args.png:
        plot(runs, budgets, refs, args.png, athletes=args.athletes)


def plot(runs: list[dict], budgets: list[dict], refs: dict, png: Path, *, athletes: int
         ) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    ax.scatter([r["overreached_days"] for r in runs], [r["outcome_pct"] for r in runs],
               s=18, color="0.6", label="one training seed")
    # labels in a column right of the points, at least `gap` apart, each with a leader
    # line: budgets of one learner land within a few hundredths of a day of each other
    points = sorted(budgets, key=lambda b: -b["outcome_pct"])
    ys = [r["outcome_pct"] for r in runs] + [r["outcome_pct"] for r in refs.values()]
    gap, label_x = (max(ys) - min(ys)) / 16, max(b["overreached_days"] for b in budgets) + 0.35
    label_y = float("inf")
    for b in points:
        ax.scatter(b["overreached_days"], b["outcome_pct"], s=60, color="C0", zorder=3)
        label = b["budget"] if "unconstrained" in b["budget"] or "λ" in b["budget"] else (
            f"budget {b['budget']}")
        label_y = min(b["outcome_pct"], label_y - gap)
        ax.annotate(label, (b["overreached_days"], b["outcome_pct"]), xytext=(label_x, label_y),
                    fontsize=8, va="center",
                    arrowprops=dict(arrowstyle="-", color="0.5", lw=0.6))
    for name, ref in refs.items():
        ax.scatter(ref["overreached_days"], ref["outcome_pct"], marker="*", s=120,
                   color="C3" if name == "oracle" else "C2", zorder=3, label=name)
    ax.set_xlabel("days non-functionally overreached per 90-day block")
    ax.set_ylabel("block outcome, % change in test performance")
    ax.set_title(f"Lagrangian SAC: outcome vs overreaching ({athletes} validation athletes)",
                 fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
