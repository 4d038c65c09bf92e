"""Stand-ins for wearable columns a source lacks, applied before preprocessing.

Preprocessing drops an athlete missing more than 20 % of any wearable column, and some
exports lack whole columns (Apple Health: no recovery, HRV as SDNN; intervals.icu: no
sleep efficiency). When a column is missing on more than ``SHARE`` of an athlete's days,
its missing cells are filled here, flagged in ``<column>_estimated`` and named in a
warning; a column missing less is left to preprocessing's imputation.

* **RMSSD from SDNN** (``rmssd_from_sdnn``): SDNN and RMSSD are different statistics and
  never share a baseline, so they are never mixed in one series: only an athlete with
  no RMSSD at all gets the stand-in, on every day with SDNN. Each SDNN reading becomes
  a personal z-score (against the athlete's own ln SDNN mean and SD), mapped onto the
  population's RMSSD scale:
  ln RMSSD = ln(median baseline) + z · (median day-to-day SD). Day-to-day changes are the
  athlete's own; the absolute level is the population's.
* **Sleep and efficiency** (``fill_from_baselines``): the athlete's calibrated baseline,
  which is the population's typical value when the athlete has (almost) none.
* **Recovery** (``fill_recovery``): the model's own score (``dynamics.recovery_score``)
  from the morning's HRV, RHR and sleep against the calibrated personal baselines, so it
  is on the scale the simulated athletes, and the trained model, know.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from periodization.calibration.calibrate import Calibration
from periodization.ingest.preprocess import MAX_MISSING_SHARE
from periodization.sim import dynamics
from periodization.sim.prior import Prior
from periodization.sim.prior_stats import typical_value

SHARE = MAX_MISSING_SHARE
Notes = dict[str, list[str]]


def _missing_share(table: pd.DataFrame, column: str) -> pd.Series:
    """(rows,) share of the row's athlete's days on which ``column`` is missing."""
    values = table[column] if column in table.columns else pd.Series(np.nan, index=table.index)
    return values.isna().groupby(table["athlete_id"]).transform("mean")


def _note(notes: Notes, ids: pd.Series, message: str) -> None:
    for athlete in pd.unique(ids):
        notes.setdefault(str(athlete), []).append(message)


def rmssd_from_sdnn(table: pd.DataFrame, prior: Prior, notes: Notes) -> pd.DataFrame:
    """RMSSD from SDNN for athletes without any RMSSD (see the module docstring)."""
    out = table.copy()
    out["hrv_rmssd_ms_estimated"] = False
    if "hrv_sdnn_ms" not in out.columns:
        return out
    ln_sdnn = np.log(out["hrv_sdnn_ms"].where(out["hrv_sdnn_ms"] > 0))
    group = ln_sdnn.groupby(out["athlete_id"])
    z = (ln_sdnn - group.transform("mean")) / group.transform("std").clip(lower=0.02)
    base = np.log(typical_value(prior.athlete["hrv_baseline_ms"]))
    sd = typical_value(prior.athlete["hrv_noise_log"])
    no_rmssd = _missing_share(out, "hrv_rmssd_ms") >= 1.0  # never mixed with real RMSSD
    fill = no_rmssd & z.notna()
    if fill.any():
        out.loc[fill, "hrv_rmssd_ms"] = np.exp(base + sd * z[fill])
        out.loc[fill, "hrv_rmssd_ms_estimated"] = True
        _note(notes, out.loc[fill, "athlete_id"],
              "HRV was recorded as SDNN, not RMSSD: an RMSSD-equivalent on the population's "
              "scale was derived from your own day-to-day SDNN changes; absolute HRV values "
              "shown are not yours")
    return out


def fill_from_baselines(table: pd.DataFrame, cal: Calibration, notes: Notes) -> pd.DataFrame:
    """Fill mostly-missing sleep hours and efficiency with each athlete's baseline."""
    out = table.copy()
    row = _athlete_rows(out, cal)
    for column, key, what in (
            ("sleep_hours", "sleep_baseline_hours", "sleep duration"),
            ("sleep_efficiency", "sleep_efficiency_baseline", "sleep efficiency")):
        flag = f"{column}_estimated"
        out[flag] = False
        fill = (_missing_share(out, column) > SHARE) & out[column].isna()
        if fill.any():
            out.loc[fill, column] = getattr(cal.params, key)[row[fill.to_numpy()]]
            out.loc[fill, flag] = True
            _note(notes, out.loc[fill, "athlete_id"],
                  f"{what} is missing on more than {100 * SHARE:.0f} % of days: your usual "
                  "value (or a typical one) stands in for it")
    return out


def fill_recovery(table: pd.DataFrame, cal: Calibration, notes: Notes) -> pd.DataFrame:
    """Fill mostly-missing recovery with the model's score against personal baselines."""
    out = table.copy()
    out["recovery_estimated"] = False
    fill = ((_missing_share(out, "recovery") > SHARE) & out["recovery"].isna()).to_numpy()
    if fill.any():
        row = _athlete_rows(out, cal)[fill]
        with np.errstate(divide="ignore", invalid="ignore"):
            ln_hrv = np.log(out["hrv_rmssd_ms"].to_numpy(dtype=np.float64)[fill])
        score = dynamics.recovery_score(
            ln_hrv, out["resting_hr"].to_numpy(dtype=np.float64)[fill],
            out["sleep_hours"].to_numpy(dtype=np.float64)[fill], cal.params, row)
        out.loc[fill, "recovery"] = score
        out.loc[fill, "recovery_estimated"] = np.isfinite(score)
        share = _missing_share(table, "recovery")
        for athlete in pd.unique(out.loc[fill, "athlete_id"]):
            missing = float(share[table["athlete_id"] == athlete].iloc[0])
            what = ("no recovery score in this export" if missing >= 1.0 else
                    f"the export's recovery score is missing on {100 * missing:.0f} % of days")
            notes.setdefault(str(athlete), []).append(
                f"{what}: on those days it is computed from your HRV, resting HR and sleep "
                "against your own baselines (the coach's formula, not your wearable's)")
    return out


def _athlete_rows(table: pd.DataFrame, cal: Calibration) -> np.ndarray:
    """(rows,) index into the calibration's athletes of each table row."""
    ids = np.asarray(cal.athlete_ids)  # sorted (np.unique order)
    return np.searchsorted(ids, table["athlete_id"].to_numpy().astype(str))
