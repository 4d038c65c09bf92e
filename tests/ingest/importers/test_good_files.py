"""Realistic exports import to exactly the numbers that were written into them."""

from __future__ import annotations

import csv
import zipfile

import numpy as np
import pandas as pd
import pytest

from periodization.ingest.common import CANONICAL
from periodization.ingest.exports import load_wearable, summarize_import
from periodization.ingest.preprocess import preprocess, validate

from .conftest import GOOD, assert_matches, expected, zip_folder

CASES = {  # fixture → (expected table, source format, hrv kind)
    "whoop": ("whoop", "whoop", "rmssd"),
    "oura": ("oura", "oura", "rmssd"),
    "intervals_wellness.csv": ("intervals", "intervals.icu", "rmssd"),
    "apple": ("apple", "apple-health", "sdnn"),
    "generic.csv": ("generic", "generic", "rmssd"),
    "oura_trends.csv": ("oura_trends", "oura-trends", "rmssd"),
}


@pytest.fixture(scope="module")
def imported():
    return {name: load_wearable(GOOD / name) for name in CASES}


@pytest.mark.parametrize("name", CASES)
def test_values_match_what_the_export_holds(imported, name):
    want, fmt, kind = CASES[name]
    result = imported[name]
    assert (result.source_format, result.hrv_kind) == (fmt, kind)
    assert_matches(result.table, expected(want))


@pytest.mark.parametrize("name", CASES)
def test_table_is_canonical(imported, name):
    table = imported[name].table
    assert list(table.columns[: len(CANONICAL)]) == list(CANONICAL)
    assert set(table.columns[len(CANONICAL):]) <= {"atl", "ctl", "hrv_sdnn_ms"}
    assert table["date"].dtype == "datetime64[ns]"
    assert (table["date"] == table["date"].dt.normalize()).all()
    assert table["date"].is_monotonic_increasing and table["date"].is_unique
    assert table["action"].dtype == np.int64 and table["action"].between(-1, 5).all()
    assert table["athlete_id"].nunique() == 1
    validate(table, source=name)  # what preprocessing expects, it gets


def test_athlete_id_is_the_file_stem_unless_given(imported):
    assert imported["intervals_wellness.csv"].table["athlete_id"].iloc[0] == "intervals_wellness"
    assert imported["whoop"].table["athlete_id"].iloc[0] == "whoop"
    assert imported["generic.csv"].table["athlete_id"].iloc[0] == "ann"  # from its column
    chosen = load_wearable(GOOD / "whoop", athlete_id="a7")
    assert set(chosen.table["athlete_id"]) == {"a7"}


@pytest.mark.parametrize("folder,prefix", [("whoop", ""), ("whoop", "my_whoop_data/"),
                                           ("oura", ""), ("apple", "")])
def test_a_zip_imports_like_its_folder(imported, tmp_path, folder, prefix):
    archive = zip_folder(GOOD / folder, tmp_path / f"{folder}.zip", prefix)
    result = load_wearable(archive)
    pd.testing.assert_frame_equal(result.table.drop(columns="athlete_id"),
                                  imported[folder].table.drop(columns="athlete_id"))


def test_apple_zip_with_a_localised_export_name(tmp_path, imported):
    xml = (GOOD / "apple" / "apple_health_export" / "export.xml").read_bytes()
    archive = tmp_path / "eksport.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export_cda.xml", b"<ClinicalDocument/>")
        zf.writestr("apple_health_export/dışa aktarılan.xml", xml)
    table = load_wearable(archive).table
    assert_matches(table, expected("apple"))


# -------------------------------------------------------------------------- WHOOP
def test_whoop_day_is_the_local_wake_date_across_a_timezone_trip(imported):
    cycles = pd.read_csv(GOOD / "whoop" / "physiological_cycles.csv")
    tokyo = cycles[cycles["Cycle timezone"] == "UTC+09:00"]
    utc_wake_days = set(pd.to_datetime(tokyo["Wake onset"]).dt.normalize())
    local_days = set((pd.to_datetime(tokyo["Wake onset"]) + pd.Timedelta(hours=9)).dt.normalize())
    assert utc_wake_days != local_days  # the trip really moves wake-ups across midnight UTC
    assert local_days <= set(imported["whoop"].table["date"])


def test_whoop_naps_are_not_the_night_and_the_open_cycle_is_unfinished(imported):
    result = imported["whoop"]
    assert any("nap(s) in sleeps.csv" in w for w in result.warnings)
    last = result.table.iloc[-1]
    assert np.isnan(last["strain"]) and np.isnan(last["load"]) and last["action"] == -1
    assert not np.isnan(last["recovery"])  # the morning's recovery is known already


def test_whoop_without_workouts_derives_load_from_strain(copy_of):
    folder = copy_of(GOOD / "whoop")
    (folder / "workouts.csv").unlink()
    result = load_wearable(folder)
    table = result.table
    strain = table["strain"].to_numpy()
    light = strain < 10  # WHOOP's light band: daily life, no training
    hard = strain >= 10
    assert light.any() and hard.any()
    assert np.allclose(table["load"][hard], 13.1 * np.expm1(0.14 * strain[hard]))
    assert (table["load"][light] == 0).all() and (table["action"][light] == 0).all()
    assert (table.loc[hard, "action"] == -1).all()
    assert any("Day Strain" in w for w in result.warnings)
    assert result.decisions["load_source"]["chosen"] == "day_strain"


