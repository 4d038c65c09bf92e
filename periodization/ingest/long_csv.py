"""Many athletes in one generic CSV (``docs/importers.md``, with ``athlete_id``), read in
one pass by pandas' C parser: the batch path, where importing athletes one at a time would
cost ~0.1 s each.

It reads the generic format's plain form: comma-, semicolon- or tab-separated UTF-8,
ISO dates, numbers with a decimal point, actions as names or ids. Headers are matched by
the importers' ``normalize_header``; missing markers (``''``, ``n/a``, ``-`` …) are
missing; text in a numeric column is missing and counted, a column with no number at all
is a ``DataError``; a date that is not a date is a ``DataError`` naming its row; rows dated
outside 1990-01-01..today+2 are left out and counted; a day written twice for an athlete
keeps the later row, gaps filled from the earlier (as the importer merges). Implausible
values are excluded later, by preprocessing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.actions import REST_LOAD, UNKNOWN
from periodization.ingest.common import FUTURE_SLACK_DAYS, MIN_DATE
from periodization.ingest.csvtable import NA_TOKENS, normalize_header
from periodization.ingest.sources import MAX_CSV_BYTES
from periodization.sim.actions import ACTION_NAMES, N_ACTIONS, action_from_name

REQUIRED = ("date", "hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency",
            "recovery")
NUMERIC = (*REQUIRED[1:], "strain", "load", "atl", "ctl", "hrv_sdnn_ms")
ALIASES = {"athlete": "athlete_id", "day": "date"}


def _header(path: Path) -> tuple[list[str], str] | None:
    """(normalised keys, delimiter) of a plain UTF-8 CSV's first line, else None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
        line = head.decode("utf-8-sig").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    delimiter = max((",", ";", "\t"), key=line.count)
    keys = [normalize_header(h)[0] for h in line.split(delimiter)]
    return [ALIASES.get(k, k) for k in keys], delimiter


def athletes_in_csv(path: Path) -> int:
    """How many athlete ids a CSV's ``athlete_id`` column holds (0 if it has none, or is
    not a plain CSV within the size limit)."""
    found = _header(path)
    if found is None or "athlete_id" not in found[0]:
        return 0
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            return 0
        col = pd.read_csv(path, sep=found[1], usecols=[found[0].index("athlete_id")],
                          dtype=str, encoding="utf-8-sig", keep_default_na=False).iloc[:, 0]
    except (OSError, ValueError, pd.errors.ParserError):
        return 0
    ids = col.str.strip()
    return int(ids[ids != ""].nunique())


