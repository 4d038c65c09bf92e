"""``recommend``: the stable output, safety, fallbacks, short and stale histories, and never
a recommendation built on garbage."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from periodization.advice.recommend import recommend, recommend_batch
from periodization.core.errors import DataError
from periodization.sim.actions import ACTION_NAMES, SESSION_MINUTES, Action
from tests.ingest.importers.conftest import GOOD
from tests.stand_in import export_rows, write_export

TODAY = dt.date(2026, 3, 1)
KEYS = {"date", "action", "minutes", "zone", "target_load", "probabilities", "masked",
        "drivers", "plan", "warnings"}


@pytest.fixture(scope="module")
def result(year_export, model_dir):
    return recommend(year_export, model=model_dir, today=TODAY)


def test_the_json_is_complete_and_consistent(result):
    assert set(result) >= KEYS
    json.dumps(result, allow_nan=False)
    assert result["date"] == "2026-03-01" and result["action"] in ACTION_NAMES
    probs = result["probabilities"]
    assert list(probs) == list(ACTION_NAMES) and abs(sum(probs.values()) - 1) < 1e-3
    assert result["action"] == max(probs, key=probs.get)
    lo, hi = SESSION_MINUTES[Action[result["action"]]]
    assert lo <= result["minutes"] <= hi
    assert (result["target_load"] > 0) == (result["action"] != "REST")
    assert result["policy"] == "trained model" and result["warnings"] == []
    assert 1 <= len(result["drivers"]) <= 3 and all(isinstance(s, str) for s in result["drivers"])


def test_the_plan_starts_today_and_runs_seven_days(result):
    plan = result["plan"]
    assert [d["date"] for d in plan] == [str(TODAY + dt.timedelta(days=i)) for i in range(7)]
    assert plan[0]["action"] == result["action"]
    assert all(d["action"] in ACTION_NAMES for d in plan)
    assert all(0 <= d["expected_recovery"] <= 100 for d in plan)


def test_calibration_is_reported(result):
    report = result["calibration"]
    assert report["calibrated"] and report["days"] == 365
    w = report["estimated"]["optimal_load"]
    assert w["se"] > 0 and w["interval90"][0] <= w["value"] <= w["interval90"][1]


def test_recommending_is_deterministic(year_export, model_dir, result):
    assert recommend(year_export, model=model_dir, today=TODAY) == result


def test_ill_allows_only_rest_or_active_recovery(year_export, model_dir):
    r = recommend(year_export, model=model_dir, today=TODAY, ill=True)
    assert r["action"] in ("REST", "ACTIVE_RECOVERY")
    masked = {m["action"]: m["reason"] for m in r["masked"]}
    training = {"AEROBIC_BASE", "TEMPO", "HIIT", "STRENGTH"}
    assert set(masked) >= training  # a low recovery this morning may mask more
    assert all("ill or injured" in masked[a] for a in training)
    assert all("ill or injured" not in reason for a, reason in masked.items()
               if a not in training)
    assert all(r["probabilities"][a] == 0 for a in masked)
    assert all(d["action"] in ("REST", "ACTIVE_RECOVERY") for d in r["plan"][:3])
    assert any("ill" in s for s in r["drivers"])


def test_old_data_are_flagged(year_export, model_dir):
    r = recommend(year_export, model=model_dir, today=TODAY + dt.timedelta(days=40))
    assert any("40 days ago" in w for w in r["warnings"])


def test_short_history_answers_with_the_rule_baseline(tmp_path, model_dir):
    path = write_export(tmp_path / "short.csv", export_rows(athletes=1, days=10, seed=5))
    r = recommend(path, model=model_dir, today=TODAY)
    assert r["policy"] == "rule-based baseline" and r["action"] in ACTION_NAMES
    assert any("at least 14" in w for w in r["warnings"])
    assert sorted(r["probabilities"].values())[-1] == 1.0
    assert r["calibration"]["calibrated"] is False


def test_implausible_values_are_excluded_not_used(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=120, seed=6)
    rows.loc[rows.index[-1], "hrv_rmssd_ms"] = 900.0  # today's HRV: a unit error
    rows.loc[rows.index[10], "resting_hr"] = 300.0
    r = recommend(write_export(tmp_path / "bad_today.csv", rows), model=model_dir, today=TODAY)
    assert any("implausible" in w and "hrv_rmssd_ms" in w for w in r["warnings"])
    assert any("this morning's HRV missing" in w for w in r["warnings"])
    assert not any("900" in s for s in r["drivers"])


def test_a_column_without_values_is_refused_in_one_line(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=60, seed=7)
    rows["resting_hr"] = np.nan
    with pytest.raises(DataError, match=r"no_rhr\.csv: resting HR is missing on 100 %") as info:
        recommend(write_export(tmp_path / "no_rhr.csv", rows), model=model_dir, today=TODAY)
    assert "\n" not in str(info.value)


def test_a_column_without_values_is_stood_in_for_when_it_can_be(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=60, seed=7)
    rows["sleep_efficiency"] = np.nan
    rows["recovery"] = np.nan
    r = recommend(write_export(tmp_path / "no_eff.csv", rows), model=model_dir, today=TODAY)
    assert any("sleep efficiency is missing" in w for w in r["warnings"])
    assert any("no recovery score" in w for w in r["warnings"])
    assert r["policy"] == "trained model"


@pytest.mark.parametrize("name, expected", [
    ("whoop", "whoop"), ("oura", "oura"), ("intervals_wellness.csv", "intervals.icu"),
    ("apple/apple_health_export", "apple-health"), ("oura_trends.csv", "oura-trends"),
])
def test_every_import_format_gets_a_recommendation(name, expected, model_dir):
    r = recommend(GOOD / name, model=model_dir, today=TODAY)
    assert r["source_format"] == expected and r["action"] in ACTION_NAMES
    if expected == "apple-health":
        assert r["hrv_kind"] == "sdnn"
        assert any("RMSSD-equivalent" in w for w in r["warnings"])
        assert any("no recovery score" in w for w in r["warnings"])


def test_a_batch_file_needs_recommend_batch(tmp_path, model_dir):
    rows = export_rows(athletes=3, days=40, seed=8)
    path = write_export(tmp_path / "team.csv", rows, with_id=True)
    with pytest.raises(DataError, match="holds 3 athletes"):
        recommend(path, model=model_dir)
    out = recommend_batch(path, model=model_dir, today=TODAY)
    assert [r["athlete_id"] for r in out] == ["A0000", "A0001", "A0002"]
    single = recommend(write_export(tmp_path / "A0001.csv", rows[rows.athlete_id == "A0001"]),
                       model=model_dir, today=TODAY)
    for key in ("action", "probabilities", "plan", "drivers"):
        assert out[1][key] == single[key], key


def test_the_recommend_path_does_not_import_torch(year_export, model_dir):
    code = ("import sys; from periodization.advice.recommend import recommend; "
            f"recommend({str(year_export)!r}, model={str(model_dir)!r}); "
            "print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_features_today_match_the_table_path(year_export, model_dir, result):
    """The last morning's features come from the one implementation, incrementally."""
    from periodization.calibration.personal import prepare_personal
    from periodization.features.table import features_for_table
    from periodization.ingest.inputs import read_inputs

    personal = prepare_personal(read_inputs(year_export).rows, source="t")
    raw = features_for_table(personal.table, pop=personal.calibration.params.pop).raw[-1]
    assert pd.Series(raw).notna().all()
    assert result["plan"][0]["expected_tsb"] == pytest.approx(raw[7], abs=0.06)


def test_unknown_loads_are_warned_about(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=60, seed=12)
    rows["load"] = np.nan  # a log of sessions without their load
    r = recommend(write_export(tmp_path / "no_load.csv", rows), model=model_dir, today=TODAY)
    assert any("training load is unknown" in w for w in r["warnings"])
    assert r["target_load"] >= 0
