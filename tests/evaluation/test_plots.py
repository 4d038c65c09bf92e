"""Every figure is a real, non-empty PNG; the figure set adapts to what was compared (the
full set, with agents, is checked by the report tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.evaluation.analysis import Roster, analyse, headline_order
from periodization.evaluation.policy_map import PolicyMap
from periodization.report import plots
from periodization.report.figures import build_figures
from periodization.report.plot_style import policy_colours
from periodization.sim.actions import ACTION_NAMES

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(path) -> bool:
    data = path.read_bytes()
    return data.startswith(PNG) and len(data) > 5_000


def test_each_plot_writes_a_png(tmp_path):
    colours = policy_colours(["sac", "sac/s0", "whoop", "oracle"])
    assert colours["sac"] == colours["sac/s0"] != colours["whoop"]
    steps = np.arange(1, 6) * 1000
    curve = pd.DataFrame({"env_steps": steps, "train_return": steps / 100,
                          "eval_outcome_pct": [0.5, np.nan, 1.0, np.nan, 2.0]})
    days = np.arange(1, 91)
    traj = pd.DataFrame({"day": days, "ctl": 50 + days / 10, "atl": 50 + 5 * np.sin(days),
                         "action": days % 6, "ill": days % 30 == 0, "overreached": False,
                         "performance_change_pct": days / 30})
    traj["tsb"] = traj["ctl"] - traj["atl"]
    m = PolicyMap(np.linspace(0, 100, 11), np.linspace(-40, 30, 8),
                  np.arange(88).reshape(8, 11) % 6)
    share = {a: 1 / 6 for a in ACTION_NAMES}
    episodes = pd.DataFrame({"policy": ["sac"] * 5 + ["whoop"] * 5,
                             "athlete_id": [f"A{i}" for i in range(5)] * 2,
                             "days_overreached": [0, 1, 0, 2, 0] * 2,
                             "outcome_pct": np.arange(10.0)})
    paths = [
        plots.learning_curves({"sac": [("sac/s0", curve), ("sac/s1", curve * 1.1)]},
                              tmp_path / "lc.png", colours=colours),
        plots.pmc_chart({"sac": traj, "oracle": traj}, tmp_path / "pmc.png", colours=colours,
                        title="t"),
        plots.policy_maps({"sac": m, "whoop": m}, tmp_path / "map.png"),
        plots.action_distribution({"sac": share, "whoop": share}, tmp_path / "a.png"),
        plots.outcome_vs_overreached(episodes, tmp_path / "o.png", names=["sac", "whoop"],
                                     colours=colours),
    ]
    assert all(is_png(p) for p in paths)


def test_figure_set_without_agents_or_oracle(comparison, tmp_path):
    roster = Roster(baselines=["rest", "rule"])
    only = comparison.episodes[comparison.episodes["policy"].isin(roster.baselines)]
    sub = type(comparison)(episodes=only, roster=roster, runs={},
                           policies=comparison.policies, prepared=comparison.prepared,
                           settings=comparison.settings)
    summary = analyse(only, roster)
    summary["headline"] = headline_order(summary)
    keys = [f.key for f in build_figures(sub, summary, tmp_path)]
    assert keys == ["pmc", "policy_map", "actions", "outcome_vs_overreached"]
