"""Parquet files with an explicit Arrow schema: the cohort's three tables, written the same
way whatever pandas infers, and read back to the frames they were written from.

Dates are Arrow ``date32`` (calendar days, no time of day, no time zone), athlete ids
``string``, measurements ``float64`` with their unit in the field's metadata, actions
``int8``, flags ``bool``. Any tool that reads Parquet (pyarrow, polars, DuckDB, Spark, R's
arrow) sees the same types; ``docs/data.md`` lists them. Files written before the schema
(dates as timestamps) still read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from periodization.core.errors import DataError
from periodization.sim.params import ATHLETE_KEYS
from periodization.sim.state import HIDDEN_FIELDS

SCHEMA_VERSION = "1"
DATE_UNIT = "datetime64[us]"  # what dates become in pandas (the simulator's own unit)
# Rows of an observations file that `recommend` or an upload reads at most (cohorts have
# their own limits, cohort/files.py). A table of constant columns compresses to almost
# nothing (10 million rows: 0.5 MB on disk, 2.4 GB once read), so the row count in the
# file's footer is checked first; 3 million rows take under 1 GB.
MAX_OBSERVATION_ROWS = 3_000_000


def _f(name: str, kind: pa.DataType, unit: str | None = None, *,
       nullable: bool = True) -> pa.Field:
    return pa.field(name, kind, nullable=nullable,
                    metadata=None if unit is None else {"unit": unit})


_KEYS = [_f("athlete_id", pa.string(), nullable=False), _f("date", pa.date32(), "day",
                                                           nullable=False)]

OBSERVATIONS = pa.schema([
    *_KEYS,
    _f("hrv_rmssd_ms", pa.float64(), "ms"),
    _f("resting_hr", pa.float64(), "bpm"),
    _f("sleep_hours", pa.float64(), "h"),
    _f("sleep_efficiency", pa.float64(), "%"),
    _f("recovery", pa.float64(), "score 0-100"),
    _f("load", pa.float64(), "TSS"),
    _f("action", pa.int8(), "0 REST … 5 STRENGTH, -1 unknown", nullable=False),
    _f("strain", pa.float64(), "score 0-21"),
    _f("atl", pa.float64(), "TSS/day"),
    _f("ctl", pa.float64(), "TSS/day"),
], metadata={"periodization.table": "observations", "periodization.schema": SCHEMA_VERSION})

HIDDEN = pa.schema([
    *_KEYS,
    *[_f(f, pa.float64(), "days" if f in ("ill_days", "injured_days") else "model units")
      for f in HIDDEN_FIELDS],
    _f("performance", pa.float64(), "model units"),
    _f("overreached", pa.bool_(), nullable=False),
    _f("ill", pa.bool_(), nullable=False),
    _f("injured", pa.bool_(), nullable=False),
], metadata={"periodization.table": "hidden_state", "periodization.schema": SCHEMA_VERSION})

PARAMS = pa.schema([
    _KEYS[0], *[_f(k, pa.float64()) for k in ATHLETE_KEYS],
], metadata={"periodization.table": "true_params", "periodization.schema": SCHEMA_VERSION})


def write_table(frame: pd.DataFrame, path: str | Path, schema: pa.Schema) -> None:
    """Write ``frame``'s columns as ``schema`` says (``ValueError`` for a missing column or
    a value the type cannot hold)."""
    missing = [f.name for f in schema if f.name not in frame.columns]
    if missing:
        raise ValueError(f"cannot write {schema.metadata[b'periodization.table'].decode()}: "
                         f"missing column {missing[0]!r}")
    arrays = []
    for field in schema:
        column = frame[field.name]
        if pa.types.is_date32(field.type):
            arrays.append(pa.array(column.to_numpy("datetime64[D]"), type=pa.date32()))
        else:
            arrays.append(pa.array(column.to_numpy(), type=field.type, from_pandas=True))
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


def read_table(path: str | Path, schema: pa.Schema) -> pd.DataFrame:
    """The frame ``write_table`` wrote: the schema's columns first, in order, dates as
    ``datetime64``; ``DataError`` naming the file for a missing column or a wrong type."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    for field in schema:
        if field.name not in table.column_names:
            raise DataError(f"{path}: missing column '{field.name}'")
        have = table.schema.field(field.name).type
        if not _compatible(have, field.type):
            raise DataError(f"{path}: column '{field.name}' is {have}, expected {field.type}")
    frame = table.to_pandas(date_as_object=False)
    for field in schema:
        if pa.types.is_date32(field.type):
            frame[field.name] = frame[field.name].astype(DATE_UNIT)
        elif pa.types.is_floating(field.type):
            frame[field.name] = frame[field.name].astype(np.float64)
    names = [f.name for f in schema]
    return frame[names + [c for c in frame.columns if c not in names]]


def _compatible(have: pa.DataType, want: pa.DataType) -> bool:
    if pa.types.is_date32(want):  # older files: dates as timestamps
        return pa.types.is_date(have) or pa.types.is_timestamp(have)
    if pa.types.is_floating(want):
        return pa.types.is_floating(have) or pa.types.is_integer(have)
    if pa.types.is_integer(want):
        return pa.types.is_integer(have)
    if pa.types.is_string(want):
        return pa.types.is_string(have) or pa.types.is_large_string(have)
    return have == want


def read_observations(path: str | Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Canonical rows of every athlete of an observations Parquet file (what
    ``periodize data synth`` writes, or any file with its columns and types), for
    ``recommend``: the same date checks as the generic CSV."""
    from periodization.ingest.formats.generic import plausible_rows

    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    if rows > MAX_OBSERVATION_ROWS:  # before reading: Parquet compresses runs to nothing
        raise DataError(f"{path}: holds {rows} rows, more than {MAX_OBSERVATION_ROWS} "
                        "(about 8 000 athlete-years of days); split it")
    frame = read_table(path, OBSERVATIONS)
    frame["athlete_id"] = frame["athlete_id"].astype(str).str.strip()
    frame["action"] = frame["action"].astype(np.int64)
    notes: dict[str, list[str]] = {}
    return plausible_rows(frame[[f.name for f in OBSERVATIONS]], notes, where=str(path)), notes