def read_long_csv(path: Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Canonical rows of every athlete in ``path`` and per-athlete import notes."""
    where = str(path)
    keys, delimiter = _header(path) or ([], ",")
    raw = _read(path, keys, delimiter, where)
    for key in REQUIRED:
        if key not in raw.columns:
            raise DataError(f"{where}: missing column '{key}'")
    if "load" not in raw.columns and "action" not in raw.columns:
        raise DataError(f"{where}: missing column 'load' or 'action' (at least one is needed)")
    notes: dict[str, list[str]] = {}
    ids = raw["athlete_id"].str.strip()
    out = pd.DataFrame({"athlete_id": ids, "date": _dates(raw["date"], where)})
    for key in (k for k in NUMERIC if k in raw.columns):
        col = raw[key]
        out[key] = (col.to_numpy(dtype=np.float64) if col.dtype == np.float64
                    else _numbers(col, ids, key, where, notes))
    if "action" in raw.columns:
        out["action"] = _actions(raw["action"], ids, where, notes)
    else:
        load = out["load"].to_numpy()
        out["action"] = np.where(np.isfinite(load) & (load <= REST_LOAD), 0, UNKNOWN)
    if "load" not in out.columns:
        out["load"] = np.nan
    return plausible_rows(out, notes, where=where), notes


def plausible_rows(out: pd.DataFrame, notes: dict[str, list[str]], *, where: str
                   ) -> pd.DataFrame:
    """Rows with an athlete id and a plausible date, one per athlete and day (the later
    wins), sorted; what was dropped or merged is noted per athlete."""
    ids = out["athlete_id"]
    latest = pd.Timestamp(dt.date.today()) + pd.Timedelta(days=FUTURE_SLACK_DAYS)
    keep = (ids != "") & out["date"].notna() & (out["date"] >= MIN_DATE) & (
        out["date"] <= latest)
    for athlete, count in ids[~keep & (ids != "")].value_counts().items():
        notes.setdefault(athlete, []).append(f"{count} row(s) without a plausible date left out")
    out = out[keep.to_numpy()]
    dup = out.duplicated(["athlete_id", "date"], keep=False)
    if dup.any():
        for athlete, count in out.loc[dup, "athlete_id"].value_counts().items():
            notes.setdefault(athlete, []).append(
                f"{count} rows share a date with another and were merged (the later wins)")
        out = out.groupby(["athlete_id", "date"], sort=False, as_index=False).last()
    if out.empty:
        raise DataError(f"{where}: no row has an athlete id and a plausible date")
    return out.sort_values(["athlete_id", "date"], kind="stable").reset_index(drop=True)


def _read(path: Path, keys: list[str], delimiter: str, where: str) -> pd.DataFrame:
    """The CSV with numeric columns parsed by the C parser; a column holding text falls
    back to strings (and ``_numbers`` counts what is not a number)."""
    text = {k: str for k in keys if k not in NUMERIC}
    common = {"sep": delimiter, "encoding": "utf-8-sig", "header": 0, "names": keys,
              "keep_default_na": False}
    try:
        try:
            raw = pd.read_csv(path, dtype={**text, **{k: np.float64 for k in keys
                                                     if k in NUMERIC}},
                              na_values=sorted(NA_TOKENS | {t.upper() for t in NA_TOKENS}),
                              **common)
        except ValueError:
            raw = pd.read_csv(path, dtype=str, **common)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"{where}: cannot be read as a CSV ({' '.join(str(exc).split())})"
                        ) from None
    for key in text:  # missing markers in text columns read as NaN: make them empty text
        raw[key] = raw[key].fillna("").astype(str)
    return raw


def _dates(cells: pd.Series, where: str) -> pd.Series:
    text = cells.str.strip()
    dates = pd.to_datetime(text.str[:10], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() & ~text.str.lower().isin(NA_TOKENS)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{where}: data row {row + 1}: {text.iloc[row]!r} in column 'date' is "
                        "not a date (expected YYYY-MM-DD)")
    return dates


def _numbers(cells: pd.Series, ids: pd.Series, key: str, where: str,
             notes: dict[str, list[str]]) -> np.ndarray:
    text = cells.str.strip().str.rstrip("%")
    missing = text.str.lower().isin(NA_TOKENS)
    values = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values) & ~missing.to_numpy()
    if bad.any():
        if np.isnan(values).all():
            raise DataError(f"{where}: column '{key}' holds no numbers "
                            f"(e.g. {cells[bad].iloc[0]!r})")
        for athlete, count in ids[bad].value_counts().items():
            notes.setdefault(athlete, []).append(
                f"{count} non-numeric value(s) in '{key}' treated as missing")
    return values


def _actions(cells: pd.Series, ids: pd.Series, where: str,
             notes: dict[str, list[str]]) -> np.ndarray:
    text = cells.str.strip()
    lookup: dict[str, int] = {}
    for value in text.unique():
        if value.lower() in NA_TOKENS or value == "-1":
            lookup[value] = UNKNOWN
            continue
        try:
            number = float(value)
            lookup[value] = int(number) if number.is_integer() and 0 <= number < N_ACTIONS \
                else -2
        except ValueError:
            try:
                lookup[value] = int(action_from_name(value))
            except ValueError:
                lookup[value] = -2
    codes = text.map(lookup).to_numpy(dtype=np.int64)
    bad = codes == -2
    if bad.any():
        if (codes[text.str.len().to_numpy() > 0] == -2).all():
            raise DataError(f"{where}: column 'action' holds no action names or ids 0-5 "
                            f"(e.g. {text[bad].iloc[0]!r}; expected {', '.join(ACTION_NAMES)})")
        for athlete, count in ids[bad].value_counts().items():
            notes.setdefault(athlete, []).append(
                f"{count} unreadable action(s) treated as unknown")
    return np.where(bad, UNKNOWN, codes)
