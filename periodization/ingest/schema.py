"""The canonical daily schema every data source is brought into.

One row per athlete and calendar day. Wearable readings are those of the morning of
``date``; ``load``, ``strain`` and ``action`` describe the training done on ``date``;
``atl``/``ctl`` (optional) are a platform's PMC values *after* that day's load
(intervals.icu convention).

| column           | unit / type                     | required |
|------------------|---------------------------------|----------|
| athlete_id       | string                          | yes      |
| date             | calendar day (datetime64[ns])   | yes      |
| hrv_rmssd_ms     | RMSSD, ms                       | yes      |
| resting_hr       | bpm                             | yes      |
| sleep_hours      | h                               | yes      |
| sleep_efficiency | %                               | yes      |
| recovery         | 0–100 score                     | yes      |
| strain           | 0–21 (WHOOP-like)               | no       |
| load             | TSS-like points                 | yes      |
| action           | 0–5 (see ``Action``), −1 unknown | yes      |
| atl, ctl         | TSS/day, after the day's load   | no       |
"""

from __future__ import annotations

from periodization.sim.actions import N_ACTIONS

KEY_COLUMNS = ("athlete_id", "date")
WEARABLE_COLUMNS = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery")
TRAINING_COLUMNS = ("load", "action")
OPTIONAL_COLUMNS = ("strain", "atl", "ctl")
REQUIRED_COLUMNS = KEY_COLUMNS + WEARABLE_COLUMNS + TRAINING_COLUMNS

# Values outside these ranges are physiologically implausible or a unit error: they are
# flagged and excluded (treated as missing), never used.
PLAUSIBLE_RANGE: dict[str, tuple[float, float]] = {
    "hrv_rmssd_ms": (5.0, 300.0),
    "resting_hr": (25.0, 120.0),
    "sleep_hours": (0.0, 16.0),
    "sleep_efficiency": (30.0, 100.0),
    "recovery": (0.0, 100.0),
    "strain": (0.0, 21.0),
    "load": (0.0, 1000.0),
    "atl": (0.0, 400.0),
    "ctl": (0.0, 300.0),
    "action": (-1, N_ACTIONS - 1),
}

# Cohort file names inside a cohort directory.
OBSERVATIONS_FILE = "observations.parquet"
HIDDEN_FILE = "hidden_state.parquet"
PARAMS_FILE = "true_params.parquet"
META_FILE = "meta.json"
