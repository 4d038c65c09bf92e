"""The documented generic CSV (``docs/importers.md``): the canonical columns, written by hand
or by a script; with an ``athlete_id`` column one file holds a whole team (the long table).

Required: ``date`` (YYYY-MM-DD), ``hrv_rmssd_ms`` (ms), ``resting_hr`` (bpm),
``sleep_hours`` (h), ``sleep_efficiency`` (%), ``recovery`` (0–100) and ``load``
(TSS-like) or ``action`` (a name such as ``TEMPO`` or an id 0–5; empty or −1 = unknown), or
both. Optional: ``strain`` (0–21), ``atl``, ``ctl``, ``hrv_sdnn_ms``, ``athlete_id``.
Without ``action``, a day's action is REST when its load is that of a rest day and unknown
otherwise.

This module is the format's one home: its columns, how a cell is read (numbers by
``csvtable.parse_numbers``, dates by ``csvtable.parse_days``, actions by
``action_codes``, a day without an action by ``actions_from_load``). The text is split into
cells in one of two ways:

* ``read``: one athlete's export, by the importers' tolerant ``CsvTable`` (any text
  encoding, units in headers, a decimal comma with ``;``); a file holding several athletes
  needs ``athlete_id=`` to pick one; the importer's clean-up (``common.finish``) follows;
* ``read_team``: every athlete of a plain UTF-8 file in one pass of pandas' C parser, the
  batch path (a year of 10 000 athletes, where importing them one at a time would cost
  ~0.1 s each). Headers are matched by ``normalize_header``; text in a numeric column is
  missing and counted per athlete, a column with no number at all is a ``DataError``, as
  is a date that is not one (naming its row); rows dated outside 1990-01-01..today+2 are
  left out and counted; a day written twice for an athlete keeps the later row, gaps filled
  from the earlier (as the importer merges). Implausible values are excluded later, by
  preprocessing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest.actions import REST_LOAD, UNKNOWN
from periodization.ingest.common import FUTURE_SLACK_DAYS, MIN_DATE, Context
from periodization.ingest.csvtable import (
    NA_TOKENS,
    CsvTable,
    normalize_header,
    parse_days,
    parse_numbers,
    read_csv,
)
from periodization.ingest.sources import MAX_CSV_BYTES, Member, fail
from periodization.sim.actions import ACTION_NAMES, N_ACTIONS, action_from_name

FORMAT = "generic"
REQUIRED = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery")
OPTIONAL = ("strain", "atl", "ctl", "hrv_sdnn_ms", "load")
NUMERIC = (*REQUIRED, *OPTIONAL)
MARKERS = frozenset({"hrv_rmssd_ms", "sleep_hours", "resting_hr", "sleep_efficiency",
                     "recovery", "action", "load"})
ALIASES = {"athlete": "athlete_id", "day": "date"}
UNREADABLE = -2  # an action cell that is neither a name nor an id


def action_codes(cells: pd.Series) -> np.ndarray:
    """Action names or ids → ids 0–5, −1 unknown (empty, NA, −1), ``UNREADABLE`` otherwise."""
    text = cells.astype(str).str.strip()
    lookup: dict[str, int] = {}
    for value in text.unique():
        if value.lower() in NA_TOKENS or value == "-1":
            lookup[value] = UNKNOWN
            continue
        try:
            number = float(value)
        except ValueError:
            try:
                lookup[value] = int(action_from_name(value))
            except ValueError:
                lookup[value] = UNREADABLE
            continue
        lookup[value] = int(number) if number.is_integer() and 0 <= number < N_ACTIONS \
            else UNREADABLE
    return text.map(lookup).to_numpy(dtype=np.int64)


def _no_action_read(cells: pd.Series, codes: np.ndarray) -> bool:
    """True when every non-empty action cell is unreadable: not the column it claims."""
    filled = cells.astype(str).str.strip().str.len().to_numpy() > 0
    return bool(filled.any()) and bool((codes[filled] == UNREADABLE).all())


def actions_from_load(load: np.ndarray) -> np.ndarray:
    """Actions of days without an action column: REST at a rest day's load, else unknown."""
    return np.where(np.isfinite(load) & (load <= REST_LOAD), 0, UNKNOWN).astype(np.int64)


# --- one athlete: the importer ----------------------------------------------------------

def parse_actions(table: CsvTable, key: str, ctx: Context) -> np.ndarray:
    """Action names or ids → ids 0–5 (−1 unknown); unreadable ones are counted."""
    cells = table.text(key).astype(str)
    codes = action_codes(cells)
    bad = codes == UNREADABLE
    if bad.any():
        first = cells[bad].iloc[0].strip()
        if _no_action_read(cells, codes):
            raise fail(table.where, f"column '{table.label(key)}' holds no action names or "
                                    f"ids 0-5 (e.g. {first!r})")
        ctx.exclude("action", int(bad.sum()),
                    f"{int(bad.sum())} unreadable action(s) treated as unknown (e.g. {first!r})")
    return np.where(bad, UNKNOWN, codes)


