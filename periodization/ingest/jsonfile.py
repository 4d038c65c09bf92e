"""JSON files of an export read safely: size-limited, decoded like CSV, one clear line
when broken, and the records they hold as a list of dicts.

A JSON export is a list of records (``[{...}, ...]``), an API page (``{"data": [...]}``)
or a document holding the list under a named key. Each file is read whole (JSON cannot
be streamed with the standard library), so ``MAX_JSON_BYTES`` bounds the memory a file
can take (~10× its size once parsed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from periodization.ingest.sources import Member, decode_text, fail

MAX_JSON_BYTES = 64 * 1024 * 1024  # a year of daily summaries is < 20 MB


def load_json(member: Member) -> Any:
    """The parsed document of one JSON member (``DataError`` if it is not valid JSON)."""
    text, _ = decode_text(member.read_bytes(MAX_JSON_BYTES), member.where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(member.where, f"malformed JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise fail(member.where, "malformed JSON (nested too deeply)") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise fail(member.where, "malformed JSON (a number too long to read)") from None


def records(doc: Any, where: str, keys: Iterable[str] = ("data",)) -> list[dict]:
    """The records of a document: the list itself, or the list under one of ``keys``
    (API pages put it under ``data``); records that are not objects are skipped."""
    found = doc
    if isinstance(doc, dict):
        found = next((doc[k] for k in keys if isinstance(doc.get(k), list)), None)
    if not isinstance(found, list):
        raise fail(where, "holds no list of records (expected a JSON list, or an object "
                          f"with {' or '.join(repr(k) for k in keys)})")
    return [r for r in found if isinstance(r, dict)]


def number(value: Any) -> float:
    """A JSON value as a float (NaN for null, text, booleans or non-finite numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value) if isinstance(value, str) else float("nan")
        except ValueError:
            return float("nan")
    out = float(value)
    return out if out == out and abs(out) != float("inf") else float("nan")


def dig(record: dict, *path: str) -> Any:
    """``record[path[0]][path[1]]…`` or None where a level is missing."""
    node: Any = record
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


_CANONICAL = {"%Y-%m-%d": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
              "%Y-%m-%d %H:%M:%S": re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})")}


def stamp(text: str, fmt: str = "%Y-%m-%d") -> pd.Timestamp:
    """``pd.to_datetime(text, format=fmt, errors="coerce")`` for one JSON value (``fmt``
    one of the keys of ``_CANONICAL``), about 40× faster on canonical text: a call per
    record was most of the time a large Garmin, Polar or Fitbit file took (2.2 MB of
    Garmin sleep: 27 s). Anything else, years outside 1678–2261 included, goes to pandas."""
    if not text:  # an absent value, the commonest non-date
        return pd.NaT
    match = _CANONICAL[fmt].fullmatch(text)
    if match is None or not 1678 <= int(match.group(1)) <= 2261:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    try:
        return pd.Timestamp(*(int(g) for g in match.groups()))
    except ValueError:  # 2024-02-30 (NaT), 23:59:60 (pandas rolls it over): its answer
        return pd.to_datetime(text, format=fmt, errors="coerce")
