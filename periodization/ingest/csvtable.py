"""Tolerant CSV reading shared by every CSV importer.

Header matching ignores case, surrounding spaces, a BOM, units in brackets or parentheses
and a trailing ``%``, and splits camelCase, so ``Resting heart rate (bpm)``,
``resting heart rate [bpm]``, ``RESTING_HEART_RATE`` and ``restingHeartRate`` all become
the key ``resting_heart_rate``. The unit text is kept (``units``) for duration columns.
The delimiter is sniffed from the header line (``,``, ``;`` or tab); with ``;`` a decimal
comma (``61,5``) is accepted. Cells stay text until a column is asked for as numbers or
dates, and those conversions report what they could not read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.ingest.common import TOO_EARLY, TOO_LATE, Context
from periodization.ingest.sources import Member, decode_text, fail

# a unit in brackets; no bracket inside it and no leading \s*, so a header of 64 KB of
# "[" or of spaces is matched in linear time (both backtracked quadratically: minutes)
_UNIT = re.compile(r"[\(\[]([^\(\)\[\]]*)[\)\]]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")
NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "?", "#n/a"})
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_ISO_DAY = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[ T])")
_WALL = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)")
_SHARED_CELLS = 1 << 16  # distinct cell values kept as one shared string each
# a line between the breaks ``str.splitlines`` splits on
_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def normalize_header(header: str) -> tuple[str, str]:
    """``'Resting heart rate (bpm)'`` → ``('resting_heart_rate', 'bpm')``."""
    text = header.replace("\ufeff", "").strip()
    units = [u.strip().lower() for u in _UNIT.findall(text)]
    text = _UNIT.sub(" ", text)
    if text.endswith("%"):
        units.append("%")
        text = text[:-1]
    text = _CAMEL.sub("_", text).lower()
    key = _NON_WORD.sub("_", text).strip("_")
    return key, (units[-1] if units else "")


@dataclass
class CsvTable:
    """A CSV file as text cells under normalised column keys."""

    frame: pd.DataFrame  # object dtype, stripped strings ('' when empty)
    where: str
    labels: dict[str, str]  # key → header as written in the file
    units: dict[str, str]  # key → unit text found in the header ('' if none)
    decimal_comma: bool = False

    def __len__(self) -> int:
        return len(self.frame)

    def has(self, *aliases: str) -> str | None:
        """The first of ``aliases`` present as a column key, or None."""
        return next((a for a in aliases if a in self.frame.columns), None)

    def need(self, *aliases: str, what: str | None = None) -> str:
        key = self.has(*aliases)
        if key is None:
            raise fail(self.where, f"missing column '{what or aliases[0]}'")
        return key

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def text(self, key: str) -> pd.Series:
        return self.frame[key]

    def numbers(self, key: str, ctx: Context, canonical: str) -> np.ndarray:
        """Column ``key`` as floats; unreadable cells become NaN and are counted.

        A column with text cells and no number at all is a ``DataError``: it is not the
        column the format says it is. NA tokens ('', 'n/a', '-', …) are silently missing.
        """
        raw = self.frame[key].astype(str)
        values, bad = parse_numbers(raw, decimal_comma=self.decimal_comma)
        if bad.any():
            example = raw[bad].iloc[0]
            if np.isnan(values).all():
                raise fail(self.where, f"column '{self.label(key)}' holds no numbers "
                                       f"(e.g. {example!r})")
            ctx.exclude(canonical, bad.sum(), f"{self.where}: {int(bad.sum())} non-numeric "
                        f"value(s) in '{self.label(key)}' treated as missing (e.g. {example!r})")
        return values

    def days(self, key: str) -> pd.Series:
        """Column ``key`` as calendar days (the local date written in each cell).

        ISO dates or timestamps (``2024-03-01``, ``2024-03-01T23:10:00+01:00``,
        ``2024-03-01 23:10:00``): the date part is taken as written, i.e. local. Empty
        cells are NaT; any other unreadable value is a ``DataError`` naming its row.
        """
        return parse_days(self.frame[key], self.where, self.label(key))

    def timestamps(self, key: str) -> pd.Series:
        """Column ``key`` as wall-clock timestamps (see ``parse_wall_clock``)."""
        return parse_wall_clock(self.frame[key], self.where, self.label(key))

    def subset(self, keep: np.ndarray) -> CsvTable:
        return CsvTable(frame=self.frame[keep].reset_index(drop=True), where=self.where,
                        labels=self.labels, units=self.units, decimal_comma=self.decimal_comma)


def parse_numbers(cells: pd.Series, *, decimal_comma: bool = False
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(floats, unreadable) of text cells: NA tokens are missing, a trailing ``%`` is
    dropped, ``61,5`` is 61.5 with ``decimal_comma``; text and ±inf are unreadable (NaN)."""
    raw = cells.astype(str)
    missing = raw.str.lower().isin(NA_TOKENS)
    cleaned = raw.str.rstrip("%").str.strip()
    if decimal_comma:
        comma = cleaned.str.match(_DECIMAL_COMMA)
        cleaned = cleaned.where(~comma, cleaned.str.replace(",", ".", regex=False))
    values = pd.to_numeric(cleaned.where(~missing, None), errors="coerce")
    values = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    bad = np.isnan(values) & ~missing.to_numpy()
    bad |= np.isinf(values)
    values[np.isinf(values)] = np.nan
    return values, bad


