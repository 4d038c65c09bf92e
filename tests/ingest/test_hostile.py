"""Hostile input in exports: special files and escaping links refused without being
opened, placeholder dates excluded and counted, zip bombs refused before decompressing,
an Apple export far larger than the memory allowed streamed through, and every message
one line under 300 characters. Property tests (Hypothesis) feed the importers arbitrary
cells, documents and bytes: each either imports a clean table or fails with one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from periodization.core.errors import DataError
from periodization.ingest.common import offset_minutes
from periodization.ingest.exports import load_wearable
from periodization.ingest.inputs import read_inputs
from tests.ingest.importers.conftest import GOOD

FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # each example overwrites its own file
GENERIC = "date,hrv_rmssd_ms,resting_hr,sleep_hours,sleep_efficiency,recovery,load\n"


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging (a pipe opened for reading blocks forever)."""
    def bail(*_):
        raise TimeoutError("hung")
    old = signal.signal(signal.SIGALRM, bail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and len(message) < 300, message
    return message


@pytest.mark.parametrize("reader", [load_wearable, read_inputs])
def test_a_named_pipe_in_an_export_folder_is_refused_not_opened(tmp_path, reader):
    folder = tmp_path / "whoop"
    shutil.copytree(GOOD / "whoop", folder)
    os.mkfifo(folder / "sleeps_extra.csv")
    with deadline(10), pytest.raises(DataError) as info:
        reader(folder)
    assert "'sleeps_extra.csv' is a named pipe, not a regular file; refused" in one_line(info.value)
    with deadline(10), pytest.raises(DataError, match="not a regular file"):
        reader(folder / "sleeps_extra.csv")


def test_links_outside_the_export_are_refused_and_their_target_never_shown(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text(GENERIC + "2024-03-01,SECRET-CONTENT,50,7,90,70,0\n")
    folder = tmp_path / "export"
    shutil.copytree(GOOD / "whoop", folder)
    (folder / "more.csv").symlink_to(secret)
    with pytest.raises(DataError) as info:
        load_wearable(folder)
    message = one_line(info.value)
    assert "link to a file outside the export" in message and "SECRET" not in message
    (folder / "more.csv").unlink()
    (folder / "notes.txt").write_text("my notes")
    (folder / "notes_link.txt").symlink_to(folder / "notes.txt")  # inside the export: fine
    assert len(load_wearable(folder).table) > 0


def test_placeholder_dates_are_excluded_and_counted(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"2024-03-{d:02d},{60 + d},50,7.5,91,70,0" for d in range(1, 11)]
    rows[3] = "0001-01-01,60,50,7.5,91,70,0"
    rows[7] = "9999-12-31,60,50,7.5,91,70,0"
    path.write_text(GENERIC + "\n".join(rows) + "\n")
    result = load_wearable(path)
    assert len(result.table) == 8 and result.excluded == {"date": 2}
    assert any("placeholder" in w for w in result.warnings)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(tmp_path):
    archive = tmp_path / "export.zip"
    line = b"2024-03-01,60,50,7.5,91,70,0\n"
    with (zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
          zf.open("physiological_cycles.csv", "w") as fh):
        block = line * 40_000
        for _ in range(int(64e6 / len(block)) + 1):  # 64 MB of one repeated line
            fh.write(block)
    assert archive.stat().st_size < 2_000_000
    with pytest.raises(DataError) as info:
        load_wearable(archive)
    assert "refused as a zip bomb" in one_line(info.value)


def test_a_long_header_still_gives_a_short_error(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"column_with_a_long_name_{i}" for i in range(400)) + "\n1\n")
    with pytest.raises(DataError) as info:
        load_wearable(path)
    one_line(info.value)


@pytest.mark.parametrize("first_line", ["[" * 65536, "(" * 65536, " " * 65536 + "x",
                                        "date (" + " " * 65536, '{"data": ' + "[" * 65536])
def test_a_first_line_built_to_backtrack_is_refused_promptly(tmp_path, first_line):
    """The header's unit pattern once backtracked quadratically on such lines: a 100 KB
    file took over two minutes to refuse. Linear now; 30 s is a hang, not a speed goal."""
    path = tmp_path / "export.csv"
    path.write_text(first_line + "\n1\n")
    with deadline(30), pytest.raises(DataError) as info:
        read_inputs(path)
    one_line(info.value)


def test_a_utc_offset_cell_of_many_blanks_is_read_promptly():
    cells = pd.Series(["UTC" + " " * 100_000 + "x", "a" + " " * 100_000 + "+01:00"])
    with deadline(30):
        got = offset_minutes(cells)
    assert np.isnan(got[0]) and got[1] == 60


@pytest.mark.slow
def test_an_apple_export_larger_than_the_memory_allowed_is_streamed(tmp_path):
    """300 MB of XML parsed with 200 MB of address space to spare: only streaming fits."""
    path = tmp_path / "export.xml"
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n')
    beat = ('<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min"'
            ' startDate="2024-03-01 10:00:00 +0100" endDate="2024-03-01 10:00:00 +0100"'
            ' value="71"/>\n')
    with open(path, "w") as fh:
        fh.write(head)
        for d in range(1, 29):
            fh.write(f'<Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Watch"'
                     f' unit="count/min" startDate="2024-02-{d:02d} 07:00:00 +0100"'
                     f' endDate="2024-02-{d:02d} 07:00:00 +0100" value="{50 + d % 5}"/>\n')
        chunk = beat * 10_000
        while fh.tell() < 300e6:
            fh.write(chunk)
        fh.write("</HealthData>\n")
    code = textwrap.dedent(f"""
        import resource
        from periodization.ingest.exports import load_wearable
        import pandas, numpy  # loaded before measuring what is in use
        used = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (used + 200 * 2**20, used + 200 * 2**20))
        result = load_wearable({str(path)!r})
        print(len(result.table))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "28"


# ---------------------------------------------------------------- property tests
CELL = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str),
                 st.integers(-10**6, 10**6).map(str), st.text(max_size=8),
                 st.sampled_from(["", "-", "n/a", "2024-03-01", "0001-01-01", "1e308"]))
DAY = st.one_of(st.dates().map(lambda d: d.isoformat()), st.text(max_size=10))


def _must_be_clean(path):
    try:
        result = load_wearable(path)
    except DataError as exc:
        one_line(exc)
        assert "unexpected" not in str(exc), str(exc)
        return
    table = result.table
    assert table["date"].is_unique and table["date"].is_monotonic_increasing
    for col, (lo, hi) in (("hrv_rmssd_ms", (5, 300)), ("resting_hr", (25, 120)),
                          ("recovery", (0, 100)), ("sleep_hours", (0, 16))):
        values = table[col].dropna()
        assert values.between(lo, hi).all(), col


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(rows=st.lists(st.tuples(DAY, CELL, CELL, CELL, CELL, CELL, CELL), min_size=1, max_size=12))
def test_generic_csv_with_arbitrary_cells_imports_cleanly_or_fails_in_one_line(tmp_path, rows):
    path = tmp_path / "prop.csv"
    body = "\n".join(",".join(c.replace(",", ";").replace("\n", " ").replace("\r", " ")
                              .replace('"', "") for c in r) for r in rows)
    path.write_bytes((GENERIC + body + "\n").encode("utf-8", "replace"))
    _must_be_clean(path)


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.floats(), st.integers(),
                                 st.text(max_size=6)),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=10)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(records=st.lists(st.fixed_dictionaries(
    {"day": DAY, "average_hrv": JSONISH, "lowest_heart_rate": JSONISH,
     "total_sleep_duration": JSONISH, "type": st.sampled_from(["long_sleep", "late_nap", 3])},
    optional={"efficiency": JSONISH, "score": JSONISH}), max_size=8))
def test_oura_api_json_with_arbitrary_values_imports_cleanly_or_fails(tmp_path, records):
    import json

    path = tmp_path / "sleep.json"
    path.write_text(json.dumps({"data": records, "next_token": None}))
    _must_be_clean(path)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=st.binary(min_size=12, max_size=400), cut=st.integers(0, 400))
def test_arbitrary_fit_bytes_fail_cleanly(tmp_path, data, cut):
    from tests.ingest.layouts.garmin import write_fit
    from tests.ingest.layouts.truth import make_truth

    path = tmp_path / "x.fit"
    real = sorted(write_fit(tmp_path / "fit", make_truth(2, seed=1)).glob("*_wellness.fit"))[0]
    good = real.read_bytes()
    path.write_bytes(good[:cut] + data if cut < len(good) else data[:8] + b".FIT" + data[12:])
    _must_be_clean(path)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE_OK)
@given(stamps=st.lists(st.tuples(st.datetimes(), st.datetimes(),
                                 st.sampled_from(["UTC+01:00", "UTC-08:00", "UTC", "bogus"]),
                                 st.integers(-5, 120)), min_size=1, max_size=10))
def test_whoop_cycles_with_arbitrary_times_import_cleanly_or_fail(tmp_path, stamps):
    folder = tmp_path / "w"
    folder.mkdir(exist_ok=True)
    lines = ["Cycle start time,Cycle end time,Cycle timezone,Recovery score %,"
             "Heart rate variability (ms),Sleep onset,Wake onset"]
    for a, b, zone, value in stamps:
        lines.append(f"{a:%Y-%m-%d %H:%M:%S},{b:%Y-%m-%d %H:%M:%S},{zone},{value},"
                     f"{value},{a:%Y-%m-%d %H:%M:%S},{b:%Y-%m-%d %H:%M:%S}")
    (folder / "physiological_cycles.csv").write_text("\n".join(lines) + "\n")
    _must_be_clean(folder)
