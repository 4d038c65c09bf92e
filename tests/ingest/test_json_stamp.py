"""``jsonfile.stamp``, the fast path for a JSON value's date or time, against what it
stands for: ``pd.to_datetime(text, format=fmt, errors="coerce")``, on arbitrary text and
on text shaped like a date with any digits (month 13, day 31 of February, hour 24,
second 60, year 0001)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from periodization.ingest.jsonfile import stamp

DAY, SECOND = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"


def same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return a == b and a.unit == b.unit


digits = st.integers(0, 9999).map(lambda n: f"{n:04d}")
two = st.integers(0, 99).map(lambda n: f"{n:02d}")


@given(st.one_of(st.text(max_size=24), st.tuples(digits, two, two).map("-".join)))
def test_a_day_is_what_pandas_reads(text):
    assert same(stamp(text), pd.to_datetime(text, format=DAY, errors="coerce")), text


@given(st.one_of(st.text(max_size=24),
                 st.tuples(digits, two, two, two, two, two).map(
                     lambda g: f"{g[0]}-{g[1]}-{g[2]} {g[3]}:{g[4]}:{g[5]}")))
def test_a_time_is_what_pandas_reads(text):
    assert same(stamp(text, SECOND), pd.to_datetime(text, format=SECOND, errors="coerce")), text
