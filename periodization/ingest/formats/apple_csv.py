"""Apple Health as per-type CSV files (``HeartRateVariabilitySDNN.csv``,
``RestingHeartRate.csv``, ``SleepAnalysis.csv``, ``Workout.csv``), as export.xml
converters write them: one row per record, the XML attributes as columns (``sourceName,
sourceVersion, device, type, unit, creationDate, startDate, endDate, value``; workouts
with ``workoutActivityType, duration, durationUnit``).

The rows go through the same rules as ``export.xml`` (``apple.build_days``): HRV is
SDNN, one source per day, the night's sleep from the asleep stages, workouts
de-duplicated across sources.
"""

from __future__ import annotations

import pandas as pd

from periodization.ingest.common import Context
from periodization.ingest.csvtable import read_csv
from periodization.ingest.formats import apple
from periodization.ingest.sources import Member, fail

FORMAT = "apple-health-csv"
TYPES = {"heartratevariabilitysdnn.csv": apple.HRV, "restingheartrate.csv": apple.RHR,
         "sleepanalysis.csv": apple.SLEEP}
WORKOUT_FILE = "workout.csv"
FILES = frozenset({*TYPES, WORKOUT_FILE})


def is_member(member: Member) -> bool:
    name = member.basename.removeprefix("hkquantitytypeidentifier").removeprefix(
        "hkcategorytypeidentifier")
    return name in FILES


def _kind(member: Member) -> str:
    return member.basename.removeprefix("hkquantitytypeidentifier").removeprefix(
        "hkcategorytypeidentifier")


def read(members: list[Member], ctx: Context) -> pd.DataFrame:
    """Day rows from Apple per-type CSVs (see the module docstring)."""
    records: list[tuple[str, ...]] = []
    workouts: list[tuple[str, ...]] = []
    for member in members:
        kind = _kind(member)
        table = read_csv(member, ctx, allow_empty=True)
        if not len(table):
            continue
        start = table.text(table.need("start_date", what="startDate"))
        end = table.text(table.need("end_date", what="endDate"))
        source_key = table.has("source_name", "source")
        source = (table.text(source_key) if source_key else pd.Series("", index=start.index))
        if kind == WORKOUT_FILE:
            name = table.text(table.need("workout_activity_type", "activity_type",
                                         what="workoutActivityType"))
            duration = table.text(table.need("duration"))
            unit_key = table.has("duration_unit")
            unit = table.text(unit_key) if unit_key else pd.Series("min", index=start.index)
            workouts.extend(zip(name, source, start, end, duration, unit, strict=True))
        else:
            value = table.text(table.need("value"))
            records.extend((TYPES[kind], s, a, b, v)
                           for s, a, b, v in zip(source, start, end, value, strict=True))
    if not records:
        raise fail(ctx.where, "no heart rate variability, resting heart rate or sleep rows in "
                              "these Apple Health CSV files")
    return apple.build_days(records, workouts, ctx, ctx.where)
