from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.core.errors import DataError, UserError
from periodization.features.scaler import FeatureScaler
from periodization.ingest.preprocess import impute_causal, preprocess, split_athletes

NAN = np.nan


def test_short_gaps_forward_fill_long_gaps_take_the_recent_median():
    x = np.array([1, 2, 3, NAN, 5, NAN, NAN, 8, 9, 10, 11, NAN, NAN, NAN, NAN, 20.0])
    filled, flags = impute_causal(x)
    assert filled[3] == 3  # 1-day gap: forward fill
    assert filled[5] == filled[6] == 5  # 2-day gap: forward fill
    # 4-day gap: two days forward fill, then the median of the last 7 observed values
    assert filled[11] == filled[12] == 11
    assert filled[13] == filled[14] == np.median([3, 5, 8, 9, 10, 11, 2])
    assert flags.sum() == 7 and not np.isnan(filled).any()


def test_imputation_is_causal():
    x = np.array([5, 6, NAN, NAN, NAN, 7, 8.0])
    prefix = impute_causal(x[:4])[0]
    assert np.array_equal(impute_causal(x)[0][:4], prefix)


def test_leading_gap_takes_the_first_observed_median():
    filled, flags = impute_causal(np.array([NAN, NAN, 4.0, 6.0, 8.0]))
    assert filled[0] == filled[1] == 6.0 and flags[:2].all()


def test_sparse_athletes_are_dropped_with_a_report(small_cohort):
    pre = preprocess(small_cohort.observations)
    share = small_cohort.observations["recovery"].isna().groupby(
        small_cohort.observations["athlete_id"]).mean()
    assert set(pre.dropped["athlete_id"]) == set(share.index[share > 0.2])
    assert len(pre.dropped) > 0
    assert (pre.dropped["missing_pct"] > 20).all()
    assert not pre.table[["hrv_rmssd_ms", "recovery", "sleep_hours"]].isna().any().any()
    assert pre.table["recovery_imputed"].any()


def test_implausible_values_are_excluded_not_used(small_cohort):
    raw = small_cohort.observations.copy()
    first = raw["athlete_id"] == "A0000"
    raw.loc[raw.index[first][5], "hrv_rmssd_ms"] = 0.0
    raw.loc[raw.index[first][6], "hrv_rmssd_ms"] = 900.0
    pre = preprocess(raw, max_missing_share=1.0)
    assert pre.implausible["hrv_rmssd_ms"] == 2
    row = pre.table[pre.table["athlete_id"] == "A0000"].iloc[5:7]
    assert row["hrv_rmssd_ms_imputed"].all()
    assert row["hrv_rmssd_ms"].between(5, 300).all()


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.drop(columns=["recovery"]), "missing required column 'recovery'"),
    (lambda d: d.assign(resting_hr="fast"), "non-numeric"),
    (lambda d: pd.concat([d, d.iloc[[3]]]), "duplicated day"),
    (lambda d: d.iloc[0:0], "no rows"),
])
def test_bad_tables_raise_one_line_errors(small_cohort, mutate, message):
    with pytest.raises(DataError, match=message) as info:
        preprocess(mutate(small_cohort.observations.head(50)))
    assert "\n" not in str(info.value)


def test_split_is_by_athlete_fixed_by_seed_and_disjoint():
    ids = [f"A{i:03d}" for i in range(200)]
    a, b = split_athletes(ids, 7), split_athletes(ids, 7)
    assert a == b
    assert [len(a[k]) for k in ("train", "val", "test")] == [140, 30, 30]
    assert not set(a["train"]) & set(a["test"]) and not set(a["val"]) & set(a["test"])
    assert split_athletes(ids, 8)["test"] != a["test"]


def test_scaler_is_fitted_on_training_athletes_and_round_trips(prepared_small, tmp_path):
    p = prepared_small
    train = p.split_rows("train")
    expected = p.features.raw[train].mean(axis=0)
    np.testing.assert_allclose(p.scaler.mean, expected)
    p.scaler.save(tmp_path / "scaler.json")
    back = FeatureScaler.load(tmp_path / "scaler.json")
    np.testing.assert_array_equal(back.transform(p.features.raw[:5]),
                                  p.scaler.transform(p.features.raw[:5]))
    bad = p.scaler.to_dict() | {"features": ["hrv"] * 18}
    with pytest.raises(UserError, match="observation space"):
        FeatureScaler.from_dict(bad)