def _first_bad_row(bad: pd.Series) -> int:
    return int(np.flatnonzero(bad.to_numpy())[0]) + 1  # 1-based data row (after the header)


# A well-formed date beyond what datetime64[ns] holds (0001-01-01, 9999-12-31: placeholders
# some apps write) is not a format error: it becomes one of these, which the final clean-up
# excludes and counts as a date outside the plausible range.


TIME_MIN, TIME_MAX = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")


def _in_range(parts: pd.DataFrame) -> pd.Series:
    year = pd.to_numeric(parts[0], errors="coerce")
    return year.between(1678, 2261)


def _out_of_range(parts: pd.DataFrame, stamps: pd.Series) -> pd.Series:
    """Where a well-formed year is outside datetime64[ns]: the stand-in date, else NaT."""
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    day = pd.to_numeric(parts[2], errors="coerce")
    shaped = stamps.isna() & month.between(1, 12) & day.between(1, 31)
    out = pd.Series(pd.NaT, index=stamps.index, dtype="datetime64[ns]")
    out[shaped & (year < 1678)] = TOO_EARLY
    out[shaped & (year > 2261)] = TOO_LATE
    return out


def parse_days(cells: pd.Series, where: str, label: str) -> pd.Series:
    raw = cells.astype(str).str.strip()
    parts = raw.str.extract(_ISO_DAY)
    stamp = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
    stamp = stamp.where(_in_range(parts))
    days = pd.to_datetime(stamp, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    days = days.fillna(_out_of_range(parts, days))
    bad = days.isna() & ~raw.str.lower().isin(NA_TOKENS)
    if bad.any():
        raise fail(where, f"data row {_first_bad_row(bad)}: {raw[bad].iloc[0]!r} in column "
                          f"'{label}' is not a date (expected YYYY-MM-DD)")
    return days.astype("datetime64[ns]")


def parse_wall_clock(cells: pd.Series, where: str, label: str, strict: bool = True
                     ) -> pd.Series:
    """Timestamps as written (``2024-03-01 23:10:00``, ISO ``T`` form; an offset is ignored).

    Empty cells are NaT; anything else unreadable is a ``DataError`` naming its row, or
    NaT when not ``strict``.
    """
    raw = cells.astype(str).str.strip()
    parts = raw.str.extract(_WALL)
    clock = parts[1].where(parts[1].str.count(":") == 2, parts[1] + ":00")
    day_parts = parts[0].str.extract(_ISO_DAY)
    text = (parts[0] + " " + clock).where(_in_range(day_parts))
    stamps = pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S",
                            errors="coerce").astype("datetime64[ns]")
    # A placeholder year (0001, 9999, 1707…) is no date and time to compute with (adding
    # a UTC offset would overflow): such cells are missing; the row's other cells stay.
    year = pd.to_numeric(day_parts[0], errors="coerce")
    placeholder = year.notna() & ~year.between(TIME_MIN.year, TIME_MAX.year - 1)
    stamps = stamps.where(~placeholder & stamps.between(TIME_MIN, TIME_MAX))
    bad = stamps.isna() & ~raw.str.lower().isin(NA_TOKENS) & ~placeholder.to_numpy()
    if strict and bad.any():
        raise fail(where, f"data row {_first_bad_row(bad)}: {raw[bad].iloc[0]!r} in column "
                          f"'{label}' is not a date and time (expected YYYY-MM-DD HH:MM:SS)")
    return stamps.astype("datetime64[ns]")


def _delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def _first_line(body: str) -> str | None:
    """The first line with something other than blanks in it, found lazily (the whole
    text is never split into a list of lines); line breaks as ``str.splitlines``'s."""
    return next((m.group() for m in _LINE.finditer(body) if m.group().strip()), None)


def _blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


class _UnclosedQuote(csv.Error):
    def __init__(self, line: int) -> None:
        super().__init__(f"a quote opened on line {line} is never closed")
        self.line = line


