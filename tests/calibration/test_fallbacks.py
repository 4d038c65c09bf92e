"""Stand-ins for columns a source lacks: flagged, warned, and on the right scale."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.calibration import fallbacks
from periodization.calibration.calibrate import calibrate
from periodization.cohort.synth import synthesize
from periodization.ingest.preprocess import complete_calendar, exclude_implausible, validate
from periodization.sim.prior import load_prior


@pytest.fixture(scope="module")
def cohort():
    return synthesize(athletes=6, days=150, seed=21)


def table_of(cohort):
    table, _ = exclude_implausible(validate(cohort.observations))
    return complete_calendar(table)


def test_sdnn_becomes_a_personal_rmssd_equivalent_on_the_population_scale(cohort):
    table = table_of(cohort)
    table["hrv_sdnn_ms"] = table["hrv_rmssd_ms"] * 1.8  # a different statistic and scale
    table["hrv_rmssd_ms"] = np.nan
    notes: dict[str, list[str]] = {}
    out = fallbacks.rmssd_from_sdnn(table, load_prior(), notes)
    flagged = out["hrv_rmssd_ms_estimated"]
    assert (flagged == out["hrv_sdnn_ms"].notna()).all()
    for athlete, part in out.groupby("athlete_id"):
        ln_eq, ln_sdnn = np.log(part["hrv_rmssd_ms"]), np.log(part["hrv_sdnn_ms"])
        ok = ln_sdnn.notna()
        assert np.corrcoef(ln_eq[ok], ln_sdnn[ok])[0, 1] > 0.999  # personal changes kept
        assert abs(ln_eq.mean() - np.log(55.0)) < 1e-9  # level: the population's median
        assert abs(ln_eq.std() - 0.12) < 1e-9  # spread: the population's day-to-day SD
        assert "RMSSD-equivalent" in notes[athlete][0]


def test_rmssd_present_is_never_replaced(cohort):
    table = table_of(cohort)
    table["hrv_sdnn_ms"] = 40.0 + np.arange(len(table)) % 7
    out = fallbacks.rmssd_from_sdnn(table, load_prior(), {})
    present = table["hrv_rmssd_ms"].notna()
    assert not out.loc[present, "hrv_rmssd_ms_estimated"].any()
    assert out.loc[present, "hrv_rmssd_ms"].equals(table.loc[present, "hrv_rmssd_ms"])
    # an athlete with some RMSSD never gets SDNN stand-ins in its gaps (never mixed)
    assert not out["hrv_rmssd_ms_estimated"].any()
    assert out["hrv_rmssd_ms"].isna().sum() == table["hrv_rmssd_ms"].isna().sum()
    first = table["athlete_id"].iloc[0]
    table.loc[table["athlete_id"] == first, "hrv_rmssd_ms"] = np.nan  # no RMSSD at all
    out = fallbacks.rmssd_from_sdnn(table, load_prior(), {})
    used = out.groupby("athlete_id")["hrv_rmssd_ms_estimated"].any()
    assert used.to_dict() == {a: a == first for a in used.index}


def test_recovery_from_the_models_formula_tracks_the_real_score(cohort):
    table = table_of(cohort)
    truth = table["recovery"].copy()
    table["recovery"] = np.nan
    cal = calibrate(table)
    notes: dict[str, list[str]] = {}
    out = fallbacks.fill_recovery(table, cal, notes)
    ok = truth.notna() & out["recovery"].notna()
    assert out.loc[ok, "recovery_estimated"].all() and len(notes) == 6
    assert np.corrcoef(out.loc[ok, "recovery"], truth[ok])[0, 1] > 0.9
    # on the real score's scale: the typical athlete's mean within 8 points (an athlete
    # overreached for months has a less certain baseline, docs/calibration.md)
    gap = (out.loc[ok, "recovery"] - truth[ok]).groupby(table.loc[ok, "athlete_id"]).mean()
    assert gap.abs().median() < 8.0


def test_missing_efficiency_takes_the_usual_value(cohort):
    table = table_of(cohort)
    table.loc[table["athlete_id"] == "A0002", "sleep_efficiency"] = np.nan
    cal = calibrate(table)
    notes: dict[str, list[str]] = {}
    out = fallbacks.fill_from_baselines(table, cal, notes)
    mine = out["athlete_id"] == "A0002"
    assert out.loc[mine, "sleep_efficiency_estimated"].all()
    assert np.allclose(out.loc[mine, "sleep_efficiency"], 86.0)  # the prior's typical value
    share = table["sleep_efficiency"].isna().groupby(table["athlete_id"]).mean()
    used = out.groupby("athlete_id")["sleep_efficiency_estimated"].any()
    assert (used == (share > fallbacks.SHARE)).all() and "A0002" in notes
    kept = out["sleep_efficiency"].notna() & table["sleep_efficiency"].notna()
    assert out.loc[kept, "sleep_efficiency"].equals(table.loc[kept, "sleep_efficiency"])
