"""Malformed input: a one-line DataError naming the file and the problem, never a traceback
and never a partly built table; flawed-but-usable files import with warnings."""

from __future__ import annotations

import os
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from periodization.core.errors import DataError
from periodization.ingest import sources
from periodization.ingest.exports import load_wearable

from .conftest import BAD, GOOD, ODD

BAD_CASES = {  # file in bad/ → what the message must say
    "empty.csv": "the file is empty",
    "blank_lines.csv": "only blank",
    "garbage.bin": "binary data",
    "photo.csv": "JPEG image",
    "scan.csv": "PDF document",
    "archive.csv.gz": "gzip archive",
    "whoop_api.json": "JSON file",
    "header_only.csv": "only a header",
    "whoop_header_only": "only a header",
    "generic_missing_recovery.csv": "missing column 'recovery'",
    "generic_missing_load_and_action.csv": "missing column 'load' or 'action'",
    "whoop_missing_cycle_start": "missing column 'Cycle start time'",
    "whoop_no_metrics": "none of the expected WHOOP columns",
    "oura_sleep_missing_columns": "missing columns 'average_hrv'",
    "oura_readiness_without_score": "missing column 'score'",
    "oura_trends_missing_columns.csv": "missing columns 'average_hrv'",
    "intervals_missing_metrics.csv": "missing columns 'hrv', 'restingHR'",
    "intervals_missing_id.csv": "missing column 'id'",
    "generic_text_hrv.csv": "'hrv_rmssd_ms' holds no numbers (e.g. 'high')",
    "whoop_text_resting_hr": "'Resting heart rate (bpm)' holds no numbers",
    "generic_all_hrv_zero.csv": "every value of hrv_rmssd_ms is implausible (e.g. 0;",
    "generic_all_hrv_900.csv": "every value of hrv_rmssd_ms is implausible (e.g. 900",
    "intervals_all_rhr_300.csv": "every value of 'restingHR' (resting_hr) is implausible",
    "generic_bad_date.csv": "data row 4: '31/02/2024' in column 'date' is not a date",
    "generic_dates_1900.csv": "every date is outside 1990-01-01",
    "generic_dates_2200.csv": "(e.g. 2200-07-01); not a plausible export",
    "generic_no_dates.csv": "no row has a date",
    "generic_nothing_usable.csv": "no usable HRV, resting heart rate, sleep or recovery",
    "generic_unknown_actions.csv": "holds no action names or ids 0-5 (e.g. 'jogging')",
    "generic_two_athletes.csv": "holds 2 athletes (ann, bob); choose one",
    "whoop_bad_timestamp": "'yesterday evening' in column 'Wake onset' is not a date and time",
    "ragged.csv": "data row 3 has 10 fields but the header has 8",
    "bank_statement.csv": "CSV columns not recognised",
    "whoop_sleeps_alone.csv": "sleeps.csv or workouts.csv alone is not enough",
    "oura_activity_alone.csv": "an Oura activity or workout file alone",
    "utf16_without_bom.csv": "unknown text encoding (looks like UTF-16",
    "shift_jis.csv": "unknown text encoding (neither UTF-8",
    "no_known_file.zip": "no known wearable export in this zip",
    "corrupt.zip": "corrupt or truncated zip archive",
    "encrypted.zip": "password-protected",
    "damaged_member.zip": "physiological_cycles.csv: corrupt or unreadable data",
    "folder_without_export": "no known wearable export in this folder",
    "two_whoop_exports.zip": "holds more than one whoop export",
    "truncated_export.xml": "malformed or truncated XML",
    "not_apple.xml": "XML root is <svg>, not an Apple Health export",
    "apple_without_records.xml": "no heart rate variability, resting heart rate or sleep",
    "unknown_xml_encoding.xml": "unknown encoding: klingon",
}
NEW_FORMAT_CASES = {  # issue 12: the formats added, each refusal naming the format assumed
    "oura_api_not_json.json": "malformed JSON",
    "oura_api_no_records.json": "holds no list of records",
    "oura_api_empty.json": "no Oura sleep or daily_readiness records",
    "oura_api_bad_day.json": "'31/02/2024' in column 'day' is not a date",
    "oura_api_hrv_900.json": "every value of 'average_hrv' (hrv_rmssd_ms) is implausible",
    "oura_api_nested_deep.json": "malformed JSON (nested too deeply)",
    "garmin_not_a_list": "holds no list of records",
    "garmin_empty": "no Garmin sleep, HRV or resting heart rate records",
    "garmin_truncated": "malformed JSON",
    "fit_truncated.fit": "corrupt FIT file",
    "fit_bad_crc.fit": "corrupt FIT file",
    "fit_activity_only.fit": "no HRV status, resting heart rate or sleep messages",
    "fit_header_only.fit": "no HRV status, resting heart rate or sleep messages",
    "fitbit_sleep_not_json": "malformed JSON",
    "fitbit_nothing": "no Fitbit sleep, resting heart rate or HRV files",
    "fitbit_hrv_without_rmssd": "missing column 'rmssd'",
    "polar_empty": "no Polar Nightly Recharge or sleep records",
    "polar_bad_json": "malformed JSON",
    "hrv4training_no_date.csv": "missing column 'date'",
    "hrv4training_text_rmssd.csv": "column 'rMSSD' holds no numbers",
    "elite_hrv_no_rmssd.csv": "no RMSSD or lnRMSSD values",
    "elite_hrv_bad_date.csv": "'tomorrow morning' in column 'Date Time Start' is not a date",
    "apple_csv_without_value": "missing column 'value'",
    "apple_csv_header_only": "no heart rate variability, resting heart rate or sleep rows",
    "intervals_activities_alone.csv": "an intervals.icu activities CSV alone has no HRV",
    "unknown_json.json": "this is a JSON file, not a supported export",
}
READ_AS = {  # the format named in the refusal ("read as …")
    "oura_api": "Oura API v2 JSON", "garmin": "a Garmin Connect export",
    "fit_": "Garmin FIT files", "fitbit": "a Fitbit Takeout export",
    "polar": "a Polar Flow export", "hrv4training": "an HRV4Training CSV",
    "elite_hrv": "an Elite HRV CSV", "apple_csv": "Apple Health per-type CSVs",
}
BAD_CASES = {**BAD_CASES, **NEW_FORMAT_CASES}


