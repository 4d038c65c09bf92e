"""Wearable-data importers: real exports → one athlete's canonical daily table.

``load_wearable(path)`` accepts a file, a folder or a zip and recognises WHOOP, Oura
(Membership Hub export, legacy trends CSV, API v2 JSON), Garmin (Connect export, FIT
files), Fitbit Takeout, Polar Flow, Apple Health (``export.xml`` or per-type CSVs),
intervals.icu (wellness, activities), HRV4Training, Elite HRV and the generic CSV
(``docs/importers.md``); several sources of one athlete in one folder are merged
(``merge``). Anything it cannot use raises ``DataError`` with one line (under 300
characters) naming the file, the problem and the format it was read as, never a partly
built table. ``summarize_import`` condenses a result for display.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from periodization.core.errors import DataError
from periodization.ingest.common import CANONICAL, OPTIONAL, ImportResult, finish
from periodization.ingest.common import Context as _Context
from periodization.ingest.detect import Found, plan_all
from periodization.ingest.merge import merge_sources
from periodization.ingest.sources import MAX_CSV_BYTES, fail, open_bundle

__all__ = ["MAX_CSV_BYTES", "ImportResult", "load_wearable", "source_metadata",
           "summarize_import"]


def _default_id(path: Path) -> str:
    name = path.name.rstrip("/\\") or path.resolve().name
    return Path(name).stem if path.is_file() or path.suffix else name


FORMAT_NAMES = {  # how an error names the format it assumed
    "whoop": "a WHOOP export", "oura": "an Oura Membership Hub export",
    "oura-trends": "an Oura trends CSV", "oura-api": "Oura API v2 JSON",
    "intervals.icu": "an intervals.icu wellness CSV",
    "intervals.icu-activities": "an intervals.icu activities CSV",
    "apple-health": "an Apple Health export", "apple-health-csv": "Apple Health per-type CSVs",
    "garmin-connect": "a Garmin Connect export", "garmin-fit": "Garmin FIT files",
    "fitbit": "a Fitbit Takeout export", "polar": "a Polar Flow export",
    "hrv4training": "an HRV4Training CSV", "elite-hrv": "an Elite HRV CSV",
    "generic": "the generic CSV",
}
TRAINING_ONLY = frozenset({"intervals.icu-activities"})  # no morning readings of their own
MAX_MESSAGE = 299  # characters of a one-line error at most (under 300)


def _one_line(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _read(found: Found, athlete_id: str) -> ImportResult:
    """Read and finish one export; its errors say which format was assumed."""
    ctx = _Context(where=found.where, source_format=found.source_format,
                   athlete_id=athlete_id)
    try:
        return finish(found.reader(ctx), ctx,
                      require_wearable=found.source_format not in TRAINING_ONLY)
    except DataError as exc:
        name = FORMAT_NAMES.get(found.source_format, found.source_format)
        raise DataError(f"{' '.join(str(exc).split())} (read as {name})") from None


def load_wearable(path: str | os.PathLike[str], *, athlete_id: str | None = None,
                  training_only_ok: bool = False) -> ImportResult:
    """Import one athlete's wearable export (file, folder or zip), format auto-detected.

    ``athlete_id`` defaults to the file's (or folder's) name without extension; for a
    generic CSV holding several athletes it chooses which one to import. A folder or zip
    holding several exports of different formats (one person's WHOOP export and an
    intervals.icu wellness file, say) is read source by source and merged (``merge``).
    ``training_only_ok``: a training-only source (intervals.icu activities) alone is
    returned without wearable readings (to be merged by the caller), not refused.
    """
    where = str(path)
    name = athlete_id or _default_id(Path(path))
    try:
        with open_bundle(path) as bundle:
            found, notes = plan_all(bundle, athlete_id)
            if all(f.source_format in TRAINING_ONLY for f in found) and not training_only_ok:
                raise fail(where, f"{FORMAT_NAMES[found[0].source_format]} alone has no HRV, "
                                  "resting HR or sleep: put it in one folder with that "
                                  "athlete's wellness export")
            results = [_read(f, name) for f in found]
            if len(results) == 1:
                result = results[0]
                if not notes:
                    return result
                return dataclasses.replace(result, warnings=[*result.warnings, *notes])
            merged = merge_sources(results, athlete_id=name, where=where)
            return dataclasses.replace(merged, warnings=[*merged.warnings, *notes])
    except DataError as exc:
        raise DataError(_one_line(str(exc))) from None
    except MemoryError:
        raise fail(where, "not enough memory to read this export") from None
    except Exception as exc:  # never a traceback for a bad file: one line, named
        raise DataError(_one_line(f"{where}: could not be read (unexpected "
                                  f"{type(exc).__name__}: {exc}); please report this file")
                        ) from None


def summarize_import(result: ImportResult) -> dict[str, Any]:
    """Days, date range, % missing per column (over the whole calendar span), format,
    HRV kind, exclusions and warnings of an import, as plain JSON-able values."""
    table = result.table
    first, last = table["date"].min(), table["date"].max()
    span = int((last - first).days) + 1 if len(table) else 0
    columns = [c for c in (*CANONICAL[2:], *OPTIONAL) if c in table.columns]
    missing = {}
    for col in columns:
        known = (table[col] >= 0) if col == "action" else table[col].notna()
        missing[col] = round(100.0 * (1.0 - int(known.sum()) / span), 1) if span else 100.0
    return {
        "athlete_id": str(table["athlete_id"].iloc[0]) if len(table) else "",
        "source_format": result.source_format,
        "path": result.path,
        "hrv_kind": result.hrv_kind,
        "days": len(table),
        "first_date": first.date().isoformat() if len(table) else None,
        "last_date": last.date().isoformat() if len(table) else None,
        "calendar_days": span,
        "missing_pct": missing,
        "mean": {c: (None if np.isnan(v) else round(float(v), 2)) for c, v in
                 table[[c for c in columns if c != "action"]].mean().items()},
        "excluded": dict(result.excluded),
        "decisions": dict(result.decisions),
        "warnings": list(result.warnings),
    }


def source_metadata(result: ImportResult) -> dict[str, Any]:
    """What ``recommend --json`` shows under ``source``: format, file, HRV kind and every
    decision the importer took from the data."""
    return {"format": result.source_format, "path": result.path,
            "hrv_kind": result.hrv_kind, "decisions": dict(result.decisions)}
