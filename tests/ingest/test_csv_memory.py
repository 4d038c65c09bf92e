"""What reading a CSV costs in memory: blank lines nothing, repeated cells one string, and
a file read as the size it claims (not the 512 MiB limit allocated up front)."""

from __future__ import annotations

import functools
import io
import tracemalloc

import pytest

from periodization.core.errors import DataError
from periodization.ingest import sources
from periodization.ingest.csvtable import parse_csv_text
from periodization.ingest.sources import Member

HEADER = "date,hrv_rmssd_ms,resting_hr\n"


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_a_million_blank_lines_cost_nothing():
    """The old reader split the text into a list of lines and a list of rows first: these
    1 MB of blank lines peaked at ~77 MB; now at ~4 MB, about the text itself."""
    text = HEADER + "2024-03-01,50,52\n" + "\n" * 1_000_000 + " , ,\n" * 10
    table = None

    def parse():
        nonlocal table
        table = parse_csv_text(text, "blank.csv")
    assert _peak_mb(parse) < 8.0
    assert len(table) == 1 and table.text("hrv_rmssd_ms").tolist() == ["50"]


def test_equal_cells_share_one_string_and_rows_keep_their_values():
    rows = [f"2024-03-{d:02d}, {50 + d % 3} ,52" for d in range(1, 29)]
    table = parse_csv_text(HEADER + "\n".join(rows) + "\n", "t.csv")
    hrv = table.text("hrv_rmssd_ms")
    assert hrv.tolist() == [str(50 + d % 3) for d in range(1, 29)]  # stripped, in order
    assert hrv.iloc[0] is hrv.iloc[3]  # the same value, one object
    assert table.text("date").iloc[0] == "2024-03-01"


@pytest.mark.parametrize("text", [" , ,\n,,\n", "\ufeff\n \n\t\n"])
def test_a_file_of_blank_cells_is_empty(text):
    with pytest.raises(DataError, match="the file is empty"):
        parse_csv_text(text, "blank.csv")


def test_rows_wider_than_the_header_are_refused_with_their_number():
    text = HEADER + "2024-03-01,50,52\n\n2024-03-02,50,52,9\n"
    with pytest.raises(DataError, match="data row 2 has 4 fields but the header has 3"):
        parse_csv_text(text, "wide.csv")


def _member(data: bytes, claimed: int) -> Member:
    return Member(name="a.csv", size=claimed, where="a.csv", opener=lambda: io.BytesIO(data))


def test_a_file_is_read_as_the_size_it_claims(tmp_path):
    """``read(n)`` on a real file allocates n bytes first: asking for the limit cost
    512 MiB on every CSV, however small."""
    path = tmp_path / "a.csv"
    path.write_bytes((HEADER + "2024-03-01,50,52\n" * 1000).encode())
    member = Member(name="a.csv", size=path.stat().st_size, where="a.csv",
                    opener=functools.partial(path.open, "rb"))
    assert _peak_mb(member.read_bytes) < 1.0


def test_a_file_longer_than_it_claimed_is_read_on_up_to_the_limit(monkeypatch):
    data = b"x" * 5000
    assert _member(data, 100).read_bytes() == data
    monkeypatch.setattr(sources, "MAX_CSV_BYTES", 3000)
    with pytest.raises(DataError, match="file too large"):
        _member(data, 100).read_bytes()
