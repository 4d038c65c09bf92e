"""Many athletes in one CSV, read in one pass with the generic format's rules."""

from __future__ import annotations

import pytest

from periodization.core.errors import DataError
from periodization.ingest.long_csv import athletes_in_csv, read_long_csv

HEADER = "Athlete ID,Date,HRV_RMSSD_MS,Resting HR,sleep_hours,sleep_efficiency,recovery,load,action"


def write(tmp_path, *rows, header=HEADER):
    path = tmp_path / "team.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_reads_every_athlete_with_tolerant_headers_and_actions(tmp_path):
    path = write(tmp_path, "a,2024-03-01,60,50,7.5,90,70,0,REST",
                 "a,2024-03-02,61,51,7.4,91,66,80,tempo", "b,2024-03-01,40,60,n/a,85,40,55,2",
                 "b,2024-03-02,41,59,6.9,84,45,,")
    assert athletes_in_csv(path) == 2
    rows, notes = read_long_csv(path)
    assert list(rows["athlete_id"]) == ["a", "a", "b", "b"]
    assert list(rows["action"]) == [0, 3, 2, -1] and notes == {}
    assert rows["sleep_hours"].isna().sum() == 1 and rows["load"].isna().sum() == 1


def test_text_in_numbers_is_counted_per_athlete(tmp_path):
    path = write(tmp_path, "a,2024-03-01,high,50,7.5,90,70,0,REST",
                 "a,2024-03-02,61,51,7.4,91,66,80,TEMPO", "b,2024-03-01,40,60,7,85,40,55,2")
    rows, notes = read_long_csv(path)
    assert rows["hrv_rmssd_ms"].isna().sum() == 1
    assert notes == {"a": ["1 non-numeric value(s) in 'hrv_rmssd_ms' treated as missing"]}


def test_a_repeated_day_keeps_the_later_row_and_fills_its_gaps(tmp_path):
    path = write(tmp_path, "a,2024-03-01,60,50,7.5,90,70,0,REST",
                 "a,2024-03-01,62,,7.5,90,70,0,REST", "b,2024-03-01,40,60,7,85,40,55,2")
    rows, notes = read_long_csv(path)
    day = rows[rows["athlete_id"] == "a"].iloc[0]
    assert len(rows) == 2 and day["hrv_rmssd_ms"] == 62 and day["resting_hr"] == 50
    assert "merged" in notes["a"][0]


@pytest.mark.parametrize("rows, header, message", [
    (["a,01/03/2024,60,50,7.5,90,70,0,REST"], HEADER, "data row 1: '01/03/2024'"),
    (["a,2024-03-01,60,50,7.5,90,0,REST"], HEADER.replace(",recovery", ""),
     "missing column 'recovery'"),
    (["a,2024-03-01,60,50,7.5,90,70,0,jog"], HEADER, "holds no action names or ids"),
])
def test_bad_files_are_one_line(tmp_path, rows, header, message):
    with pytest.raises(DataError, match=message) as info:
        read_long_csv(write(tmp_path, *rows, header=header))
    assert "team.csv" in str(info.value) and "\n" not in str(info.value)
