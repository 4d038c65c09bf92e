"""The plan as an iCalendar feed (RFC 5545): one all-day event per planned day, with a
stable UID per athlete and day so a subscribed calendar updates events instead of
duplicating them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from periodization.core.validation import is_steering
from periodization.sim.actions import ACTION_NAMES, SESSION_GUIDE, Action

PRODID = "-//periodization//coach//EN"


def _escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, ``;`` and ``,`` escaped, a line break (CRLF, CR or LF) as
    ``\\n``, and any other control character, line separator or bidi override dropped
    (a lone CR is a line end to some readers: a name holding one could add calendar
    lines); no-break spaces and joiners stay."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or not is_steering(c))
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets folded (continuation lines start with a space)."""
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = b" " + raw[cut:]
    out.append(raw.decode())
    return out


def plan_ics(rec: dict[str, Any], *, name: str, uid_key: str | int = "",
             now: dt.datetime | None = None) -> str:
    """The ``plan`` of a recommendation as a VCALENDAR text (CRLF line ends)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(f'Training plan: {name}')}"]
    for i, day in enumerate(rec["plan"]):
        start = dt.date.fromisoformat(day["date"])
        action = Action(ACTION_NAMES.index(day["action"]))
        zone, minutes = SESSION_GUIDE[action]
        if i == 0:  # today: the prescription's own minutes
            minutes = rec["minutes"]
        title = day["action"].replace("_", " ").lower()
        summary = title if action == Action.REST else f"{title}, {minutes} min"
        desc = (f"{zone}. Expected recovery {day['expected_recovery']}, TSB "
                f"{day['expected_tsb']}. A model's plan, not medical advice.")
        lines += ["BEGIN:VEVENT", f"UID:{uid_key}-{start:%Y%m%d}@periodization",
                  f"DTSTAMP:{stamp}", f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{start + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(desc)}",
                  "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
