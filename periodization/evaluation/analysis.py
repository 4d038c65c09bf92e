"""The statistics of a comparison: every policy on the same episodes, learned agents
aggregated over their training seeds, paired tests against the baselines, the share of the
oracle's outcome, the gap closed from the best heuristic, and ablations.

Input is one per-episode table (``evaluation.play`` rows, a ``policy`` column naming each
policy, per-seed agents as ``group/s<seed>``) and a ``Roster`` saying who is who.
Output is plain JSON-ready dicts: ``summary.json`` and the report are built from them.

The athlete (``athlete_id``) is the unit: CIs resample athletes (all blocks of one athlete
together) and paired tests compare athlete means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from periodization.env.reward import COMPONENTS
from periodization.evaluation.stats import (
    mean_ci95,
    n_athletes,
    paired_bootstrap_ci95,
    paired_wilcoxon,
)
from periodization.sim.actions import ACTION_NAMES

HEURISTICS = ("rule", "whoop", "hrv", "fixed", "cloning")  # candidates for "best heuristic"
REFERENCES = ("random", "rest")  # floors, not heuristics
ORACLE = "oracle"
ALPHA = 0.01  # SPEC §8: ahead of every heuristic with p < 0.01
METRICS = ("outcome_pct", "return", *(f"reward_{c}" for c in COMPONENTS), "days_overreached",
           "days_ill", "violations")
# What an ablation changes, versus the default agent (the first learned agent).
ABLATION_METRICS = ("outcome_pct", "return", "days_overreached", "days_ill", "violations")


@dataclass(frozen=True)
class Roster:
    """Who is who in a per-episode table."""

    baselines: list[str] = field(default_factory=list)
    agents: dict[str, list[str]] = field(default_factory=dict)  # group → per-seed labels
    ablations: dict[str, list[str]] = field(default_factory=dict)  # name → per-seed labels

    def kind(self, name: str) -> str:
        if name in self.agents:
            return "agent"
        if name in self.ablations:
            return "ablation"
        if any(name in labels for labels in self.agents.values()):
            return "agent seed"
        if any(name in labels for labels in self.ablations.values()):
            return "ablation seed"
        if name == ORACLE:
            return "oracle"
        return "heuristic" if name in HEURISTICS else "reference"


def aggregate_seeds(episodes: pd.DataFrame, labels: list[str], name: str) -> pd.DataFrame:
    """One row per episode: the mean over the given per-seed policies (same episodes)."""
    rows = episodes[episodes["policy"].isin(labels)]
    numeric = rows.drop(columns=["policy", "athlete_id"]).groupby("episode", sort=True).mean()
    ids = rows.groupby("episode", sort=True)["athlete_id"].first()
    out = numeric.reset_index()
    out.insert(0, "policy", name)
    out.insert(2, "athlete_id", ids.to_numpy())
    return out[episodes.columns]


def with_aggregates(episodes: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """The table plus one aggregate policy per agent and per ablation (mean over seeds)."""
    extra = [aggregate_seeds(episodes, labels, name)
             for name, labels in {**roster.agents, **roster.ablations}.items()]
    return pd.concat([episodes, *extra], ignore_index=True)


def describe(df: pd.DataFrame, *, seed: int = 0) -> dict:
    """Mean and athlete-bootstrap 95 % CI of every metric (per episode), action shares, the
    share of hard sessions (tempo + HIIT) and how many athletes it rests on."""
    metrics = {}
    clusters = df["athlete_id"].to_numpy()
    for m in METRICS:
        values = df[m].to_numpy(dtype=np.float64)
        metrics[m] = {"mean": float(values.mean()),
                      "ci95": list(mean_ci95(values, clusters=clusters, seed=seed))}
    counts = df[[f"n_{a}" for a in ACTION_NAMES]].sum()
    total = max(float(counts.sum()), 1.0)
    return {"episodes": len(df), "athletes": n_athletes(clusters, len(df)), "metrics": metrics,
            "violations_total": float(df["violations"].sum()),
            "hard_share": float(df["hard_sessions"].sum() / total),
            "action_share": {a: float(counts[f"n_{a}"] / total) for a in ACTION_NAMES}}


def outcomes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episode × policy table of outcomes (%), for paired statistics."""
    return episodes.pivot(index="episode", columns="policy", values="outcome_pct")


def athletes_of(episodes: pd.DataFrame) -> np.ndarray:
    """(episodes,) the athlete of each episode, in ``outcomes``' row order (episode i is
    the same athlete for every policy)."""
    return episodes.groupby("episode", sort=True)["athlete_id"].first().to_numpy()


def best_heuristic(policies: dict[str, dict]) -> str | None:
    """The heuristic baseline with the highest mean outcome (None if none was run)."""
    present = [h for h in HEURISTICS if h in policies]
    if not present:
        return None
    return max(present, key=lambda h: policies[h]["metrics"]["outcome_pct"]["mean"])


def oracle_relative(agent: np.ndarray, oracle: np.ndarray, best: np.ndarray | None, *,
                    seed: int = 0, clusters: np.ndarray | None = None) -> dict:
    """Share of the oracle's outcome, mean(agent) / mean(oracle), and gap closed,
    (agent − best heuristic) / (oracle − best heuristic), each with a paired bootstrap CI.
    A figure is None where its denominator is not positive (undefined or misleading)."""
    out: dict = {"share_of_oracle": None, "gap_closed": None}
    if oracle.mean() > 0:
        out["share_of_oracle"] = {
            "value": float(agent.mean() / oracle.mean()),
            "ci95": list(paired_bootstrap_ci95([agent, oracle], lambda a, o: a / o,
                                       clusters=clusters, seed=seed))}
    if best is not None and oracle.mean() > best.mean():
        gap = lambda a, o, b: (a - b) / (o - b)  # noqa: E731 - the definition, used twice
        out["gap_closed"] = {
            "value": float(gap(agent.mean(), oracle.mean(), best.mean())),
            "ci95": list(paired_bootstrap_ci95([agent, oracle, best], gap, clusters=clusters,
                                               seed=seed))}
    return out


