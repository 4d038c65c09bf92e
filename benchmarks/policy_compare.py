"""A learned coach (run directories or packaged models) against the oracle and every heuristic
on the same fresh athletes of a prior: one 90-day block each, the same athletes, start states
and noise for every policy.

Prints JSON and, with ``--markdown``, the table "policy · outcome % [95 % CI] · share of the
oracle's outcome [95 % CI] · overreached / ill / injured days per block · hard-session share ·
violations". CIs are athlete bootstraps (2000 resamples; the share of the oracle is the
ratio of the two means, resampled by athlete, so it is paired).

Seeds: the default ``--seed 30000`` gives the test athletes of ``oracle_compare.py``; pick
configs on validation athletes instead (``--seed 5000000000``, ``core/seeds.py``'s
``VALIDATION_SEED``, the athletes runs validate on). The oracle's and the heuristics' tables are
cached per (prior, seed, athletes) under ``$PERIODIZATION_CACHE/policy_compare`` (the oracle
is the slow part), so comparing another run costs only that run's episodes.

Usage: python benchmarks/policy_compare.py --policy RUN_OR_MODEL [--policy ...]
       [--prior FILE] [--athletes 1000] [--seed 30000] [--no-heuristics] [--markdown]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import emit

from periodization.agents.artifacts import load_model
from periodization.cohort.cache import cache_dir, prepared_cohort
from periodization.policies.learned import ActorPolicy
from periodization.policies.planner import OraclePolicy
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.sim.prior import load_prior

HEURISTICS = ("random", "rest", "rule", "whoop", "hrv", "fixed", "cloning")
RESAMPLES = 2000
DAYS = 90


def bootstrap_rows(n: int, seed: int) -> np.ndarray:
    """(RESAMPLES, n) athlete indices drawn with replacement."""
    return np.random.default_rng(seed).integers(0, n, size=(RESAMPLES, n))


def ci(values: np.ndarray) -> list[float]:
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def summarise(name: str, df: pd.DataFrame, oracle: np.ndarray, idx: np.ndarray,
              seconds: float) -> dict:
    """One policy's figures, the athlete the unit (``idx``: the shared bootstrap rows)."""
    outcome = df["outcome_pct"].to_numpy()
    share = outcome[idx].mean(axis=1) / oracle[idx].mean(axis=1)
    return {
        "policy": name, "athletes": len(df), "outcome_pct": float(outcome.mean()),
        "ci95": ci(outcome[idx].mean(axis=1)),
        "oracle_share": float(outcome.mean() / oracle.mean()), "oracle_share_ci95": ci(share),
        "overreached_days": float(df["days_overreached"].mean()),
        "ill_days": float(df["days_ill"].mean()),
        "injured_days": float(df["days_injured"].mean()),
        "hard_share": float(df["hard_sessions"].sum() / (DAYS * len(df))),
        "violations": int(df["violations"].sum()), "wall_s": round(seconds, 1)}


def default_policy(prepared) -> ActorPolicy:
    """The packaged default model, greedy, fed the environment's observations in its own
    scaler's units."""
    model = load_model(None)
    same = (np.array_equal(prepared.scaler.mean, model.scaler.mean)
            and np.array_equal(prepared.scaler.scale, model.scaler.scale))
    return ActorPolicy(model.actor, name="default",
                       convert=None if same else (prepared.scaler, model.scaler),
                       uses_mask=model.uses_mask)


def cached_table(key: str, make) -> tuple[pd.DataFrame, float]:
    """A reference policy's episode table from the cache, else made and stored."""
    path = cache_dir() / "policy_compare" / f"{key}.parquet"
    if path.exists():
        return pd.read_parquet(path), 0.0
    t0 = time.perf_counter()
    table = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)
    return table, time.perf_counter() - t0


def prior_tag(path: str | Path | None) -> str:
    """The cache tag of a prior: its file's hash, or ``packaged``."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12] if path else "packaged"


def reference_tables(names, *, prepared, tag: str, common: dict
                     ) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """The oracle's and the heuristics' episode tables (cached), and their seconds."""
    tables, seconds = {}, {}
    for name in names:
        policy = OraclePolicy() if name == "oracle" else make_policy(name, prepared=prepared)
        tables[name], seconds[name] = cached_table(
            f"{name}-{tag}-{common['seed']}-{common['episodes']}",
            lambda p=policy: run_episodes(p, **common))
    return tables, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--policy", action="append", default=[],
                    help="run directory, 'default' (the packaged model) or a baseline name")
    ap.add_argument("--prior", default=None, help="prior YAML file (default: the packaged)")
    ap.add_argument("--athletes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=30_000)
    ap.add_argument("--no-heuristics", action="store_true", help="only the oracle and whoop")
    ap.add_argument("--markdown", action="store_true", help="print the table after the JSON")
    args = ap.parse_args()
    prepared, prior = prepared_cohort(), load_prior(args.prior)
    common = dict(episodes=args.athletes, seed=args.seed, prior=prior, cohort=prepared)
    references = ("oracle", "whoop") if args.no_heuristics else ("oracle", *HEURISTICS)
    tables, seconds = reference_tables(references, prepared=prepared,
                                       tag=prior_tag(args.prior), common=common)
    for name in args.policy:
        t0 = time.perf_counter()
        policy = default_policy(prepared) if name == "default" else make_policy(
            name, prepared=prepared)
        tables[name] = run_episodes(policy, **common)
        seconds[name] = time.perf_counter() - t0
    oracle = tables["oracle"]["outcome_pct"].to_numpy()
    idx = bootstrap_rows(args.athletes, seed=0)
    order = [*args.policy, *references]
    rows = [summarise(n, tables[n], oracle, idx, seconds[n]) for n in order]
    emit("policy_compare", {"athletes": args.athletes, "seed": args.seed, "days": DAYS,
                            "prior": args.prior or "packaged", "policies": rows})
    if args.markdown:
        print(markdown(rows))


def markdown(rows: list[dict]) -> str:
    lines = ["| policy | outcome % [95 % CI] | share of oracle [95 % CI] | overreached d | "
             "ill d | injured d | hard share | violations |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['policy']} | {r['outcome_pct']:.2f} [{r['ci95'][0]:.2f}, {r['ci95'][1]:.2f}]"
            f" | {100 * r['oracle_share']:.0f} % [{100 * r['oracle_share_ci95'][0]:.0f}, "
            f"{100 * r['oracle_share_ci95'][1]:.0f}] | {r['overreached_days']:.2f} | "
            f"{r['ill_days']:.2f} | {r['injured_days']:.2f} | {100 * r['hard_share']:.1f} % | "
            f"{r['violations']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
