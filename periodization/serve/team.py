"""A coach's team at a glance: each athlete's session today and the red flags — sessions
the safety rules mask, overreaching signs (the drivers' "back off"), stale or missing data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from periodization.advice.agreement import BACK_OFF_REASON
from periodization.advice.recommend import STALE_DAYS
from periodization.serve.tables import User


def flags(rec: dict[str, Any] | None, today: dt.date) -> list[str]:
    """The red flags of one recommendation, most serious first (plain words)."""
    if rec is None:
        return ["no data yet"]
    if "error" in rec:
        return [f"cannot advise: {rec['error']}"]
    out = []
    reasons = [m["reason"] for m in rec["masked"]]
    if BACK_OFF_REASON in reasons or any("overreaching" in d for d in rec["drivers"]):
        out.append("overreaching signs")
    ruled = [m["action"] for m in rec["masked"] if m["reason"] != BACK_OFF_REASON]
    if ruled:
        out.append("masked: " + ", ".join(a.replace("_", " ").lower() for a in ruled))
    age = (today - dt.date.fromisoformat(rec["date"])).days
    if age > STALE_DAYS:
        out.append(f"data {age} days old")
    return out


def team_rows(users: list[User], recs: dict[int, dict[str, Any] | None],
              today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per athlete: id, name, date, session, zone, minutes, target load, flags."""
    today = today or dt.date.today()
    rows = []
    for u in users:
        rec = recs.get(u.id)
        ok = rec is not None and "error" not in rec
        rows.append({"athlete_id": u.id, "name": u.name,
                     "date": rec["date"] if ok else None,
                     "action": rec["action"] if ok else None,
                     "zone": rec["zone"] if ok else None,
                     "minutes": rec["minutes"] if ok else None,
                     "target_load": rec["target_load"] if ok else None,
                     "flags": flags(rec, today)})
    return rows
