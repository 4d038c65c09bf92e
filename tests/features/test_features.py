from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.features import daily as F
from periodization.features.table import features_for_table, load_seeds
from periodization.sim.prior import load_prior

POP = load_prior().population


def _day_by_day(table: pd.DataFrame) -> np.ndarray:
    """Features of each athlete computed one day at a time, as a batch of one."""
    out = []
    for _, g in table.groupby("athlete_id", sort=True):
        atl0, ctl0 = load_seeds(g.iloc[[0]], pop=POP)
        state = F.initial_state(1, atl=atl0, ctl=ctl0, weekday=g["date"].iloc[0].weekday())
        for _, row in g.iterrows():
            readings = np.array([[row[c] for c in F.INPUT_COLUMNS]], dtype=float)
            state, raw, _ = F.morning(state, readings)
            out.append(raw[0])
            state = F.record_day(state, np.array([row["load"]]), np.array([row["action"]]),
                                 pop=POP)
    return np.array(out)


def test_whole_table_equals_day_by_day(prepared_small):
    table = prepared_small.pre.table
    some = table[table["athlete_id"].isin(table["athlete_id"].unique()[:6])]
    # Give athletes different periods, so the batch is ragged.
    some = some[~((some["athlete_id"] == some["athlete_id"].iloc[0])
                  & (some["date"] < some["date"].min() + pd.Timedelta(days=17)))]
    some = some.reset_index(drop=True)
    whole = features_for_table(some, pop=POP).raw
    np.testing.assert_allclose(whole, _day_by_day(some), rtol=1e-12, atol=1e-12)


def test_features_have_no_nan_even_with_gaps_in_raw_readings(small_cohort):
    raw = small_cohort.observations
    one = raw[raw["athlete_id"] == raw["athlete_id"].iloc[0]].copy()
    one.loc[one.index[::3], ["hrv_rmssd_ms", "recovery", "sleep_hours"]] = np.nan
    one.loc[one.index[:10], F.INPUT_COLUMNS] = np.nan  # nothing observed at first
    feats = features_for_table(one.reset_index(drop=True), pop=POP).raw
    assert np.isfinite(feats).all()


def test_atl_ctl_follow_the_platform_values(prepared_small):
    table = prepared_small.pre.table
    feats = prepared_small.features.raw
    atl_feature = pd.Series(feats[:, F.FEATURE_NAMES.index("atl")])
    # Feature ATL on day d is the platform's ATL after day d−1.
    expected = table.groupby("athlete_id")["atl"].shift(1)
    ok = expected.notna()
    np.testing.assert_allclose(atl_feature[ok], expected[ok], rtol=1e-9)
    tsb = feats[:, F.FEATURE_NAMES.index("tsb")]
    np.testing.assert_allclose(tsb, feats[:, 6] - feats[:, 5])


def test_consecutive_hard_and_days_since_rest_counters():
    state = F.initial_state(1)
    actions = [3, 4, 5, 2, 4, 0, 1]
    hard, since_rest = [], []
    for a in actions:
        state = F.record_day(state, np.array([50.0]), np.array([a]), pop=POP)
        hard.append(int(state.consecutive_hard[0]))
        since_rest.append(int(state.days_since_rest[0]))
    assert hard == [1, 2, 3, 0, 1, 0, 0]
    assert since_rest == [1, 2, 3, 4, 5, 0, 1]


def test_hrv_z7_is_negative_after_a_drop():
    state = F.initial_state(1)
    z7 = []
    for d in range(31):
        hrv = 60.0 if d < 28 else 40.0
        readings = np.array([[hrv + (d % 3), 50.0, 70.0, 7.5, 88.0]])
        state, raw, ctx = F.morning(state, readings)
        state = F.record_day(state, np.array([40.0]), np.array([2]), pop=POP)
        z7.append(raw[0, F.FEATURE_NAMES.index("hrv_z7")])
        if d == 28:  # the first low morning is far below the baseline
            assert ctx.ln_hrv[0] < ctx.hrv_baseline_mean[0] - 2 * ctx.hrv_baseline_sd[0]
    assert abs(z7[27]) < 0.5
    assert z7[28] < -1.0 and z7[30] < -1.0
