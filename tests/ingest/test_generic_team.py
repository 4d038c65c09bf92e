"""Many athletes in one CSV, read in one pass with the generic format's rules."""

from __future__ import annotations

import pytest

from periodization.core.errors import DataError
from periodization.ingest.formats.generic import athletes_in_csv, read_team

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
    rows, notes = read_team(path)
    assert list(rows["athlete_id"]) == ["a", "a", "b", "b"]
    assert list(rows["action"]) == [0, 3, 2, -1] and notes == {}
    assert rows["sleep_hours"].isna().sum() == 1 and rows["load"].isna().sum() == 1


def test_text_in_numbers_is_counted_per_athlete(tmp_path):
    path = write(tmp_path, "a,2024-03-01,high,50,7.5,90,70,0,REST",
                 "a,2024-03-02,61,51,7.4,91,66,80,TEMPO", "b,2024-03-01,40,60,7,85,40,55,2")
    rows, notes = read_team(path)
    assert rows["hrv_rmssd_ms"].isna().sum() == 1
    assert notes == {"a": ["1 non-numeric value(s) in 'hrv_rmssd_ms' treated as missing"]}


def test_a_repeated_day_keeps_the_later_row_and_fills_its_gaps(tmp_path):
    path = write(tmp_path, "a,2024-03-01,60,50,7.5,90,70,0,REST",
                 "a,2024-03-01,62,,7.5,90,70,0,REST", "b,2024-03-01,40,60,7,85,40,55,2")
    rows, notes = read_team(path)
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
        read_team(write(tmp_path, *rows, header=header))
    assert "team.csv" in str(info.value) and "\n" not in str(info.value)


def test_one_athlete_and_the_team_reader_agree(tmp_path):
    """The generic CSV has one set of cell rules: reading one athlete of a team file as an
    export gives that athlete's rows of the team reading."""
    from periodization.ingest.exports import load_wearable

    path = write(tmp_path, "a,2024-03-01,60,50,7.5,90,70,0,REST",
                 "a,2024-03-02,61%,51,7.4,91,66,80,tempo", "a,2024-03-03,58,52,7.1,88,55,40,3",
                 "a,2024-03-04,57,n/a,7.0,87,52,,", "b,2024-03-01,40,60,7,85,40,55,HIIT",
                 "b,2024-03-02,41,59,6.9,84,45,30,-1")
    team, _ = read_team(path)
    one = load_wearable(path, athlete_id="a").table
    a = team[team["athlete_id"] == "a"].reset_index(drop=True)
    assert list(one["date"]) == list(a["date"])
    assert list(one["action"]) == list(a["action"]) == [0, 3, 3, -1]
    for col in ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery",
                "load"):
        assert one[col].to_numpy() == pytest.approx(a[col].to_numpy(), nan_ok=True), col


def test_team_reader_takes_a_decimal_comma_with_semicolons(tmp_path):
    header = HEADER.replace(",", ";")
    path = write(tmp_path, "a;2024-03-01;60,5;50;7,5;90;70;0;REST",
                 "b;2024-03-01;40;60;7;85;40;55;2", header=header)
    rows, notes = read_team(path)
    assert rows["hrv_rmssd_ms"].tolist() == [60.5, 40.0] and notes == {}
