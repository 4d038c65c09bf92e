"""An athlete's stored history: merging imported days, reading it back as the canonical
table, and what the athlete reports from the page.

Merging is idempotent: a stored day is updated only where the upload holds a value that
differs (a value the upload lacks never erases a stored one), so the same export twice
changes nothing. Every change bumps the athlete's ``sources.revision``, which is what
invalidates the cached advice. Writers of one athlete are serialised by a row lock on
their ``sources`` row (PostgreSQL; SQLite has one writer at a time anyway).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from periodization.serve.tables import READING_COLUMNS, Day, Source

OPTIONAL_READINGS = ("atl", "ctl", "hrv_sdnn_ms")  # left out of the table when never stored


@dataclass(frozen=True)
class MergeCount:
    """Days an upload added, changed and left as they were."""

    added: int
    updated: int
    unchanged: int


def _value(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


def locked_source(db: DbSession, athlete_id: int) -> Source:
    """The athlete's ``sources`` row, locked for this transaction (created if missing)."""
    src = db.scalar(select(Source).where(Source.athlete_id == athlete_id).with_for_update())
    if src is None:
        src = Source(athlete_id=athlete_id, source_format="generic", hrv_kind="rmssd",
                     notes=[], meta={}, revision=0)
        db.add(src)
        db.flush()
    return src


def bump(db: DbSession, athlete_id: int) -> None:
    db.execute(update(Source).where(Source.athlete_id == athlete_id)
               .values(revision=Source.revision + 1))


def merge_days(db: DbSession, athlete_id: int, table: pd.DataFrame) -> MergeCount:
    """Merge a canonical table (``ingest/schema.py``; one athlete) into the stored days."""
    locked_source(db, athlete_id)
    dates = pd.to_datetime(table["date"]).dt.date.to_numpy()
    existing = {d.date: d for d in db.scalars(select(Day).where(
        Day.athlete_id == athlete_id, Day.date >= dates.min(), Day.date <= dates.max()))}
    columns = [c for c in READING_COLUMNS if c in table.columns]
    values = {c: table[c].to_numpy(dtype=np.float64) for c in columns}
    action = table["action"].to_numpy(dtype=np.int64)
    added = updated = 0
    new_rows = []
    for i, date in enumerate(dates):
        incoming = {c: _value(values[c][i]) for c in columns}
        row = existing.get(date)
        if row is None:
            new_rows.append({"athlete_id": athlete_id, "date": date, **incoming,
                             "action": int(action[i]), "logged": -1, "ill": False})
            continue
        changed = False
        for c, v in incoming.items():
            if v is not None and getattr(row, c) != v:
                setattr(row, c, v)
                changed = True
        if action[i] >= 0 and row.action != int(action[i]):
            row.action, changed = int(action[i]), True
        updated += changed
    if new_rows:
        db.execute(Day.__table__.insert(), new_rows)
        added = len(new_rows)
    if added or updated:
        bump(db, athlete_id)
    return MergeCount(added=added, updated=updated, unchanged=len(dates) - added - updated)


def history(db: DbSession, athlete_id: int, *, label: str | None = None) -> pd.DataFrame:
    """The stored days as the canonical table (``athlete_id`` = ``label`` or the id; a
    session logged by hand stands for the imported action), plus ``ill``."""
    rows = db.execute(select(Day).where(Day.athlete_id == athlete_id).order_by(Day.date)
                      ).scalars().all()
    out = pd.DataFrame({"athlete_id": label or str(athlete_id),
                        "date": pd.to_datetime([r.date for r in rows]).astype("datetime64[ns]")})
    for c in READING_COLUMNS:
        col = np.array([getattr(r, c) for r in rows], dtype=np.float64)
        if c not in OPTIONAL_READINGS or np.isfinite(col).any():
            out[c] = col
    out["action"] = np.array([r.logged if r.logged >= 0 else r.action for r in rows],
                             dtype=np.int64)
    out["ill"] = np.array([r.ill for r in rows], dtype=bool)
    return out


def last_date(db: DbSession, athlete_id: int) -> dt.date | None:
    from sqlalchemy import func

    return db.scalar(select(func.max(Day.date)).where(Day.athlete_id == athlete_id))


def report_day(db: DbSession, athlete_id: int, date: dt.date, *, action: int | None = None,
               ill: bool | None = None) -> None:
    """The athlete's own word for ``date``: the session done instead (``action``), or
    ill/injured (``ill``); a day not in the record yet is added, readings unknown."""
    locked_source(db, athlete_id)
    row = db.get(Day, (athlete_id, date))
    if row is None:
        row = Day(athlete_id=athlete_id, date=date, action=-1, logged=-1, ill=False)
        db.add(row)
    if action is not None:
        row.logged = action
    if ill is not None:
        row.ill = ill
    db.flush()
    bump(db, athlete_id)
