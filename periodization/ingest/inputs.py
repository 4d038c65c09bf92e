"""What ``--data`` points at: one athlete's export, or many athletes at once.

* A file or folder that is one export (any format ``load_wearable`` reads) → one athlete.
* A CSV with an ``athlete_id`` column holding several athletes → every athlete, read in
  one pass (``long_csv``).
* A folder holding several exports (files, folders or zips, one per athlete; the athlete
  id is the entry's name without extension) → every athlete, each entry imported on its
  own; an entry that cannot be imported becomes that athlete's error, not the batch's.

A folder is one export when it holds an export's main file (``physiological_cycles.csv``,
``sleepmodel.csv``/``dailyreadiness.csv``, ``export.xml``) itself, or a single entry, or
exactly one sub-folder holding a main file and no other export files beside it (Oura's
and Apple's unzipped roots); otherwise, with several exports (files, folders or zips), it
is a folder of athletes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.exports import load_wearable, source_metadata
from periodization.ingest.long_csv import athletes_in_csv, read_long_csv

MAIN_FILES = frozenset({"physiological_cycles.csv", "sleepmodel.csv", "dailyreadiness.csv",
                        "export.xml"})
EXPORT_SUFFIXES = frozenset({".csv", ".zip", ".xml", ".txt"})
MAX_WALK = 20_000


@dataclass
class Inputs:
    """Canonical rows of every athlete read, with what the import had to say."""

    rows: pd.DataFrame
    batch: bool
    source_format: dict[str, str] = field(default_factory=dict)  # athlete → format
    hrv_kind: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # athlete → import warnings
    errors: dict[str, str] = field(default_factory=dict)  # athlete → why it was not read
    metadata: dict[str, dict] = field(default_factory=dict)  # athlete → ``source_metadata``


def read_inputs(path: str | os.PathLike[str]) -> Inputs:
    """Read ``path`` (see the module docstring); ``DataError`` if one athlete's export is
    unusable or nothing at all could be read."""
    p = Path(path)
    if p.is_dir() and _is_folder_of_athletes(p):
        return _folder(p)
    if p.is_file() and athletes_in_csv(p) > 1:
        rows, notes = read_long_csv(p)
        ids = rows["athlete_id"].unique()
        return Inputs(rows=rows, batch=True, notes=notes,
                      source_format=dict.fromkeys(ids, "generic"),
                      hrv_kind=dict.fromkeys(ids, "rmssd"))
    result = load_wearable(p)
    athlete = str(result.table["athlete_id"].iloc[0])
    return Inputs(rows=result.table, batch=False, source_format={athlete: result.source_format},
                  hrv_kind={athlete: result.hrv_kind}, notes={athlete: list(result.warnings)},
                  metadata={athlete: source_metadata(result)})


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _is_folder_of_athletes(folder: Path) -> bool:
    entries = _entries(folder)
    if len(entries) <= 1 or any(e.is_file() and e.name.lower() in MAIN_FILES for e in entries):
        return False
    homes, seen = set(), 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        seen += len(files)
        if MAIN_FILES & {f.lower() for f in files}:
            homes.add(root)
        if seen > MAX_WALK or len(homes) > 1:
            break
    exports = [e for e in entries if e.is_file() and e.suffix.lower() in EXPORT_SUFFIXES]
    if len(homes) == 1:  # one export, perhaps with other folders (Oura's root) beside it
        return bool(exports)
    return len(homes) > 1 or len(exports) + sum(e.is_dir() for e in entries) > 1


def _folder(folder: Path) -> Inputs:
    tables, out = [], Inputs(rows=pd.DataFrame(), batch=True)
    for entry in _entries(folder):
        athlete = entry.name if entry.is_dir() else entry.stem
        if athlete in out.source_format or athlete in out.errors:
            athlete = entry.name
        try:
            result = load_wearable(entry)
        except DataError as exc:
            out.errors[athlete] = str(exc)
            continue
        table = result.table.assign(athlete_id=athlete)
        tables.append(table)
        out.source_format[athlete] = result.source_format
        out.hrv_kind[athlete] = result.hrv_kind
        out.notes[athlete] = list(result.warnings)
        out.metadata[athlete] = source_metadata(result)
    if not tables:
        first = next(iter(out.errors.values()), "the folder is empty")
        raise DataError(f"{folder}: no athlete's export could be read ({first})")
    out.rows = pd.concat(tables, ignore_index=True)
    return out
