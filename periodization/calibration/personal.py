"""A real athlete's export made ready for advice: checked, calibrated, gaps filled.

``prepare_personal`` takes canonical daily rows of one or many athletes (an importer's
table, or many stacked) and runs, per athlete:

1. validation and the plausibility check (``preprocess``; implausible values are excluded
   and counted, never used); the last ``MAX_HISTORY_DAYS`` days are kept;
2. RMSSD from SDNN where a source only has SDNN (``fallbacks``);
3. a usability check: days without HRV or resting HR may not exceed ``MAX_MISSING``,
   else the athlete cannot be advised (``errors``; a warning above 20 %);
4. calibration (``calibrate``) on the un-imputed readings;
5. stand-ins for mostly-missing sleep, efficiency and recovery (``fallbacks``);
6. preprocessing's causal imputation of the remaining gaps (``impute_table``; each
   column now misses at most 20 % of days or is filled, so nobody is dropped).

Athletes that cannot be used are reported in ``errors`` (one line each) and left out; the
caller decides whether that is fatal (one athlete) or a row of a batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from periodization.calibration import fallbacks
from periodization.calibration.calibrate import Calibration, calibrate
from periodization.ingest import preprocess
from periodization.sim.prior import Prior, load_prior

MAX_HISTORY_DAYS = 365
MAX_MISSING = 0.5  # days without HRV or resting HR beyond which nobody is advised
WARN_MISSING = preprocess.MAX_MISSING_SHARE
UNKNOWN_LOAD_WARN = 0.5  # share of days without a known load that earns a warning


@dataclass(frozen=True)
class PersonalData:
    table: pd.DataFrame  # preprocessed rows of the usable athletes (no NaN readings)
    calibration: Calibration  # same athletes, same order
    notes: dict[str, list[str]]  # athlete id → warnings
    errors: dict[str, str]  # athlete id → why it cannot be advised
    implausible: dict[str, int]  # column → values excluded as implausible

    @property
    def athlete_ids(self) -> list[str]:
        return self.calibration.athlete_ids


def prepare_personal(rows: pd.DataFrame, *, source: str, prior: Prior | None = None
                     ) -> PersonalData:
    """See the module docstring. ``DataError`` only for a table that is unusable as a
    whole (missing columns, non-numeric values, repeated days)."""
    prior = prior or load_prior()
    notes: dict[str, list[str]] = {}
    table = preprocess.validate(rows, source=source)
    table, implausible = preprocess.exclude_implausible(table)
    last = table.groupby("athlete_id")["date"].transform("max")
    table = table[table["date"] > last - pd.Timedelta(days=MAX_HISTORY_DAYS)]
    table = preprocess.complete_calendar(table)
    table = fallbacks.rmssd_from_sdnn(table, prior, notes)
    table, errors = _usable(table, notes)
    unknown_load = (table["load"].isna() & (table["action"] != 0)).groupby(
        table["athlete_id"]).mean()
    for athlete, share in unknown_load[unknown_load > UNKNOWN_LOAD_WARN].items():
        notes.setdefault(str(athlete), []).append(
            f"training load is unknown on {100 * share:.0f} % of days (typical session loads "
            "stand in): your fatigue, and so the plan, are less certain")
    if table.empty:
        return _nothing(errors, notes, implausible)
    cal = calibrate(table, prior=prior)
    table = fallbacks.fill_from_baselines(table, cal, notes)
    table = fallbacks.fill_recovery(table, cal, notes)
    # the stand-ins leave at most WARN_MISSING of any column to impute: nobody is dropped
    return PersonalData(table=preprocess.impute_table(table), calibration=cal, notes=notes,
                        errors=errors, implausible=implausible)


def _usable(table: pd.DataFrame, notes: dict[str, list[str]]
            ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Leave out athletes missing HRV or resting HR on more than ``MAX_MISSING`` of their
    days (reasons returned); warn above preprocessing's 20 %."""
    errors: dict[str, str] = {}
    gaps = table[["hrv_rmssd_ms", "resting_hr"]].isna()
    share = pd.concat([gaps, gaps.any(axis=1).rename("either")], axis=1).groupby(
        table["athlete_id"]).mean()
    for athlete, row in share.iterrows():
        if row["either"] > MAX_MISSING:
            column = "hrv_rmssd_ms" if row["hrv_rmssd_ms"] >= row["resting_hr"] else "resting_hr"
            what = "HRV" if column == "hrv_rmssd_ms" else "resting HR"
            errors[str(athlete)] = (
                f"{what} is missing on {100 * row[column]:.0f} % of the days recorded (last "
                f"{MAX_HISTORY_DAYS} at most); advice needs it on at least "
                f"{100 * (1 - MAX_MISSING):.0f} %")
        elif row["either"] > WARN_MISSING:
            notes.setdefault(str(athlete), []).append(
                f"HRV or resting HR is missing on {100 * row['either']:.0f} % of days: gaps "
                "were filled from your recent values")
    keep = ~table["athlete_id"].isin(list(errors))
    return table[keep].reset_index(drop=True), errors


def _nothing(errors, notes, implausible) -> PersonalData:
    return PersonalData(table=pd.DataFrame(), calibration=None,  # type: ignore[arg-type]
                        notes=notes, errors=errors, implausible=implausible)
