"""What every fixture writer of ``make_fixtures.py`` shares: where fixtures go, the documented
load rates and action ids the expected tables use, dates and timestamps, CSV and expected-
table writers."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent / "good"
EXPECTED = HERE / "expected"
TRIMP = 100.0 / 240.0
RATE = {"REST": 0, "ACTIVE_RECOVERY": 25, "AEROBIC_BASE": 50, "TEMPO": 85, "HIIT": 110,
        "STRENGTH": 50}
ACTION_ID = {"REST": 0, "ACTIVE_RECOVERY": 1, "AEROBIC_BASE": 2, "TEMPO": 3, "HIIT": 4,
             "STRENGTH": 5, "UNKNOWN": -1}
EXPECTED_COLUMNS = ["date", "hrv_rmssd_ms", "hrv_sdnn_ms", "resting_hr", "sleep_hours",
                    "sleep_efficiency", "recovery", "strain", "load", "action", "atl", "ctl"]


def header(text: str, sep: str = ",") -> list[str]:
    return text.split(sep)


def days(start: str, n: int) -> list[date]:
    first = date.fromisoformat(start)
    return [first + timedelta(days=i) for i in range(n)]


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",",
              raw: bool = False) -> None:
    """``raw``: never quote (JSON cells stay as written, like Oura's ``;`` files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        quoting = {"quoting": csv.QUOTE_NONE, "quotechar": None} if raw else {}
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n", **quoting)
        writer.writerow(header)
        writer.writerows(rows)


def write_expected(name: str, rows: list[dict]) -> None:
    cols = [c for c in EXPECTED_COLUMNS if any(c in r for r in rows)]
    write_csv(EXPECTED / f"{name}.csv", cols,
              [["" if r.get(c) is None else r.get(c) for c in cols] for r in rows])


def europe_offset(utc: datetime) -> timedelta:
    """Central European time: +01:00, +02:00 from 2024-03-31 01:00 UTC."""
    return timedelta(hours=2 if utc >= datetime(2024, 3, 31, 1) else 1)


def session(plan: tuple | None) -> dict:
    """Expected load and action of a day with one workout (…, minutes, …, action) or none."""
    if not plan:
        return {"load": 0.0, "action": ACTION_ID["REST"]}
    minutes, action = plan[1], plan[-1]
    return {"load": minutes / 60 * RATE[action], "action": ACTION_ID[action]}


def zone_load(minutes: float, zones: list[float]) -> float:
    return minutes * sum(z / 100 * (k + 1) for k, z in enumerate(zones)) * TRIMP


def offset_text(offset: timedelta, colon: bool = True) -> str:
    """``+01:00`` (or ``+0100``) for a UTC offset."""
    minutes = int(offset.total_seconds() // 60)
    hours, mins = divmod(abs(minutes), 60)
    return f"{'+' if minutes >= 0 else '-'}{hours:02d}{':' if colon else ''}{mins:02d}"
