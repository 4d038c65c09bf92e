"""Every format imports what its files hold, and ``recommend`` runs end to end on it.

Fixtures are written at test time from generated truth with each vendor's layout
(``tests/ingest/layouts``); expectations come from that truth and the documented rules
(zone TRIMP, the action rates, each format's unit), never from the importers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from periodization.ingest.exports import load_wearable
from periodization.sim.actions import Action
from tests.ingest.layouts.registry import WRITERS, write
from tests.ingest.layouts.truth import RATE, make_truth

DAYS = 90


@pytest.fixture(scope="module")
def truth():
    return make_truth(DAYS, seed=8)


@pytest.fixture(scope="module")
def imported(truth, tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    return {fmt: load_wearable(write(fmt, root / fmt.replace("+", "_"), truth))
            for fmt in WRITERS}


def _close(got, want, atol):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    ok = np.isnan(got) | np.isclose(got, want, atol=atol)
    return ok.all() and np.isfinite(got).mean() > 0.9


def _trimp(truth):
    return np.array([0.0 if w is None else w.trimp for w in truth["workout"]])


WEARABLE = {  # format → (HRV column, its truth factor, recovery tolerance or None)
    "whoop": ("hrv_rmssd_ms", 1.0, 0.01), "oura-api": ("hrv_rmssd_ms", 1.0, 0.01),
    "oura-trends": ("hrv_rmssd_ms", 1.0, 0.01), "intervals.icu": ("hrv_rmssd_ms", 1.0, 0.01),
    "garmin-connect": ("hrv_rmssd_ms", 1.0, None), "garmin-fit": ("hrv_rmssd_ms", 1.0, None),
    "fitbit": ("hrv_rmssd_ms", 1.0, None), "polar": ("hrv_rmssd_ms", 1.0, 10.0),
    "hrv4training": ("hrv_rmssd_ms", 1.0, 0.5), "elite-hrv": ("hrv_rmssd_ms", 1.0, 5.0),
    "apple-health-csv": ("hrv_sdnn_ms", 0.7, None),
    "intervals.icu+intervals.icu-activities": ("hrv_rmssd_ms", 1.0, 0.01),
}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_format_reads_its_mornings(imported, truth, fmt):
    result = imported[fmt]
    table = result.table
    assert set(result.source_format.split("+")) == set(fmt.split("+"))
    assert table["date"].tolist() == pd.to_datetime(pd.Series(truth["date"])).tolist()
    column, factor, recovery_tol = WEARABLE[fmt]
    assert _close(table[column], truth["hrv"] * factor, atol=0.6), column
    assert result.hrv_kind == ("sdnn" if column == "hrv_sdnn_ms" else "rmssd")
    assert _close(table["resting_hr"], truth["rhr"], atol=0.51)
    if fmt != "elite-hrv":  # Elite HRV records no sleep
        assert _close(table["sleep_hours"], truth["sleep_h"], atol=0.02)
    if table["sleep_efficiency"].notna().any():
        assert _close(table["sleep_efficiency"], truth["eff"], atol=0.6)
    if recovery_tol is None:
        assert table["recovery"].isna().all()  # the format has no recovery score
    else:
        assert _close(table["recovery"], truth["recovery"], atol=recovery_tol)
    json_ready = {k: v for k, v in result.decisions.items()}
    assert "hrv_kind" in json_ready


@pytest.mark.parametrize("fmt", ["whoop", "garmin-connect", "garmin-fit", "polar",
                                 "intervals.icu", "intervals.icu+intervals.icu-activities",
                                 "hrv4training"])
def test_zone_or_platform_loads_are_the_documented_trimp(imported, truth, fmt):
    table = imported[fmt].table
    tolerance = 0.6 if fmt.startswith(("intervals", "hrv4")) else 0.05  # written rounded
    want = _trimp(truth)
    known = np.isfinite(table["load"].to_numpy())
    assert known.mean() > 0.3
    assert np.allclose(table["load"].to_numpy()[known], want[known], atol=tolerance)


@pytest.mark.parametrize("fmt", ["apple-health-csv", "oura-api"])
def test_duration_loads_use_the_action_rates(imported, truth, fmt):
    table = imported[fmt].table
    by_name = {"Running": "AEROBIC_BASE", "Cycling": "AEROBIC_BASE", "HIIT": "HIIT",
               "Walking": "ACTIVE_RECOVERY", "Weightlifting": "STRENGTH"}  # name rules only
    if fmt == "apple-health-csv":
        want = [0.0 if w is None else w.minutes / 60 * RATE[by_name[w.name]]
                for w in truth["workout"]]
        assert np.allclose(table["load"], want)
    else:  # Oura's intensity labels: easy/moderate/hard → AR/base/tempo rates
        levels = {"ACTIVE_RECOVERY": 25, "AEROBIC_BASE": 50, "TEMPO": 85, "HIIT": 85,
                  "STRENGTH": 50}
        names = [None if w is None else w for w in truth["workout"]]
        want = [0.0 if w is None else w.minutes / 60 * (RATE["STRENGTH"] if
                w.name == "Weightlifting" else RATE["HIIT"] if w.name == "HIIT" else
                RATE["ACTIVE_RECOVERY"] if w.name == "Walking" else levels[w.action])
                for w in names]
        assert np.allclose(table["load"], want)


def test_rest_days_are_rest_where_the_workout_list_is_complete(imported, truth):
    rest = truth["workout"].isna().to_numpy()
    for fmt in ("whoop", "garmin-connect", "garmin-fit", "fitbit", "polar", "oura-api",
                "apple-health-csv", "intervals.icu+intervals.icu-activities"):
        actions = imported[fmt].table["action"].to_numpy()
        assert (actions[rest] == 0).all(), fmt
        assert (actions[~rest] > 0).all(), fmt


def test_fitbit_zones_are_placed_on_five(imported, truth):
    want = []
    for w in truth["workout"]:
        if w is None:
            want.append(0.0)
            continue
        fat, cardio, peak = w.zones[0] + w.zones[1], w.zones[2] + w.zones[3], w.zones[4]
        want.append(w.minutes * (2 * fat + 3.5 * cardio + 5 * peak) / 100 * 100 / 240)
    assert np.allclose(imported["fitbit"].table["load"], want, atol=0.05)


def test_naps_and_extra_readings_are_never_the_morning(imported, truth):
    assert any("nap" in w for w in imported["fitbit"].warnings)
    assert any("nap" in w for w in imported["oura-api"].warnings)
    assert any("other than Morning Readiness" in w for w in imported["elite-hrv"].warnings)


def test_polar_night_naming_is_decided_from_the_hypnogram(tmp_path, truth):
    from tests.ingest.layouts.polar import write_flow

    evening = load_wearable(write_flow(tmp_path / "p", truth, night_is_evening=True))
    assert evening.decisions["night_date"]["chosen"] == "evening"
    assert evening.table["date"].tolist() == pd.to_datetime(pd.Series(truth["date"])).tolist()
    assert np.allclose(evening.table["hrv_rmssd_ms"], truth["hrv"])


@pytest.mark.parametrize("zone_unit_s", [0.001, 1.0])
def test_garmin_time_in_zone_is_read_in_milliseconds_or_seconds(tmp_path, truth, zone_unit_s):
    """The export's hrTimeInZone_k in ms and the web API's in s give the same zone TRIMP:
    neither is taken for the other (1000 times the load, or every session HIIT)."""
    from tests.ingest.layouts.garmin import write_connect

    result = load_wearable(write_connect(tmp_path / "g", truth, zone_unit_s=zone_unit_s))
    assert result.decisions["hr_zone_unit"]["chosen"] == ("ms" if zone_unit_s < 1 else "s")
    load, want = result.table["load"].to_numpy(), _trimp(truth)
    assert np.isfinite(load).all()
    assert np.allclose(load, want, atol=0.05)
    hiit = result.table["action"].to_numpy() == int(Action.HIIT)
    assert (hiit == np.array([w is not None and w.action == "HIIT"
                              for w in truth["workout"]])).all()


def test_hrv4training_keeps_the_morning_reading_of_a_file_listed_newest_first(tmp_path,
                                                                              truth):
    """HRV4Training keeps the clock in its own ``time`` column: with an evening reading
    after each morning's and the file newest first, the morning's still wins."""
    from tests.ingest.layouts.hrv_apps import write_hrv4training

    path = write_hrv4training(tmp_path / "h.csv", truth)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    evening = table.assign(time="21:30", rMSSD="11")
    both = pd.concat([table, evening]).sort_values(["date", "time"], ascending=False)
    both.to_csv(path, index=False)
    read = load_wearable(path).table
    morning = pd.to_numeric(table["rMSSD"], errors="coerce").to_numpy()
    known = np.isfinite(morning)
    assert np.allclose(read["hrv_rmssd_ms"].to_numpy()[known], morning[known])


def test_fitbit_google_layout_reads_hrv_and_resting_hr(tmp_path, truth):
    """Google's newer Fitbit files (daily_heart_rate_variability_*.csv,
    daily_resting_heart_rate_*.csv) give the same mornings as the older ones, in the
    Takeout or in their folder alone."""
    from tests.ingest.layouts.fitbit import write_takeout

    folder = write_takeout(tmp_path / "t", truth, google_layout=True)
    table = load_wearable(folder).table
    assert table["date"].tolist() == pd.to_datetime(pd.Series(truth["date"])).tolist()
    assert np.allclose(table["hrv_rmssd_ms"], truth["hrv"])
    assert np.allclose(table["resting_hr"], truth["rhr"])
    alone = load_wearable(next(folder.rglob("Health Fitness Data_GoogleData"))).table
    assert np.allclose(alone["hrv_rmssd_ms"], truth["hrv"])


def test_elite_hrv_keeps_the_morning_reading_in_the_newer_layout(tmp_path, truth):
    """Newer Elite HRV files head the reading type "Type" and list readings newest first:
    the evening's Open Reading (after training) is still never the morning's."""
    from tests.ingest.layouts.hrv_apps import write_elite

    result = load_wearable(write_elite(tmp_path / "elite.csv", truth, newer=True))
    assert np.allclose(result.table["hrv_rmssd_ms"], truth["hrv"])
    assert np.allclose(result.table["resting_hr"], truth["rhr"], atol=0.51)
    assert any("other than Morning Readiness" in w for w in result.warnings)
    untyped = tmp_path / "untyped.csv"  # no reading type at all: the earliest reading wins
    pd.read_csv(tmp_path / "elite.csv").drop(columns="Type").to_csv(untyped, index=False)
    table = load_wearable(untyped).table
    assert np.allclose(table["hrv_rmssd_ms"], truth["hrv"])


@pytest.mark.parametrize("upper_case_keys", [False, True])
def test_polar_nightly_recharge_keys_are_read_in_either_spelling(tmp_path, truth,
                                                                 upper_case_keys):
    """The export's ``meanNightlyRecoveryRmssd`` / ``…Rri`` and the data classes'
    ``…RMSSD`` / ``…RRI`` give the same HRV and resting HR, alone or in the folder."""
    from tests.ingest.layouts.polar import write_flow

    folder = write_flow(tmp_path / "p", truth, upper_case_keys=upper_case_keys)
    table = load_wearable(folder).table
    assert np.allclose(table["hrv_rmssd_ms"], truth["hrv"])
    assert np.allclose(table["resting_hr"], truth["rhr"], atol=0.1)
    alone = load_wearable(next(folder.glob("nightly_recovery*.json"))).table
    assert np.allclose(alone["hrv_rmssd_ms"], truth["hrv"])


def test_fit_without_fitdecode_names_the_extra(monkeypatch, tmp_path, truth):
    import builtins

    from periodization.core.errors import DataError

    real = builtins.__import__

    def no_fitdecode(name, *args, **kwargs):
        if name == "fitdecode":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    path = write("garmin-fit", tmp_path / "fit", truth.head(3))
    monkeypatch.setattr(builtins, "__import__", no_fitdecode)
    with pytest.raises(DataError, match=r"needs the 'fit' extra: pip install 'periodization"):
        load_wearable(path)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_recommend_runs_end_to_end_on_each_format(fmt, truth, tmp_path, model_dir):
    from periodization.advice.recommend import recommend

    path = write(fmt, tmp_path / "export", truth)
    result = recommend(path, model=model_dir, today=dt.date(2026, 3, 1))
    assert result["date"] == "2026-03-01" and result["action"]
    assert set(result["source"]["format"].split("+")) == set(fmt.split("+"))
    assert result["source"]["decisions"]["hrv_kind"]["chosen"] in ("rmssd", "sdnn")
    assert result["policy"] == "trained model"