def versus(agent: np.ndarray, other: np.ndarray, *, alpha: float = ALPHA,
           clusters: np.ndarray | None = None) -> dict:
    """Paired Wilcoxon of agent − other on athlete-mean outcomes, and the verdict at
    ``alpha``."""
    test = paired_wilcoxon(agent, other, clusters=clusters)
    significant = test["p_value"] < alpha
    verdict = "better" if significant and test["mean_diff"] > 0 else (
        "worse" if significant and test["mean_diff"] < 0 else "no difference")
    return {**test, "verdict": verdict}


def agent_statistics(table: pd.DataFrame, roster: Roster, group: str, *, best: str | None,
                     seed: int = 0, alpha: float = ALPHA,
                     clusters: np.ndarray | None = None) -> dict:
    """Tests of one learned agent (mean over its seeds) against every baseline, per-seed
    tests, and its place between the best heuristic and the oracle."""
    agent = table[group].to_numpy()
    out = {
        "seeds": roster.agents[group],
        "vs": {b: versus(agent, table[b].to_numpy(), alpha=alpha, clusters=clusters)
               for b in roster.baselines},
        "per_seed_vs": {label: {b: versus(table[label].to_numpy(), table[b].to_numpy(),
                                          alpha=alpha, clusters=clusters)
                                for b in roster.baselines}
                        for label in roster.agents[group]},
    }
    heuristics = [b for b in roster.baselines if b in HEURISTICS]
    out["beats_every_heuristic"] = bool(heuristics) and all(
        out["vs"][h]["verdict"] == "better" for h in heuristics)
    if ORACLE in table:
        out.update(oracle_relative(agent, table[ORACLE].to_numpy(),
                                   table[best].to_numpy() if best else None, seed=seed,
                                   clusters=clusters))
    else:
        out.update(share_of_oracle=None, gap_closed=None)
    return out


def ablation_statistics(episodes: pd.DataFrame, roster: Roster, *, seed: int = 0) -> dict:
    """What each ablation changes versus the default agent, per episode (paired)."""
    reference = next(iter(roster.agents), None)
    rows = {}
    for name in roster.ablations:
        this = episodes[episodes["policy"] == name].set_index("episode").sort_index()
        row = {"seeds": roster.ablations[name], "reference": reference, "delta": None}
        if reference is not None:
            ref = episodes[episodes["policy"] == reference].set_index("episode").sort_index()
            clusters = this["athlete_id"].to_numpy()
            row["delta"] = {}
            for m in ABLATION_METRICS:
                d = this[m].to_numpy(dtype=np.float64) - ref[m].to_numpy(dtype=np.float64)
                row["delta"][m] = {"mean": float(d.mean()),
                                   "ci95": list(mean_ci95(d, clusters=clusters, seed=seed))}
            row["delta"]["outcome_pct"]["p_value"] = paired_wilcoxon(
                this["outcome_pct"].to_numpy(), ref["outcome_pct"].to_numpy(),
                clusters=clusters)["p_value"]
        rows[name] = row
    return {"reference": reference, "rows": rows}


def headline_order(summary: dict) -> list[str]:
    """Policies as the headline lists them: learned agents, the oracle, heuristics from best
    to worst, then the floors (random, always rest). Per-seed rows and ablations are left
    to their own tables."""
    policies = summary["policies"]
    by_outcome = sorted(policies, key=lambda p: -policies[p]["metrics"]["outcome_pct"]["mean"])
    rank = {"agent": 0, "oracle": 1, "heuristic": 2, "reference": 3}
    return sorted((p for p in by_outcome if policies[p]["kind"] in rank),
                  key=lambda p: rank[policies[p]["kind"]])


def analyse(episodes: pd.DataFrame, roster: Roster, *, seed: int = 0,
            alpha: float = ALPHA) -> dict:
    """Everything the report's tables show, as a JSON-ready dict.

    ``episodes`` holds the per-seed rows; aggregates (mean over seeds) are added here.
    """
    full = with_aggregates(episodes, roster)
    policies = {name: {"kind": roster.kind(name), **describe(g, seed=seed)}
                for name, g in full.groupby("policy", sort=False)}
    best = best_heuristic(policies)
    table = outcomes(full)
    clusters = athletes_of(full)
    agents = {g: agent_statistics(table, roster, g, best=best, seed=seed, alpha=alpha,
                                  clusters=clusters)
              for g in roster.agents}
    ranked = [p for p in policies if policies[p]["kind"] in
              ("agent", "oracle", "heuristic", "reference")] or list(policies)
    top = max(ranked, key=lambda p: policies[p]["metrics"]["outcome_pct"]["mean"])
    for name, s in policies.items():  # every policy against the best one, on athlete means
        s["vs_best"] = None if name == top else {
            "policy": top, **paired_wilcoxon(table[name].to_numpy(), table[top].to_numpy(),
                                             clusters=clusters)}
    return {"alpha": alpha, "best_heuristic": best, "best_policy": top,
            "athletes": n_athletes(clusters, len(clusters)), "episodes": len(clusters),
            "policies": policies, "agents": agents,
            "ablations": ablation_statistics(full, roster, seed=seed)}