def refuse(path, fragment: str) -> str:
    with pytest.raises(DataError) as info:
        load_wearable(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert path.name in message, message
    assert fragment in message, message
    assert "unexpected" not in message, message
    return message


def test_corpus_and_table_agree():
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == set(BAD_CASES)
    assert len(on_disk) >= 30 and len(NEW_FORMAT_CASES) >= 20


@pytest.mark.parametrize("name", sorted(NEW_FORMAT_CASES))
def test_new_format_refusals_name_the_format_they_assumed(name):
    message = refuse(BAD / name, NEW_FORMAT_CASES[name])
    assumed = next((v for k, v in READ_AS.items() if name.startswith(k)), None)
    if assumed is not None and "malformed JSON" not in NEW_FORMAT_CASES[name]:
        assert f"(read as {assumed})" in message, message
    assert len(message) < 300


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_file_is_refused_with_one_clear_line(name):
    refuse(BAD / name, BAD_CASES[name])


def test_a_missing_path(tmp_path):
    refuse(tmp_path / "nowhere.csv", "no such file or folder")


@pytest.mark.parametrize("head", [b"", b"date,hrv_rmssd_ms,resting_hr\n",
                                  b"Cycle start time,Cycle end time\n"])
def test_a_2_gb_file_is_refused_at_once_without_reading_it(tmp_path, head):
    path = tmp_path / "huge.csv"
    path.write_bytes(head)
    os.truncate(path, 2 * 1024**3)  # sparse: costs no disk and no time
    started = time.perf_counter()
    refuse(path, "file too large (2.0 GB; the limit for a CSV export is 512.0 MB)")
    assert time.perf_counter() - started < 1.0


def test_a_zip_member_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_CSV_BYTES", 1000)
    archive = tmp_path / "whoop.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GOOD / "whoop" / "physiological_cycles.csv", "physiological_cycles.csv")
    message = refuse(archive, "file too large")
    assert "physiological_cycles.csv" in message


def test_multi_athlete_generic_csv_imports_the_chosen_one():
    result = load_wearable(BAD / "generic_two_athletes.csv", athlete_id="bob")
    assert set(result.table["athlete_id"]) == {"bob"} and len(result.table) == 3
    with pytest.raises(DataError, match="no rows for athlete 'eve'"):
        load_wearable(BAD / "generic_two_athletes.csv", athlete_id="eve")


def _mutations(data: bytes, rng: np.random.Generator, n: int) -> list[bytes]:
    out = []
    for _ in range(n):
        kind = rng.integers(3)
        if kind == 0:  # truncated anywhere
            out.append(data[: int(rng.integers(1, len(data)))])
        elif kind == 1:  # a few random bytes overwritten
            buf = bytearray(data)
            for pos in rng.integers(0, len(buf), 8):
                buf[pos] = int(rng.integers(256))
            out.append(bytes(buf))
        else:  # a chunk duplicated in the middle
            a, b = sorted(rng.integers(0, len(data), 2))
            out.append(data[:b] + data[a:b] + data[b:])
    return out


@pytest.mark.parametrize("source", ["generic.csv", "intervals_wellness.csv", "oura_trends.csv",
                                    "whoop/physiological_cycles.csv",
                                    "oura/App Data/sleepmodel.csv"])
def test_damaged_files_either_import_or_fail_cleanly(tmp_path, source):
    data = (GOOD / source).read_bytes()
    rng = np.random.default_rng(len(source))
    for i, damaged in enumerate(_mutations(data, rng, 12)):
        path = tmp_path / f"{i}_{os.path.basename(source)}"
        path.write_bytes(damaged)
        try:
            result = load_wearable(path)
        except DataError as exc:
            assert "\n" not in str(exc) and path.name in str(exc)
            assert "unexpected" not in str(exc), str(exc)
        else:
            assert result.table["date"].is_unique and len(result.table) > 0


def test_damaged_apple_xml_fails_cleanly(tmp_path):
    data = (GOOD / "apple" / "apple_health_export" / "export.xml").read_bytes()
    for i, cut in enumerate((1000, 50_000, len(data) - 30)):
        path = tmp_path / f"export{i}.xml"
        path.write_bytes(data[:cut])
        refuse(path, "malformed or truncated XML")


# -------------------------------------------------------------- flawed but usable
def test_a_few_implausible_values_are_excluded_and_counted():
    result = load_wearable(ODD / "few_bad_hrv.csv")
    hrv = result.table["hrv_rmssd_ms"]
    assert hrv.isna().sum() == 2 and result.excluded == {"hrv_rmssd_ms": 2}
    assert hrv.dropna().between(5, 300).all()
    assert any("2 implausible value(s)" in w for w in result.warnings)


def test_duplicated_days_are_merged_latest_first_and_reported():
    result = load_wearable(ODD / "duplicate_dates.csv")
    table = result.table.set_index("date")
    assert len(table) == 6
    day = table.loc["2024-03-02"]
    assert day["hrv_rmssd_ms"] == 70 and day["sleep_hours"] == 8.0  # the later row
    assert day["resting_hr"] == 51 and day["recovery"] == 70  # its gaps from the earlier one
    assert any("1 day(s) appear more than once" in w and "conflicting" in w
               for w in result.warnings)


def test_unsorted_dates_are_sorted():
    table = load_wearable(ODD / "unsorted_dates.csv").table
    assert table["date"].is_monotonic_increasing and len(table) == 8
    assert table["hrv_rmssd_ms"].iloc[0] == 60  # 2024-03-01's value, written last


@pytest.mark.parametrize("name", ["semicolon_decimal_comma.csv", "bom_crlf.csv",
                                  "windows_1252.csv", "utf16_bom_tabs.csv",
                                  "header_variants.csv"])
def test_format_variants_read_the_same_numbers(name):
    table = load_wearable(ODD / name).table
    reference = load_wearable(ODD / "unsorted_dates.csv").table
    n = len(table)
    cols = ["date", "hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency",
            "recovery", "load", "action"]
    pd.testing.assert_frame_equal(table[cols], reference[cols].iloc[:n])


def test_text_cells_are_missing_and_counted():
    result = load_wearable(ODD / "text_cells.csv")
    assert result.table["hrv_rmssd_ms"].isna().sum() == 3  # 'n/a', 'abc', '-'
    assert result.excluded == {"hrv_rmssd_ms": 1}  # only 'abc' is not a missing marker


def test_absurd_dates_among_good_ones_are_excluded():
    result = load_wearable(ODD / "some_absurd_dates.csv")
    assert len(result.table) == 5 and result.excluded == {"date": 1}
    assert result.table["date"].max() < pd.Timestamp("2030-01-01")


def test_whoop_older_header_names():
    table = load_wearable(ODD / "whoop_old_headers").table
    assert (table["hrv_rmssd_ms"] == 64).all() and (table["resting_hr"] == 52).all()
    assert (table["recovery"] == 70).all() and (table["strain"] == 11.5).all()
    assert np.allclose(table["sleep_hours"], 7.0) and (table["sleep_efficiency"] == 92).all()


def test_whoop_times_already_local_are_not_shifted():
    result = load_wearable(ODD / "whoop_local_times")
    # wake-ups at 06:00 as written; shifting by UTC-08:00 would move them to the day before
    assert result.table["date"].dt.day.tolist() == [4, 5, 6, 7, 8]
    assert any("times look local already" in w for w in result.warnings)


def test_whoop_small_offsets_keep_the_documented_utc_reading(tmp_path):
    folder = tmp_path / "whoop_export"
    folder.mkdir()
    header = ("Cycle start time,Cycle end time,Cycle timezone,Heart rate variability (ms),"
              "Wake onset")
    wakes = ["2024-03-02 07:30:00", "2024-03-03 07:10:00", "2024-03-04 06:50:00",
             "2024-03-04 23:30:00"]  # the last one is 00:30 on the 5th at UTC+01:00
    rows = [f"{w[:10]} 00:00:00,,UTC+01:00,60,{w}" for w in wakes]
    (folder / "physiological_cycles.csv").write_text("\n".join([header, *rows]) + "\n")
    result = load_wearable(folder)
    assert result.table["date"].dt.day.tolist() == [2, 3, 4, 5]
    assert not any("local already" in w for w in result.warnings)