def read(member: Member, ctx: Context, athlete_id: str | None = None) -> pd.DataFrame:
    """Day rows of one athlete from a generic CSV (see the module docstring)."""
    table = read_csv(member, ctx)
    date_key = table.need("date", "day")
    for col in REQUIRED:
        table.need(col)
    if table.has("load") is None and table.has("action") is None:
        raise fail(table.where, "missing column 'load' or 'action' (at least one is needed)")
    id_key = table.has("athlete_id", "athlete")
    if id_key is not None:
        ids = table.text(id_key).astype(str).str.strip()
        names = sorted(set(ids) - {""})
        if athlete_id is None and len(names) > 1:
            more = ", …" if len(names) > 5 else ""
            raise fail(table.where, f"holds {len(names)} athletes ({', '.join(names[:5])}"
                                    f"{more}); choose one with athlete_id=")
        if athlete_id is not None and athlete_id not in names:
            raise fail(table.where, f"no rows for athlete {athlete_id!r}")
        chosen = athlete_id if athlete_id is not None else (names[0] if names else None)
        if chosen is not None:
            ctx.athlete_id = chosen
            table = table.subset(((ids == chosen) | (ids == "")).to_numpy())
    out = pd.DataFrame({"date": table.days(date_key)})
    for col in NUMERIC:
        if table.has(col):
            out[col] = table.numbers(col, ctx, col)
    action_key = table.has("action")
    out["action"] = (parse_actions(table, action_key, ctx) if action_key is not None
                     else actions_from_load(out["load"].to_numpy(dtype=np.float64)))
    return out


# --- many athletes: the long table --------------------------------------------------------

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


def read_team(path: Path) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Canonical rows of every athlete in ``path`` and per-athlete import notes."""
    where = str(path)
    keys, delimiter = _header(path) or ([], ",")
    raw = _read_cells(path, keys, delimiter, where)
    for key in ("date", *REQUIRED):
        if key not in raw.columns:
            raise DataError(f"{where}: missing column '{key}'")
    if "load" not in raw.columns and "action" not in raw.columns:
        raise DataError(f"{where}: missing column 'load' or 'action' (at least one is needed)")
    notes: dict[str, list[str]] = {}
    ids = raw["athlete_id"].str.strip()
    out = pd.DataFrame({"athlete_id": ids, "date": _team_dates(raw["date"], where)})
    for key in (k for k in NUMERIC if k in raw.columns):
        out[key] = _team_numbers(raw[key], ids, key, where, notes,
                                 decimal_comma=delimiter == ";")
    if "action" in raw.columns:
        out["action"] = _team_actions(raw["action"], ids, where, notes)
    else:
        out["action"] = actions_from_load(out["load"].to_numpy())
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


def _read_cells(path: Path, keys: list[str], delimiter: str, where: str) -> pd.DataFrame:
    """The CSV with numeric columns parsed by the C parser; a column holding text falls
    back to strings (read by ``parse_numbers``, which counts what is not a number)."""
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


def _team_dates(cells: pd.Series, where: str) -> pd.Series:
    """``parse_days``, which a file of plain YYYY-MM-DD days (the common case) skips: its
    general pattern costs ~5 s on a year of 10 000 athletes, a fixed format ~0.3 s."""
    text = cells.str.strip()
    days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if (days.notna() | text.str.lower().isin(NA_TOKENS)).all():
        return days.astype("datetime64[ns]")
    return parse_days(cells, where, "date")  # other forms, and the row of a bad one


def _team_numbers(cells: pd.Series, ids: pd.Series, key: str, where: str,
                  notes: dict[str, list[str]], *, decimal_comma: bool) -> np.ndarray:
    if cells.dtype == np.float64:  # the C parser read every cell as a number
        values = cells.to_numpy(dtype=np.float64, copy=True)
        bad = np.isinf(values)
        values[bad] = np.nan
    else:
        values, bad = parse_numbers(cells, decimal_comma=decimal_comma)
    if bad.any():
        if np.isnan(values).all():
            raise DataError(f"{where}: column '{key}' holds no numbers "
                            f"(e.g. {cells[bad].iloc[0]!r})")
        for athlete, count in ids[bad].value_counts().items():
            notes.setdefault(athlete, []).append(
                f"{count} non-numeric value(s) in '{key}' treated as missing")
    return values


def _team_actions(cells: pd.Series, ids: pd.Series, where: str,
                  notes: dict[str, list[str]]) -> np.ndarray:
    codes = action_codes(cells)
    bad = codes == UNREADABLE
    if bad.any():
        if _no_action_read(cells, codes):
            raise DataError(f"{where}: column 'action' holds no action names or ids 0-5 "
                            f"(e.g. {cells[bad].iloc[0].strip()!r}; expected "
                            f"{', '.join(ACTION_NAMES)})")
        for athlete, count in ids[bad].value_counts().items():
            notes.setdefault(athlete, []).append(
                f"{count} unreadable action(s) treated as unknown")
    return np.where(bad, UNKNOWN, codes)
