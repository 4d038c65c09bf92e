"""The documented generic CSV (``docs/importers.md``): the canonical columns, written by hand
or by a script.

Required: ``date`` (YYYY-MM-DD), ``hrv_rmssd_ms`` (ms), ``resting_hr`` (bpm),
``sleep_hours`` (h), ``sleep_efficiency`` (%), ``recovery`` (0–100) and ``load``
(TSS-like) or ``action`` (a name such as ``TEMPO`` or an id 0–5; empty or −1 = unknown), or
both. Optional: ``strain`` (0–21), ``atl``, ``ctl``, ``hrv_sdnn_ms``, ``athlete_id`` (a file
with several athletes needs ``athlete_id=`` to pick one). Without ``action``, a day's
action is REST when its load is that of a rest day and unknown otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.ingest.actions import UNKNOWN, day_action
from periodization.ingest.common import Context
from periodization.ingest.csvtable import NA_TOKENS, CsvTable, read_csv
from periodization.ingest.sources import Member, fail
from periodization.sim.actions import N_ACTIONS, action_from_name

FORMAT = "generic"
REQUIRED = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery")
OPTIONAL = ("strain", "atl", "ctl", "hrv_sdnn_ms", "load")
MARKERS = frozenset({"hrv_rmssd_ms", "sleep_hours", "resting_hr", "sleep_efficiency",
                     "recovery", "action", "load"})


def parse_actions(table: CsvTable, key: str, ctx: Context) -> np.ndarray:
    """Action names or ids → ids 0–5 (−1 unknown); unreadable ones are counted."""
    out = np.full(len(table), UNKNOWN, dtype=np.int64)
    bad: list[str] = []
    for i, cell in enumerate(table.text(key).astype(str)):
        text = cell.strip()
        if text.lower() in NA_TOKENS or text == "-1":
            continue
        try:
            number = float(text)
        except ValueError:
            try:
                out[i] = int(action_from_name(text))
            except ValueError:
                bad.append(text)
            continue
        if number.is_integer() and 0 <= number < N_ACTIONS:
            out[i] = int(number)
        else:
            bad.append(text)
    if bad:
        if len(bad) == int((table.text(key).str.strip() != "").sum()):
            raise fail(table.where, f"column '{table.label(key)}' holds no action names or "
                                    f"ids 0-5 (e.g. {bad[0]!r})")
        ctx.exclude("action", len(bad),
                    f"{len(bad)} unreadable action(s) treated as unknown (e.g. {bad[0]!r})")
    return out


def read(member: Member, ctx: Context, athlete_id: str | None = None) -> pd.DataFrame:
    """Day rows from a generic CSV (see the module docstring)."""
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
    for col in (*REQUIRED, *OPTIONAL):
        if table.has(col):
            out[col] = table.numbers(col, ctx, col)
    action_key = table.has("action")
    if action_key is not None:
        out["action"] = parse_actions(table, action_key, ctx)
    else:
        out["action"] = [day_action(np.empty(0), np.empty(0), x) for x in out["load"]]
    return out
