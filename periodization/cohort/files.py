"""Checks on a cohort directory that may come from anyone: ``meta.json`` by schema, each
parquet table by its footer before it is read, and the columns the simulator relies on.

A cohort's ``meta.json`` is shown in reports and its tables start simulated episodes, so a
string where a number belongs, a NaN parameter or a table declaring a billion rows is
refused here, in one ``DataError`` line naming the file and the field, rather than
failing deep inside an episode (or, worse, running on NaN).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field
from typing_extensions import TypedDict

from periodization.core.errors import DataError, UserError
from periodization.core.validation import Count, Seed, StrictStr, validate

MAX_ROWS = 100_000 * 3650  # the largest cohort ``data synth`` makes (athletes × days)
TEXT = Annotated[str, Field(strict=True, max_length=4096)]


class CohortMeta(TypedDict):
    """``meta.json`` as ``synthesize`` writes it (every key required)."""

    cohort_version: Literal[1]
    seed: Seed
    athletes: Count(1, 100_000)
    days: Count(1, 3650)
    burn_in_days: Count(0, 100_000)
    first_sim_day: Count(0, 10**7)
    start_date: Annotated[StrictStr, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    prior: TEXT
    prior_path: Annotated[TEXT, Field(pattern=r"(?i)\.ya?ml$")] | None


def check_meta(meta: object, *, path: Path) -> dict:
    """``meta`` (parsed ``meta.json``) checked against ``CohortMeta``."""
    try:
        return dict(validate(CohortMeta, meta, source=str(path)))
    except UserError as exc:
        raise DataError(str(exc)) from None


def read_table(path: Path, *, numeric: tuple[str, ...], finite: bool,
               keys: tuple[str, ...] = ("athlete_id", "date"), schema: Any = None
               ) -> pd.DataFrame:
    """A parquet table whose footer declares at most ``MAX_ROWS`` rows and fits in memory,
    holding the ``keys`` columns and the ``numeric`` columns as numbers (all finite if
    ``finite``); with an Arrow ``schema`` (``ingest.parquet``) read by it, dates as dates."""
    import pyarrow.parquet as pq

    from periodization.core.resources import require_memory

    try:
        meta = pq.ParquetFile(path).metadata
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {type(exc).__name__}") from None
    if meta.num_rows > MAX_ROWS:
        raise DataError(f"{path} declares {meta.num_rows} rows; a cohort has at most "
                        f"{MAX_ROWS}")
    require_memory(2 * declared, what=f"{path}")
    try:
        if schema is not None:
            from periodization.ingest.parquet import read_table as read_schema_table

            table = read_schema_table(path, schema)
        else:
            table = pd.read_parquet(path)
    except DataError:
        raise
    except (OSError, ValueError, TypeError) as exc:
        raise DataError(f"cannot read {path}: {type(exc).__name__}") from None
    absent = [c for c in (*keys, *numeric) if c not in table.columns]
    if absent:
        raise DataError(f"{path} has no column {absent[0]!r}")
    for c in numeric:
        kind = table[c].dtype.kind
        if kind not in "fiub":
            raise DataError(f"{path}: column {c!r} holds {table[c].dtype} values, not numbers")
        if finite and kind == "f" and not np.isfinite(table[c].to_numpy()).all():
            raise DataError(f"{path}: column {c!r} holds NaN or infinite values")
    return table
