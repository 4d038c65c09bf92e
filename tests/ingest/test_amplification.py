"""Small files that once cost minutes or gigabytes to read, each refused or read promptly.

Each case was measured before its fix (2 slow cores): XML entity declarations expanding a
2 MB file to 900 MB, a 12 MB attribute parsed in 11.5 s (quadratic), a 98 KB zip of one
32 MiB CSV read in 39 s and 1 GB, 10 000 WHOOP folders in a zip sorted out in 26 s
(quadratic), a 0.5 MB Parquet file of 10 million rows read into 2.4 GB, a 5000-digit JSON
number reported as an unexpected error. The deadlines are hangs, not speed goals: each is
several times what the fixed code takes, and shorter than what the old code took.
"""

from __future__ import annotations

import struct
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from periodization.core.errors import DataError
from periodization.ingest.inputs import read_inputs
from periodization.ingest.xmlstream import PREAMBLE_BYTES
from tests.ingest.test_hostile import deadline, one_line

DOCTYPE = '<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record)*>\n{extra}]>\n'
RECORD = ('<Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="{source}" '
          'unit="count/min" startDate="2024-03-{day:02d} 07:00:00 +0100" '
          'endDate="2024-03-{day:02d} 07:00:00 +0100" value="52"/>\n')


def apple_xml(extra: str = "", source: str = "Watch", days: int = 20) -> str:
    records = "".join(RECORD.format(source=source, day=d) for d in range(1, days + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.format(extra=extra)
            + f'<HealthData locale="en">\n{records}</HealthData>\n')


def refused(path, fragment: str, seconds: int = 30) -> str:
    with deadline(seconds), pytest.raises(DataError) as info:
        read_inputs(path)
    message = one_line(info.value)
    assert fragment in message, message
    return message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_xml_that_declares_entities_is_refused_before_parsing(tmp_path, encoding):
    text = apple_xml(extra=f'<!ENTITY e "{"W" * 100_000}">\n', source="&e;&e;&e;")
    if encoding != "utf-8":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "export.xml"
    path.write_bytes(text.encode(encoding))
    refused(path, "declares entities")


def test_a_doctype_longer_than_the_searched_preamble_is_refused(tmp_path):
    padding = "<!-- " + "x" * PREAMBLE_BYTES + " -->\n"
    path = tmp_path / "export.xml"
    path.write_text(apple_xml(extra=padding))
    refused(path, "no XML start tag is complete")


def test_the_same_export_without_entities_still_imports(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(apple_xml())
    assert len(read_inputs(path).rows) == 20


def _with_attribute(tmp_path, length: int):
    record = RECORD.format(source="Watch", day=1).replace("/>", f' x="{"1" * length}"/>')
    path = tmp_path / "export.xml"
    path.write_text(apple_xml().replace("<HealthData locale=\"en\">\n",
                                        "<HealthData locale=\"en\">\n" + record))
    return path


def test_a_24_mb_attribute_is_parsed_in_linear_time(tmp_path):
    """iterparse's 16 KiB feeds re-scanned the unfinished token each time: 24 MB, ~45 s."""
    path = _with_attribute(tmp_path, 24_000_000)
    with deadline(30):
        assert len(read_inputs(path).rows) == 20


def test_a_token_longer_than_32_mib_is_refused(tmp_path):
    refused(_with_attribute(tmp_path, 40_000_000), "longer than 32 MiB")


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


CSV_ROW = b"2024-01-01,50,52,7.5,90,60,100\n"
CSV_HEAD = b"date,hrv_rmssd_ms,resting_hr,sleep_hours,sleep_efficiency,recovery,load\n"


def test_a_zip_whose_members_together_expand_like_a_bomb_is_refused(tmp_path):
    each = CSV_HEAD + CSV_ROW * (3 * 1024 * 1024 // len(CSV_ROW))  # 3 MiB, ~1000× smaller
    path = _zip(tmp_path / "export.zip", {"a/data.csv": each, "b/data.csv": each})
    refused(path, "times in all")


def test_one_member_expanding_like_a_bomb_above_4_mib_is_refused(tmp_path):
    member = CSV_HEAD + CSV_ROW * (5 * 1024 * 1024 // len(CSV_ROW))
    refused(_zip(tmp_path / "export.zip", {"data.csv": member}), "refused as a zip bomb")


def test_many_whoop_exports_in_one_zip_are_refused_promptly_in_one_short_line(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path: the message names it three times
    members = {f"{i}/physiological_cycles.csv": b"a\n1\n" for i in range(15_000)}
    message = refused(_zip(Path("many.zip"), members), "more than one whoop export")
    assert "and 14998 more" in message


def test_a_parquet_file_of_too_many_rows_is_refused_from_its_footer(tmp_path):
    rows = 3_000_001
    table = pa.table({"athlete_id": pa.array(["a"] * rows).dictionary_encode(),
                      "date": pa.array([19_000] * rows, type=pa.date32())})
    path = tmp_path / "observations.parquet"
    pq.write_table(table, path)
    refused(path, "more than 3000000")


def test_a_json_number_of_5000_digits_is_one_line(tmp_path):
    path = tmp_path / "2024_sleepData.json"
    path.write_text('[{"calendarDate": "2024-01-01", "deepSleepSeconds": ' + "9" * 5000 + "}]")
    refused(path, "a number too long to read")


def test_a_fit_file_of_more_messages_than_a_device_writes_is_refused(tmp_path, monkeypatch):
    """fitdecode decodes every record in Python (~40 µs each here): 64 MB of 6-byte
    records took minutes. A file of more than ``MAX_FIT_MESSAGES`` records, data or
    definitions, is refused as it is read; one under the cap is read."""
    from periodization.ingest.formats import garmin_fit
    from tests.ingest.layouts.fit import FitWriter, fit_time

    def fit(n: int) -> Path:
        w = FitWriter()
        t0 = datetime(2024, 3, 1, 6, 0)
        w.add("file_id", type=32, manufacturer=1, product=3500, serial_number=1,
              time_created=fit_time(t0))
        for j in range(n):
            w.add("monitoring_hr_data", timestamp=fit_time(t0 + timedelta(minutes=j)),
                  resting_heart_rate=48)
        path = tmp_path / f"m{n}.fit"
        path.write_bytes(w.bytes())
        return path

    def definitions(n: int) -> Path:  # valid FIT of n field-less definition records
        w = FitWriter()
        w.add("file_id", type=32, manufacturer=1, product=3500, serial_number=1,
              time_created=fit_time(datetime(2024, 3, 1, 6, 0)))
        w.body += struct.pack("<BBBHB", 0x41, 0, 0, 211, 0) * n
        path = tmp_path / f"d{n}.fit"
        path.write_bytes(w.bytes())
        return path

    monkeypatch.setattr(garmin_fit, "MAX_FIT_MESSAGES", 200)
    message = refused(fit(250), "more than 200 records in one FIT file")
    assert message.startswith(str(tmp_path / "m250.fit"))
    # definitions cost as much to decode as data and count the same
    refused(definitions(250), "more than 200 records in one FIT file")
    assert len(read_inputs(fit(150)).rows) == 1  # ~155 records, one morning: under the cap
