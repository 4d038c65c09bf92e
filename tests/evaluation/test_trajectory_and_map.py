"""The episode recorder replays the comparison's episode; the policy map is built from
consistent raw features."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.evaluation.policy_map import (
    PolicyMap,
    consensus,
    grid_features,
    policy_map,
    typical_features,
)
from periodization.evaluation.trajectory import record_episode
from periodization.features.daily import FEATURE_NAMES
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes

F = {n: i for i, n in enumerate(FEATURE_NAMES)}


@pytest.mark.parametrize("name", ["whoop", "oracle"])
def test_recorded_episode_is_the_compared_episode(prepared_small, name):
    policy = make_policy(name, prepared=prepared_small)
    rows = run_episodes(policy, episodes=4, seed=5, cohort=prepared_small)
    t = record_episode(policy, 3, seed=5, cohort=prepared_small)
    assert len(t) == 90 and t["day"].tolist() == list(range(1, 91))
    assert t["performance_change_pct"].iloc[-1] == pytest.approx(rows["outcome_pct"][3])
    assert t["athlete_id"].iloc[0] == rows["athlete_id"][3]
    assert np.bincount(t["action"], minlength=6).tolist() == rows.iloc[3][
        [c for c in rows.columns if c.startswith("n_")]].tolist()
    assert np.allclose(t["tsb"], t["ctl"] - t["atl"])


def test_grid_features_are_consistent(prepared_small):
    typical = typical_features(prepared_small)
    x = grid_features(typical, np.array([20.0, 80.0]), np.array([-30.0, 10.0]))
    # Row-major over (TSB, recovery): TSB −30 with recovery 20, 80, then TSB +10.
    assert x[:, F["recovery"]].tolist() == [20, 80, 20, 80]
    assert x[:, F["tsb"]].tolist() == [-30, -30, 10, 10]
    assert np.allclose(x[:, F["ctl"]] - x[:, F["atl"]], x[:, F["tsb"]])
    assert np.allclose(x[:, F["tsb_x_recovery"]], x[:, F["tsb"]] * x[:, F["recovery"]] / 100)
    assert np.allclose(x[:, F["recovery_x_fatigue"]], x[:, F["atl"]] * x[:, F["recovery"]] / 100)
    assert x[1, F["days_since_high_recovery"]] == 0 and x[0, F["days_since_high_recovery"]] >= 1
    assert np.allclose(x[:, F["sleep_hours"]], typical[F["sleep_hours"]])


def test_the_rule_policy_map_follows_its_thresholds(prepared_small):
    m = policy_map(make_policy("rule", prepared=prepared_small), prepared_small)
    assert m.actions.shape == (len(m.tsb), len(m.recovery))
    assert (m.actions == m.actions[0]).all()  # the rule reads recovery only
    row = dict(zip(m.recovery.tolist(), m.actions[0].tolist(), strict=True))
    assert (row[0.0], row[40.0], row[56.0], row[70.0], row[90.0]) == (0, 1, 2, 3, 4)


def test_consensus_is_the_mode_over_seeds():
    r, t = np.array([0.0, 50.0]), np.array([0.0])
    maps = [PolicyMap(r, t, np.array([[a, 2]])) for a in (1, 1, 3)]
    out = consensus(maps)
    assert out.actions.tolist() == [[1, 2]] and out.agreement == 0.5
