"""The plan's iCalendar feed: well-formed, one event per planned day, stable UIDs."""

from __future__ import annotations

import datetime as dt

from periodization.serve.calendar import plan_ics

REC = {"minutes": 50, "plan": [
    {"date": "2026-03-01", "action": "AEROBIC_BASE", "expected_recovery": 60.0,
     "expected_tsb": -3.0},
    {"date": "2026-03-02", "action": "REST", "expected_recovery": 70.0, "expected_tsb": 1.0}]}


def test_one_event_per_day_with_crlf_and_folding():
    text = plan_ics(REC, name="Ann, the runner; long " * 5, uid_key=7,
                    now=dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert text.count("BEGIN:VEVENT") == 2
    assert "UID:7-20260301@periodization" in lines and "DTSTART;VALUE=DATE:20260302" in lines
    assert "SUMMARY:aerobic base\\, 50 min" in lines and "SUMMARY:rest" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in text.replace("\r\n", "")
