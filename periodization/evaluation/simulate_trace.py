"""The daily trace of ``periodize simulate --trace FILE.parquet``: one row per athlete and
morning, with that morning's wearable readings, the true (hidden) state, and the session
done that day.

Rows are ordered by athlete, then day. Day numbers: ``day`` 0 is the plan's first morning
(a Monday), ``day`` D the morning after its last day (D = the days simulated), so each
athlete has D + 1 rows; ``date`` puts the days on the simulated calendar, whose day 0 is
Monday 1970-01-05. The session columns (``planned_action`` … ``load``) describe the
session done on ``day`` after that morning's readings and are null on the last morning.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from periodization.core.errors import UserError
from periodization.core.io import atomic_write_bytes
from periodization.evaluation.simulate import Outcome
from periodization.sim.actions import ACTION_NAMES

EPOCH = np.datetime64("1970-01-05", "D")  # model day 0, a Monday

# (name, type, description): the explicit schema, in column order.
COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("athlete", pa.int32(), "athlete index 0…N−1 (athlete i of a seed is always the same)"),
    ("day", pa.int32(), "plan day: 0 = first morning, D = the morning after the last day"),
    ("date", pa.date32(), "simulated calendar date (day 0 = Monday 1970-01-05)"),
    ("weekday", pa.int8(), "0 = Monday … 6 = Sunday"),
    ("planned_action", pa.string(), "the plan's session for the day (null on morning D)"),
    ("action", pa.string(), "the session done (REST when the ill rule forbade the plan)"),
    ("minutes", pa.float64(), "minutes of the session done (0 for REST)"),
    ("load", pa.float64(), "realised training load of the day, TSS"),
    ("hrv_rmssd_ms", pa.float64(), "wearable: RMSSD this morning, ms"),
    ("resting_hr", pa.float64(), "wearable: resting heart rate, bpm"),
    ("recovery", pa.float64(), "wearable: recovery score 0–100"),
    ("sleep_hours", pa.float64(), "wearable: last night's sleep, h"),
    ("sleep_efficiency", pa.float64(), "wearable: last night's sleep efficiency, %"),
    ("wearable_strain", pa.float64(), "wearable: yesterday's strain score, 0–21"),
    ("base_slow", pa.float64(), "true state: slow aerobic base fitness, points"),
    ("base_fast", pa.float64(), "true state: fast aerobic base fitness, points"),
    ("intensity", pa.float64(), "true state: intensity fitness, points (saturates)"),
    ("pending_base", pa.float64(), "true state: base stimulus not yet adapted to"),
    ("pending_intensity", pa.float64(), "true state: intensity stimulus not yet adapted to"),
    ("fatigue", pa.float64(), "true state: fatigue F, what rest removes, points"),
    ("strain", pa.float64(), "true state: recent volume L, EWMA of weighted load, TSS/day"),
    ("hard_load", pa.float64(), "true state: recent intensity H, hard sessions per week"),
    ("maladaptation", pa.float64(), "true state: hidden maladaptation M, ≥ 0"),
    ("durability", pa.float64(), "true state: strength durability D, sessions"),
    ("hrv_fast", pa.float64(), "true state: ln RMSSD drop that clears within a day"),
    ("hrv_slow", pa.float64(), "true state: ln RMSSD drop that clears over days"),
    ("acute_rhr", pa.float64(), "true state: acute resting-HR rise, bpm"),
    ("stress_slow", pa.float64(), "true state: slow life-stress level, SD units"),
    ("stress_fast", pa.float64(), "true state: fast life-stress level, SD units"),
    ("ill_days", pa.int32(), "true state: days of illness left, today included"),
    ("injured_days", pa.int32(), "true state: days of injury left, today included"),
    ("atl", pa.float64(), "true state: acute training load after yesterday, TSS/day"),
    ("ctl", pa.float64(), "true state: chronic training load after yesterday, TSS/day"),
    ("ln_rmssd_latent", pa.float64(), "noise-free ln RMSSD this morning"),
    ("performance", pa.float64(), "raw performance this morning, index points (p0 = 100)"),
    ("test_performance", pa.float64(), "performance after a standard 7-day rest from here"),
    ("overreached", pa.bool_(), "maladaptation above the prior's overreached threshold (NFOR)"),
)
SCHEMA = pa.schema([pa.field(name, kind, metadata={"description": text})
                    for name, kind, text in COLUMNS])
MORNING_FLOATS = tuple(name for name, kind, _ in COLUMNS[8:]
                       if kind == pa.float64())  # the readings, the state, performance


def trace_table(outcome: Outcome, *, overreached_threshold: float) -> pa.Table:
    """The trace of an ``Outcome`` run with ``record=True`` as a table with ``SCHEMA``."""
    if outcome.record is None:
        raise ValueError("the outcome holds no record: run with record=True")
    m, d = outcome.record.morning, outcome.record.day
    mornings, n = m["fatigue"].shape

    def by_athlete(a: np.ndarray) -> np.ndarray:  # (D+1, N) → athlete-major (N·(D+1),)
        return np.ascontiguousarray(a.T).ravel()

    def session(a: np.ndarray) -> np.ndarray:  # (D, N) → (D+1, N) with a last, empty row
        return by_athlete(np.concatenate([a, a[:1]]))

    last = np.zeros((mornings, n), dtype=bool)
    last[-1] = True
    null = by_athlete(last)
    names = np.array(ACTION_NAMES, dtype=object)
    day = np.tile(np.arange(mornings, dtype=np.int64), n)
    columns = {
        "athlete": np.repeat(np.arange(n, dtype=np.int32), mornings),
        "day": day.astype(np.int32),
        "date": EPOCH + day.astype("timedelta64[D]"),
        "weekday": (day % 7).astype(np.int8),
        "planned_action": pa.array(names[session(d["planned_action"])], mask=null),
        "action": pa.array(names[session(d["action"])], mask=null),
        "minutes": pa.array(session(d["minutes"]), mask=null),
        "load": pa.array(session(d["load"]), mask=null),
        **{k: by_athlete(m[k]) for k in MORNING_FLOATS},
        "ill_days": by_athlete(m["ill_days"]).astype(np.int32),
        "injured_days": by_athlete(m["injured_days"]).astype(np.int32),
        "overreached": by_athlete(m["maladaptation"] > overreached_threshold),
    }
    arrays = [pa.array(columns[f.name], type=f.type) if not isinstance(
        columns[f.name], pa.Array) else columns[f.name].cast(f.type) for f in SCHEMA]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def check_trace_path(path: Path) -> None:
    """Fail early (``UserError``) if ``path`` cannot be written as a file."""
    if path.is_dir():
        raise UserError(f"--trace {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise UserError(f"--trace: directory not found: {path.parent}")


def write_trace(path: Path, table: pa.Table) -> None:
    """Write atomically: an interrupted write leaves any earlier file as it was."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    try:
        atomic_write_bytes(path, sink.getvalue().to_pybytes())
    except OSError as exc:
        raise UserError(f"cannot write trace {path}: {exc.strerror or exc}") from None