# --------------------------------------------------------------------------- Oura
def test_oura_long_sleep_wins_and_split_nights_take_the_longest(imported):
    table = imported["oura"].table.set_index("date")
    split = table.loc["2024-03-15"]
    assert split["sleep_hours"] == pytest.approx(200 / 60)  # not the 180-min first part
    assert np.isnan(table.loc["2024-03-26", "sleep_hours"])  # no sleep that night
    assert table.loc["2024-03-26", "recovery"] > 0  # but a readiness score


def _rewrite(path, delimiter: str) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)


def test_oura_comma_separated_export_reads_the_same(imported, copy_of):
    folder = copy_of(GOOD / "oura")
    for path in (folder / "App Data").glob("*.csv"):
        _rewrite(path, ",")
    pd.testing.assert_frame_equal(load_wearable(folder).table, imported["oura"].table)


def test_oura_without_workouts_uses_activity_time(copy_of):
    folder = copy_of(GOOD / "oura")
    (folder / "App Data" / "workout.csv").unlink()
    table = load_wearable(folder).table
    # dailyactivity: 2700 s high and 1200 s medium activity every day
    assert np.allclose(table["load"], 2700 / 3600 * 85 + 1200 / 3600 * 25)
    assert (table["action"] == -1).all()


def test_a_single_oura_sleepmodel_file_imports_its_sleep(imported):
    result = load_wearable(GOOD / "oura" / "App Data" / "sleepmodel.csv")
    want = imported["oura"].table.dropna(subset=["sleep_hours"]).reset_index(drop=True)
    got = result.table
    assert got["date"].tolist() == want["date"].tolist()
    assert np.allclose(got["hrv_rmssd_ms"], want["hrv_rmssd_ms"])
    assert got["recovery"].isna().all()


# ------------------------------------------------------------------ intervals.icu
def test_intervals_load_is_backed_out_of_atl_without_ctl_load(copy_of):
    path = copy_of(GOOD / "intervals_wellness.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns=["ctlLoad", "atlLoad"]).to_csv(path, index=False)
    result = load_wearable(path)
    want = expected("intervals")
    got = result.table["load"].to_numpy()
    known = ~np.isnan(got)
    consecutive = want["date"].diff().dt.days.eq(1).to_numpy()
    assert (known == consecutive).all()  # first day and days after a gap stay unknown
    assert np.allclose(got[known], want["load"].to_numpy()[known], atol=0.01)
    assert any("back-calculated" in w for w in result.warnings)


# -------------------------------------------------------------------- Apple Health
def test_apple_keeps_sdnn_apart_and_says_so(imported):
    result = imported["apple"]
    assert result.table["hrv_rmssd_ms"].isna().all()
    assert result.table["hrv_sdnn_ms"].notna().all()
    assert any("SDNN" in w for w in result.warnings)
    assert any("11 workout(s) recorded twice" in w for w in result.warnings)


def test_apple_night_without_the_watch_uses_the_other_source(imported):
    table = imported["apple"].table.set_index("date")
    assert table.loc["2024-03-20", "sleep_hours"] == pytest.approx(440 / 60)


def test_apple_export_is_streamed_not_loaded(monkeypatch, imported):
    import xml.etree.ElementTree as ET

    def refuse(*args, **kwargs):
        raise AssertionError("the whole XML must not be parsed at once")

    monkeypatch.setattr(ET, "parse", refuse)
    monkeypatch.setattr(ET, "fromstring", refuse)
    table = load_wearable(GOOD / "apple").table
    pd.testing.assert_frame_equal(table, imported["apple"].table)


# ---------------------------------------------------------------------- summary
def test_summary_reports_span_gaps_and_warnings(imported):
    summary = summarize_import(imported["whoop"])
    assert summary["source_format"] == "whoop" and summary["hrv_kind"] == "rmssd"
    assert (summary["first_date"], summary["last_date"]) == ("2024-03-04", "2024-04-28")
    assert summary["calendar_days"] == 56 and summary["days"] == 53
    # 3 days not worn + 1 unscored morning, over the 56-day span
    assert summary["missing_pct"]["hrv_rmssd_ms"] == pytest.approx(round(400 / 56, 1))
    assert summary["missing_pct"]["strain"] == pytest.approx(round(400 / 56, 1))
    assert summary["warnings"] == imported["whoop"].warnings
    assert summary["mean"]["sleep_hours"] > 5


def test_imports_feed_preprocessing(imported):
    for name in ("whoop", "oura", "generic.csv"):
        pre = preprocess(imported[name].table, source=name)
        assert pre.dropped.empty and len(pre.table) >= 40


def test_the_documented_generic_example_imports(tmp_path):
    doc = (GOOD.parents[3] / "docs" / "importers.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    table = load_wearable(path).table
    assert table["action"].tolist() == [0, 3, 2]
    assert table["load"].tolist() == [0, 85, 55]
    assert np.isnan(table["hrv_rmssd_ms"].iloc[2]) and np.isnan(table["recovery"].iloc[2])
