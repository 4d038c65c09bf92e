"""The history features are computed by one path: what the environment observes on a
simulated morning equals what ``periodize recommend``'s feature step (``features_for_table``
over the athlete's whole table) computes from the same history; and observation spaces
v1 and v2 are the leading columns of the same raw features."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from periodization.calibration.history import EPOCH_MONDAY
from periodization.core.errors import UserError
from periodization.env import mornings
from periodization.env.periodization_env import PeriodizationEnv
from periodization.features import daily as F
from periodization.features.scaler import FeatureScaler, adapter
from periodization.features.table import features_for_table
from periodization.sim.actions import Action

DAYS = 40


def _hard_when_allowed(day: int, mask: np.ndarray) -> int:
    """HIIT, TEMPO or STRENGTH on alternate days when allowed, else the easiest session."""
    wanted = (Action.HIIT, Action.TEMPO, Action.STRENGTH)[day % 3] if day % 2 == 0 \
        else Action.AEROBIC_BASE
    return int(wanted) if mask[wanted] else int(np.flatnonzero(mask)[0])


def test_env_features_equal_the_recommend_path(prepared_small, monkeypatch):
    readings = []  # every morning's readings as the wearable showed them (NaN = missing)
    see = mornings.see

    def spy(features, morning, *, safety):
        readings.append(morning.obs.readings[0].copy())
        return see(features, morning, safety=safety)

    monkeypatch.setattr(mornings, "see", spy)
    env = PeriodizationEnv(cohort=prepared_small, split="train", block_days=DAYS)
    _, info = env.reset(seed=0)  # an athlete who is not ill: hard days get through
    athlete = info["athlete_id"]
    start = EPOCH_MONDAY + pd.Timedelta(days=int(env.world.state.day[0]))
    seen, loads, actions = [], [], []
    for d in range(DAYS):
        seen.append(env.world.raw[0].copy())
        _, _, _, _, info = env.step(_hard_when_allowed(d, info["action_mask"]))
        loads.append(info["load"])
        actions.append(info["action_taken"])
    table = prepared_small.pre.table
    past = table[(table["athlete_id"] == athlete) & (table["date"] < start)]
    lived = pd.DataFrame({"athlete_id": athlete,
                          "date": pd.date_range(start, periods=DAYS),
                          **dict(zip(F.INPUT_COLUMNS, np.array(readings[:DAYS]).T, strict=True)),
                          "load": loads, "action": actions})
    whole = pd.concat([past, lived], ignore_index=True)
    got = features_for_table(whole, pop=prepared_small.cohort.population()).raw[len(past):]
    np.testing.assert_allclose(got, np.array(seen), rtol=1e-12, atol=1e-12)
    # the block exercised the history features: hard days, and both response estimates moved
    hist = np.array(seen)[:, 17:]
    assert hist[:, F.FEATURE_NAMES.index("hard_days_7d") - 17].max() >= 2
    assert np.ptp(hist[:, F.FEATURE_NAMES.index("recovery_after_hard") - 17]) > 0


def test_older_spaces_read_the_leading_columns(prepared_small):
    full = prepared_small.scaler
    assert full.version == 3 and full.n_features == F.N_FEATURES
    v1 = full.restrict(1)
    raw = prepared_small.features.raw[:50]
    # a v1 fit is column by column: the restriction equals fitting 17 columns alone
    alone = FeatureScaler.fit(raw)
    np.testing.assert_array_equal(v1.mean, full.mean[:17])
    assert alone.restrict(1).n_features == 17
    obs = full.transform(raw)
    np.testing.assert_array_equal(adapter(full, v1)(obs), v1.transform(raw))
    assert adapter(full, full) is None
    with pytest.raises(UserError, match="environment observes v1"):
        adapter(v1, full)


def test_scaler_files_of_every_space_load_and_others_are_refused(prepared_small, tmp_path):
    for version in (1, 2, 3):
        path = tmp_path / f"v{version}.json"
        prepared_small.scaler.restrict(version).save(path)
        assert FeatureScaler.load(path).version == version
    d = json.loads((tmp_path / "v1.json").read_text())
    d["features_version"] = 4
    (tmp_path / "v4.json").write_text(json.dumps(d))
    with pytest.raises(UserError, match=r"observation space v4 .* reads v1 \(17 features\), "
                                        r"v2 \(31 features\) and v3 \(32 features\)"):
        FeatureScaler.load(tmp_path / "v4.json")
