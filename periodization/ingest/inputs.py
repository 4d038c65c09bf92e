"""What ``--data`` points at: one athlete's export(s), or many athletes at once.

* A file that is one export (any format ``load_wearable`` reads) → one athlete.
* A CSV with an ``athlete_id`` column holding several athletes → every athlete, read in
  one pass (``formats.generic.read_team``).
* The project's own Parquet (``observations.parquet``, or a cohort directory holding it;
  ``docs/data.md``) → its athlete, or every athlete.
* A folder is read as the user meant (``folder_kind``):

  - **one athlete** when it holds an export's main file itself
    (``physiological_cycles.csv``, ``export.xml``, …), or a single export, or several
    exports of *different* formats whose names say which source they are
    (``whoop.zip``, ``intervals_wellness.csv``, ``Oura/``, …): that person's sources,
    merged field by field (``merge``). Files recognised as no export are left out with a
    note.
  - **a team** (every entry an athlete, id = the entry's name without extension) when
    two entries hold the same format (``ann.zip`` and ``bob.zip``, both WHOOP), or when
    every entry is a sub-folder named after a person. An entry that cannot be imported
    becomes that athlete's error, not the batch's.
  - anything else (say ``ann.zip`` and ``data.csv`` of different formats) is ambiguous:
    a one-line ``DataError`` asking which was meant.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.detect import plan_all
from periodization.ingest.exports import load_wearable, source_metadata
from periodization.ingest.formats.generic import athletes_in_csv, read_team
from periodization.ingest.merge import merge_sources
from periodization.ingest.schema import OBSERVATIONS_FILE
from periodization.ingest.sources import check_entry, open_bundle

MAIN_FILES = frozenset({"physiological_cycles.csv", "sleepmodel.csv", "dailyreadiness.csv",
                        "export.xml"})
MAIN_FOLDERS = frozenset({"di_connect", "app data", "apple_health_export", "takeout"})
SOURCE_WORDS = ("whoop", "oura", "intervals", "wellness", "apple", "health", "garmin",
                "fitbit", "polar", "coros", "hrv4training", "hrv4t", "elite", "export",
                "takeout", "connect", "fit", "activities", "sleep", "hrv")


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
    if p.is_dir() and (p / OBSERVATIONS_FILE).is_file():  # a cohort directory
        p = p / OBSERVATIONS_FILE
    if p.is_file() and p.suffix.lower() == ".parquet":
        return _parquet(p)
    if p.is_dir():
        kind, entries = folder_kind(p)
        if kind == "team":
            return _folder(p)
        if entries:
            results = [load_wearable(e, training_only_ok=True) for e in entries]
            result = (results[0] if len(results) == 1 else
                      merge_sources(results, athlete_id=p.name, where=str(p)))
            return _single(dataclasses.replace(
                result, table=result.table.assign(athlete_id=p.name)))
    elif p.is_file() and athletes_in_csv(p) > 1:
        rows, notes = read_team(p)
        ids = rows["athlete_id"].unique()
        return Inputs(rows=rows, batch=True, notes=notes,
                      source_format=dict.fromkeys(ids, "generic"),
                      hrv_kind=dict.fromkeys(ids, "rmssd"))
    return _single(load_wearable(p))


def _short(message: str, limit: int = 299) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _single(result) -> Inputs:
    athlete = str(result.table["athlete_id"].iloc[0])
    return Inputs(rows=result.table, batch=False, source_format={athlete: result.source_format},
                  hrv_kind={athlete: result.hrv_kind}, notes={athlete: list(result.warnings)},
                  metadata={athlete: source_metadata(result)})


def _parquet(path: Path) -> Inputs:
    """The project's own observations Parquet (``docs/data.md``): one athlete, or a batch."""
    from periodization.ingest.parquet import read_observations  # pyarrow.parquet: ~25 ms

    rows, notes = read_observations(path)
    ids = list(rows["athlete_id"].unique())
    return Inputs(rows=rows, batch=len(ids) > 1, notes=notes,
                  source_format=dict.fromkeys(ids, "parquet"),
                  hrv_kind=dict.fromkeys(ids, "rmssd"))


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _formats(entry: Path) -> tuple[str, ...]:
    """The export formats an entry holds (detection only: file heads, no full read)."""
    try:
        with open_bundle(entry) as bundle:
            found, _ = plan_all(bundle)
    except DataError:
        return ()
    return tuple(sorted({f.source_format for f in found}))


def _names_a_source(entry: Path) -> bool:
    words = entry.name.lower()
    return any(w in words for w in SOURCE_WORDS)


def _as_one_export(folder: Path) -> bool:
    """The folder read as one bundle holds exports of a single format (Polar's JSON files,
    a FIT folder, …): it is one export, whatever its files are called."""
    if any(e.suffix.lower() == ".zip" for e in _entries(folder)):
        return False  # nested zips are entries of their own
    try:
        with open_bundle(folder) as bundle:
            found, _ = plan_all(bundle)
    except DataError:
        return False
    return len({f.source_format for f in found}) == 1


def folder_kind(folder: Path) -> tuple[str, list[Path]]:
    """('one', entries to read and merge — empty: read the folder itself) or ('team', [])
    (see the module docstring); ``DataError`` when it cannot be told."""
    entries = _entries(folder)
    for entry in entries:
        check_entry(entry, folder, str(folder))
    names = {e.name.lower() for e in entries}
    if (len(entries) <= 1 or names & MAIN_FILES or names & MAIN_FOLDERS
            or _as_one_export(folder)):
        return "one", []
    formats = {e: _formats(e) for e in entries}
    recognised = [e for e in entries if formats[e]]
    if len(recognised) <= 1:
        return "one", recognised
    seen = [f for e in recognised for f in formats[e]]
    if len(seen) != len(set(seen)):
        return "team", []
    if all(_names_a_source(e) for e in recognised):
        return "one", recognised
    if all(e.is_dir() and not _names_a_source(e) for e in recognised):
        return "team", []
    listed = ", ".join(f"{e.name}: {'+'.join(formats[e])}" for e in recognised[:3])
    raise DataError(f"{folder}: holds {len(recognised)} exports of different formats "
                    f"({listed}); one athlete's sources or a team? For one athlete, name "
                    "each file or folder after its source (whoop.zip, intervals_wellness."
                    "csv); for a team, give each athlete a sub-folder named after them")


def read_team_entries(entries: Iterable[Path]) -> Inputs:
    """Team-folder entries, one export per athlete (id = the entry's name without its
    extension, or with it when two entries share a stem); an export that cannot be read is
    kept in ``errors`` under its athlete. The whole folder and a shard of it
    (``scale.batch``) are both read here, so they name and merge athletes alike."""
    tables, out = [], Inputs(rows=pd.DataFrame(), batch=True)
    for entry in entries:
        athlete = entry.name if entry.is_dir() else entry.stem
        if athlete in out.source_format or athlete in out.errors:
            athlete = entry.name
        try:
            result = load_wearable(entry)
        except DataError as exc:
            out.errors[athlete] = str(exc)
            continue
        tables.append(result.table.assign(athlete_id=athlete))
        out.source_format[athlete] = result.source_format
        out.hrv_kind[athlete] = result.hrv_kind
        out.notes[athlete] = list(result.warnings)
        out.metadata[athlete] = source_metadata(result)
    out.rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return out


def _folder(folder: Path) -> Inputs:
    out = read_team_entries(_entries(folder))
    if not out.source_format:
        first = next(iter(out.errors.values()), "the folder is empty")
        raise DataError(_short(f"{folder}: no athlete's export could be read ({first})"))
    return out
