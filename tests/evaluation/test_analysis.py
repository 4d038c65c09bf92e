"""Statistics of a comparison on tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.env.reward import COMPONENTS
from periodization.evaluation.analysis import (
    Roster,
    aggregate_seeds,
    analyse,
    best_heuristic,
    headline_order,
    oracle_relative,
)
from periodization.evaluation.stats import mean_ci95, paired_bootstrap_ci95, paired_wilcoxon
from periodization.report.verdicts import agent_sentences
from periodization.sim.actions import ACTION_NAMES


def table(policy: str, outcome, **extra) -> pd.DataFrame:
    """A per-episode table in ``run_episodes``' shape with the given outcomes."""
    n = len(outcome)
    cols = {"policy": policy, "episode": np.arange(n), "athlete_id": [f"A{i}" for i in range(n)],
            "outcome_pct": np.asarray(outcome, float), "return": np.asarray(outcome, float) * 10,
            **{f"reward_{c}": 1.0 for c in COMPONENTS}, "delta_ctl": 0.0, "final_tsb": 0.0,
            "recovery_ge_60_pct": 50.0, "days_overreached": 0, "days_ill": 1, "violations": 0,
            "hard_sessions": 20,
            **{f"n_{a}": 15 for a in ACTION_NAMES}}
    cols.update(extra)
    return pd.DataFrame(cols)


def test_wilcoxon_on_known_data():
    # All 8 differences positive and distinct: exact two-sided p = 2 / 2**8.
    a, b = np.arange(1, 9) + 10.0, np.full(8, 10.0)
    res = paired_wilcoxon(a, b)
    assert res["p_value"] == pytest.approx(2 / 256)
    assert res["mean_diff"] == 4.5 and res["share_better"] == 1.0
    assert paired_wilcoxon(a, a)["p_value"] == 1.0


def test_bootstrap_ci_contains_the_mean():
    x = np.random.default_rng(0).normal(3.0, 2.0, 60)
    low, high = mean_ci95(x)
    assert low < x.mean() < high
    assert high - low < 2.0  # about 4 standard errors wide


def test_paired_bootstrap_of_a_ratio():
    agent, oracle = np.full(30, 3.0), np.full(30, 4.0)
    assert paired_bootstrap_ci95([agent, oracle], lambda a, o: a / o) == (0.75, 0.75)
    rng = np.random.default_rng(1)
    noisy = 3.0 + rng.normal(0, 1, 40)
    low, high = paired_bootstrap_ci95([noisy, noisy + 1.0], lambda a, o: a / o)
    assert low < noisy.mean() / (noisy.mean() + 1) < high


def test_aggregation_is_the_per_episode_mean_over_seeds():
    seeds = pd.concat([table("sac/s0", [1.0, 2.0, 3.0]), table("sac/s1", [3.0, 4.0, 8.0])])
    agg = aggregate_seeds(seeds, ["sac/s0", "sac/s1"], "sac")
    assert list(agg["outcome_pct"]) == [2.0, 3.0, 5.5]
    assert list(agg["athlete_id"]) == ["A0", "A1", "A2"] and set(agg["policy"]) == {"sac"}
    assert list(agg.columns) == list(seeds.columns)


def test_gap_closed_and_share_of_oracle():
    agent, oracle, best = np.full(10, 6.0), np.full(10, 8.0), np.full(10, 4.0)
    out = oracle_relative(agent, oracle, best)
    assert out["share_of_oracle"]["value"] == pytest.approx(0.75)
    assert out["gap_closed"]["value"] == pytest.approx(0.5)
    assert oracle_relative(agent, np.full(10, -1.0), best) == {"share_of_oracle": None,
                                                              "gap_closed": None}


def test_best_heuristic_ignores_oracle_and_floors():
    s = {n: {"metrics": {"outcome_pct": {"mean": m}}}
         for n, m in (("oracle", 9.0), ("random", 5.0), ("whoop", 2.0), ("fixed", 3.0))}
    assert best_heuristic(s) == "fixed"
    assert best_heuristic({"oracle": s["oracle"]}) is None


@pytest.fixture(scope="module")
def known():
    """An agent clearly ahead of two heuristics, behind the oracle; 20 episodes."""
    rng = np.random.default_rng(2)
    base = rng.normal(2.0, 1.0, 20)
    episodes = pd.concat([
        table("whoop", base), table("fixed", base - 1.0), table("rest", base - 10.0),
        table("oracle", base + 4.0), table("sac/s0", base + 1.5 + rng.normal(0, 0.1, 20)),
        table("sac/s1", base + 2.5 + rng.normal(0, 0.1, 20)),
        table("ablation-x/s0", base + 1.0),
    ], ignore_index=True)
    roster = Roster(baselines=["whoop", "fixed", "rest", "oracle"],
                    agents={"sac": ["sac/s0", "sac/s1"]},
                    ablations={"ablation-x": ["ablation-x/s0"]})
    return analyse(episodes, roster, seed=0)


def test_analysis_of_a_known_comparison(known):
    sac = known["agents"]["sac"]
    assert known["best_heuristic"] == "whoop"
    assert known["policies"]["sac"]["metrics"]["outcome_pct"]["mean"] == pytest.approx(
        known["policies"]["whoop"]["metrics"]["outcome_pct"]["mean"] + 2.0, abs=0.05)
    assert sac["beats_every_heuristic"]
    assert sac["vs"]["oracle"]["verdict"] == "worse"
    assert sac["gap_closed"]["value"] == pytest.approx(0.5, abs=0.02)
    assert set(sac["per_seed_vs"]) == {"sac/s0", "sac/s1"}
    assert known["policies"]["sac/s0"]["kind"] == "agent seed"
    delta = known["ablations"]["rows"]["ablation-x"]["delta"]
    assert known["ablations"]["reference"] == "sac"
    assert delta["outcome_pct"]["mean"] == pytest.approx(-1.0, abs=0.05)
    assert delta["outcome_pct"]["p_value"] < 0.01


def test_headline_order_and_sentences(known):
    assert headline_order(known) == ["sac", "oracle", "whoop", "fixed", "rest"]
    known["headline"] = headline_order(known)
    first, second, third = agent_sentences("sac", known)
    assert first.startswith("sac (2 training seeds, mean over seeds) beats every heuristic "
                            "baseline (whoop and fixed; Wilcoxon p < 0.01 against each")
    assert "reaches 67 % of the oracle's outcome" in second
    assert "closing 50 % of the gap from the best heuristic (whoop)" in second
    assert third.startswith("It breaks no hard constraint")


def test_a_mixed_verdict_names_each_baseline(known):
    agent = known["agents"]["sac"]
    mixed = {**known, "agents": {"sac": {**agent, "beats_every_heuristic": False, "vs": {
        **agent["vs"], "fixed": {**agent["vs"]["fixed"], "verdict": "no difference",
                                 "p_value": 0.2, "mean_diff": 0.1}}}}}
    first = agent_sentences("sac", mixed)[0]
    assert "beats whoop (p < 0.01 each)" in first
    assert "does not beat fixed (p = 0.200" in first
