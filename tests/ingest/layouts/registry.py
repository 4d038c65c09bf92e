"""Every supported format's writer, keyed by the format name the importer reports:
``write(format, folder, truth) -> path`` to import. Used by the format tests and by
``benchmarks/recommend_time.py`` (one row per format)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import apple_csv, fitbit, garmin, hrv_apps, intervals, oura, polar, whoop


def _intervals_pair(folder: Path, truth: pd.DataFrame) -> Path:
    intervals.write_wellness(folder / "intervals_wellness.csv", truth)
    intervals.write_activities(folder / "intervals_activities.csv", truth)
    return folder


WRITERS = {
    "whoop": lambda f, t: whoop.write_whoop(f, t),
    "oura-trends": lambda f, t: oura.write_trends(f / "oura_trends.csv", t, seconds=True),
    "oura-api": lambda f, t: oura.write_api(f, t),
    "intervals.icu": lambda f, t: intervals.write_wellness(f / "wellness.csv", t),
    "intervals.icu+intervals.icu-activities": _intervals_pair,
    "garmin-connect": lambda f, t: garmin.write_connect(f, t),
    "garmin-fit": lambda f, t: garmin.write_fit(f, t),
    "fitbit": lambda f, t: fitbit.write_takeout(f, t),
    "polar": lambda f, t: polar.write_flow(f, t),
    "hrv4training": lambda f, t: hrv_apps.write_hrv4training(f / "hrv4training.csv", t),
    "elite-hrv": lambda f, t: hrv_apps.write_elite(f / "elite_hrv_export.csv", t),
    "apple-health-csv": lambda f, t: apple_csv.write_apple_csvs(f, t),
}


def write(fmt: str, folder: Path, truth: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return WRITERS[fmt](folder, truth)
