"""The nine misreadings found on real exports (issue 12), each on a file written with the
vendor's real layout (``tests/ingest/layouts``): units, scales, HRV kind and time
convention decided from the data, nap cycles, strain-only load, folders, and errors that
name the format they assumed."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from periodization.core.errors import DataError
from periodization.ingest.exports import load_wearable
from periodization.ingest.inputs import folder_kind, read_inputs
from tests.ingest.layouts.intervals import write_wellness
from tests.ingest.layouts.oura import activity_minutes, write_trends
from tests.ingest.layouts.truth import make_truth, wake_hour
from tests.ingest.layouts.whoop import nap_days, write_whoop


@pytest.fixture(scope="module")
def truth():
    return make_truth(120, seed=21)


def _dates(truth):
    return pd.to_datetime(pd.Series(truth["date"])).reset_index(drop=True)


# 1 -------------------------------------------------- Oura trends: seconds vs minutes
@pytest.mark.parametrize("seconds", [True, False])
def test_oura_activity_times_in_seconds_or_minutes_give_the_same_load(tmp_path, truth, seconds):
    result = load_wearable(write_trends(tmp_path / "oura_trends.csv", truth, seconds=seconds))
    high, medium = np.array([activity_minutes(r) for r in truth.itertuples()]).T
    want = high / 60 * 85 + medium / 60 * 25
    assert np.allclose(result.table["load"], want)
    decision = result.decisions["activity_time_unit"]
    assert decision["chosen"] == ("s" if seconds else "min")
    assert "86400" in decision["evidence"] or "1440" in decision["evidence"]
    assert any("read as seconds" in w for w in result.warnings) == seconds
    assert result.table["load"].max() < 300  # not the 60× reading (685 TSS on a quiet day)


# 2 --------------------------------------------------- intervals.icu readiness 0–10
def test_intervals_readiness_on_ten_points_becomes_a_0_100_recovery(tmp_path, truth):
    path = write_wellness(tmp_path / "wellness.csv", truth, readiness_scale=10)
    result = load_wearable(path)
    assert np.allclose(result.table["recovery"], truth["recovery"], atol=0.51)
    assert result.decisions["readiness_scale"]["chosen"] == "0-10"
    assert any("0–10 scale" in w for w in result.warnings)
    hundred = load_wearable(write_wellness(tmp_path / "w100.csv", truth))
    assert hundred.decisions["readiness_scale"]["chosen"] == "0-100"
    assert np.allclose(hundred.table["recovery"], truth["recovery"])


# 3 ------------------------------------------------------ RMSSD and SDNN never mixed
def test_rmssd_and_sdnn_in_one_export_are_never_mixed(tmp_path, truth):
    from periodization.calibration.fallbacks import rmssd_from_sdnn
    from periodization.sim.prior import load_prior

    result = load_wearable(write_wellness(tmp_path / "wellness.csv", truth, hrv="mixed"))
    assert result.hrv_kind == "rmssd" and "hrv_sdnn_ms" not in result.table.columns
    assert result.decisions["hrv_kind"]["chosen"] == "rmssd"
    assert any("RMSSD is used and SDNN left out" in w for w in result.warnings)
    table = result.table.assign(hrv_sdnn_ms=np.where(result.table["hrv_rmssd_ms"].isna(), 30.0,
                                                     np.nan))  # SDNN on the RMSSD gaps
    notes: dict = {}
    filled = rmssd_from_sdnn(table, load_prior(), notes)
    assert not filled["hrv_rmssd_ms_estimated"].any()  # gaps stay gaps: no artificial drop
    assert filled["hrv_rmssd_ms"].isna().sum() == result.table["hrv_rmssd_ms"].isna().sum()
    sdnn_only = load_wearable(write_wellness(tmp_path / "sdnn.csv", truth, hrv="sdnn"))
    assert sdnn_only.hrv_kind == "sdnn" and sdnn_only.table["hrv_rmssd_ms"].isna().all()


# 4 ------------------------------------------ WHOOP time convention, a late sleeper
@pytest.mark.parametrize("offset_min", [-420, -300, 330, 600])
def test_whoop_late_sleeper_mornings_land_on_their_own_dates(tmp_path, offset_min):
    truth = make_truth(90, seed=5)
    truth["onset"] = truth["onset"] + 2.3  # falls asleep ~01:20, wakes ~09:40
    assert (truth.apply(wake_hour, axis=1) < 7.0).any()  # a few early mornings too
    for convention in ("local", "utc"):
        folder = write_whoop(tmp_path / f"{convention}{offset_min}", truth,
                             offset_min=offset_min, convention=convention)
        result = load_wearable(folder)
        assert result.table["date"].tolist() == _dates(truth).tolist(), convention
        assert np.allclose(result.table["recovery"], truth["recovery"])
        assert result.decisions["time_convention"]["chosen"] == convention


# 5 ------------------------------------------------------ WHOOP nap cycles
def test_whoop_nap_cycles_never_become_the_morning(tmp_path, truth):
    result = load_wearable(write_whoop(tmp_path / "whoop", truth, naps=True))
    table = result.table
    assert nap_days(truth).sum() >= 10
    assert table["date"].tolist() == _dates(truth).tolist()  # one morning per date
    assert np.allclose(table["recovery"], truth["recovery"])  # never the nap's 1–13 %
    assert np.allclose(table["hrv_rmssd_ms"], truth["hrv"])
    assert any("began with a nap" in w for w in result.warnings)


# 7 --------------------------------------------------- WHOOP without workouts
def test_whoop_without_workouts_keeps_its_rest_days(tmp_path, truth):
    result = load_wearable(write_whoop(tmp_path / "whoop", truth, workouts=False))
    rest = result.table["action"].to_numpy() == 0
    truly_rest = truth["workout"].isna().to_numpy()
    assert truly_rest.sum() >= 15 and (rest[truly_rest]).all()
    gaps = np.diff(np.flatnonzero(rest))
    assert gaps.max() <= 10  # never "72 days since your last rest day"
    assert result.decisions["load_source"]["chosen"] == "day_strain"


# 8 ------------------------------------------------------- folders as meant
def test_one_persons_folder_with_whoop_and_intervals_is_one_merged_athlete(tmp_path, truth):
    person = tmp_path / "ann"
    write_whoop(person / "my_whoop_data", truth)
    write_wellness(person / "intervals_wellness.csv", truth)
    assert folder_kind(person)[0] == "one"
    inputs = read_inputs(person)
    assert not inputs.batch and list(inputs.source_format) == ["ann"]
    fmt = inputs.source_format["ann"]
    assert set(fmt.split("+")) == {"whoop", "intervals.icu"}
    chosen = inputs.metadata["ann"]["decisions"]["sources"]["chosen"]
    assert chosen["hrv_rmssd_ms"] == "whoop" and chosen["load"] == "intervals.icu"
    # WHOOP's own files and an intervals.icu file side by side: the same
    flat = tmp_path / "flat"
    shutil.copytree(person / "my_whoop_data", flat)
    shutil.copy(person / "intervals_wellness.csv", flat)
    merged = load_wearable(flat)
    assert set(merged.source_format.split("+")) == {"whoop", "intervals.icu"}
    assert any("2 sources of one athlete merged" in w for w in merged.warnings)


def test_a_persons_folder_with_an_extra_csv_is_not_a_team(tmp_path, truth):
    person = tmp_path / "bob"
    write_whoop(person / "whoop", truth)
    (person / "notes.csv").write_text("day,how I felt\n2026-01-01,fine\n")
    assert folder_kind(person)[0] == "one"
    inputs = read_inputs(person)
    assert not inputs.batch and inputs.source_format == {"bob": "whoop"}
    assert any("notes.csv: not a recognised export, left out" in w
               for w in inputs.notes["bob"])


def test_team_and_ambiguous_folders(tmp_path, truth):
    team = tmp_path / "team"
    write_whoop(team / "ann", truth)
    write_trends(team / "bob.csv", truth, seconds=False)
    (team / "cid").mkdir()
    write_wellness(team / "cid" / "wellness.csv", truth)
    with pytest.raises(DataError, match="one athlete's sources or a team"):
        folder_kind(team)
    (team / "bob.csv").unlink()
    write_trends(team / "bob" / "trends.csv", truth, seconds=False)
    assert folder_kind(team)[0] == "team"  # sub-folders named after people
    assert sorted(read_inputs(team).source_format) == ["ann", "bob", "cid"]


# 9 ----------------------------------------------- errors name the format assumed
def test_errors_name_the_format_they_assumed(tmp_path, truth):
    path = write_wellness(tmp_path / "wellness.csv", truth)
    text = path.read_text().replace("id,", "day_id,", 1)
    path.write_text(text)
    with pytest.raises(DataError) as info:
        load_wearable(path)
    message = str(info.value)
    assert "(read as an intervals.icu wellness CSV)" in message and "wellness.csv" in message
    assert "\n" not in message and len(message) < 300


def test_an_oura_api_sleep_csv_is_read_as_oura_not_intervals(tmp_path):
    header = ("id,average_breath,average_heart_rate,average_hrv,awake_time,bedtime_end,"
              "bedtime_start,day,deep_sleep_duration,efficiency,heart_rate,hrv,latency,"
              "light_sleep_duration,low_battery_alert,lowest_heart_rate,movement_30_sec,period,"
              "readiness,readiness_score_delta,rem_sleep_duration,restless_periods,"
              "sleep_phase_5_min,sleep_score_delta,time_in_bed,total_sleep_duration,type")
    rows = [f'a{i},14.2,55,{60 + i},2400,2024-03-0{i + 2}T07:00:00+01:00,'
            f'2024-03-0{i + 1}T23:00:00+01:00,2024-03-0{i + 2},5400,{90 + i},"{{}}","{{}}",600,'
            f'15000,false,{48 + i},111,0,"{{}}",1,6000,200,4422,1,28800,{26000 + i},long_sleep'
            for i in range(5)]
    path = tmp_path / "oura_sleep.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    result = load_wearable(path)
    assert result.source_format == "oura"
    assert result.table["hrv_rmssd_ms"].tolist() == [60, 61, 62, 63, 64]