def _rows(body: str, delimiter: str, where: str, *, strict: bool
          ) -> tuple[list[str], dict[str, str], dict[str, str], list[list[str]]]:
    """(keys, labels, units, kept cells per data row) of ``body``; ``_UnclosedQuote`` (the
    line the quote opened on) or ``csv.Error`` when the reader refuses it."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=strict)
    done = 0  # the last line of the last complete row
    try:
        header = None
        for row in reader:
            if not _blank(row):
                header = row
                break
            done = reader.line_num
        if header is None:
            raise fail(where, "the file is empty")
        width = len(header)
        keys, labels, units, keep = [], {}, {}, []
        for i, name in enumerate(header):
            key, unit = normalize_header(name)
            if not key or key in labels:
                continue  # unnamed or repeated column: the first one wins
            keys.append(key)
            keep.append(i)
            labels[key] = name.replace("\ufeff", "").strip()
            units[key] = unit
        cells: list[list[str]] = []
        seen: dict[str, str] = {}
        done = reader.line_num
        for row in reader:
            done = reader.line_num
            if _blank(row):
                continue
            if len(row) > width and not _blank(row[width:]):
                raise fail(where, f"data row {len(cells) + 1} has {len(row)} fields but the "
                                  f"header has {width}; wrong delimiter or a broken line")
            size = len(row)
            kept = [row[i].strip() if i < size else "" for i in keep]
            if len(seen) < _SHARED_CELLS:
                kept = [seen.setdefault(c, c) for c in kept]
            cells.append(kept)
    except csv.Error as exc:
        if strict and "end of data" in str(exc):
            raise _UnclosedQuote(done + 1) from None
        raise
    return keys, labels, units, cells


def parse_csv_text(text: str, where: str, allow_empty: bool = False) -> CsvTable:
    """Parse decoded CSV text into a ``CsvTable`` (``DataError`` on malformed input).

    Rows are read one at a time and only their kept, stripped cells stay: the text is
    never held as a list of lines or of whole rows, and blank lines cost nothing. Equal
    cells share one string (readings, units and flags repeat: a 5 MB daily table then
    costs about half the memory), up to ``_SHARED_CELLS`` distinct values, so a file of
    distinct values pays a bounded table and no more."""
    body = text.lstrip("\ufeff")
    first = _first_line(body)
    if first is None:
        raise fail(where, "the file is empty")
    delimiter = _delimiter(first)
    try:
        # strict first: a quote opened and never closed is an error, not a cell that
        # silently swallows every later row
        keys, labels, units, cells = _rows(body, delimiter, where, strict=True)
    except _UnclosedQuote as exc:
        raise fail(where, f"malformed CSV: a quote opened on line {exc.line} is never "
                          "closed") from None
    except csv.Error:
        # anything else strict mode refuses ('"easy" ,60', an unescaped quote inside a
        # quoted note) was always read, as the lax reader reads it
        try:
            keys, labels, units, cells = _rows(body, delimiter, where, strict=False)
        except csv.Error as exc:
            raise fail(where, f"malformed CSV ({exc})") from None
    if not cells and not allow_empty:
        raise fail(where, "only a header, no data rows")
    frame = pd.DataFrame(cells, columns=keys, dtype=object)
    return CsvTable(frame=frame, where=where, labels=labels, units=units,
                    decimal_comma=(delimiter == ";"))


def read_csv(member: Member, ctx: Context, allow_empty: bool = False) -> CsvTable:
    """Read one CSV member (size-limited, encoding-checked) into a ``CsvTable``.

    ``allow_empty``: a header without rows is a valid, empty table (e.g. no workouts).
    """
    text, warning = decode_text(member.read_bytes(), member.where)
    if warning:
        ctx.warn(warning)
    return parse_csv_text(text, member.where, allow_empty)


def header_keys(member: Member) -> set[str]:
    """Normalised header keys of a CSV member, read from its first bytes only."""
    head = member.head(16384)
    if len(head) == 16384 and b"\n" in head:
        head = head[: head.rindex(b"\n")]  # do not cut a character in two
    text, _ = decode_text(head, member.where)
    lines = [ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip()]
    if not lines:
        return set()
    try:
        header = next(csv.reader([lines[0]], delimiter=_delimiter(lines[0])))
    except (csv.Error, StopIteration):
        return set()
    return {normalize_header(h)[0] for h in header} - {""}


_HOURS_PER_UNIT = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1 / 3600),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), 1 / 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 1.0),
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), 1 / 3_600_000),
}


def duration_hours(values: np.ndarray, unit: str, default: str) -> np.ndarray:
    """A duration column in hours, using the header's unit if it names one, else ``default``."""
    factor = _HOURS_PER_UNIT.get(unit.lower().rstrip(".")) or _HOURS_PER_UNIT[default]
    return values * factor
