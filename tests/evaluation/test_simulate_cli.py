"""``periodize simulate``: the plan syntax, the JSON interface, the trace, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

from periodization.core.errors import UserError
from periodization.evaluation.plan import load_plan, parse_plan_text
from periodization.evaluation.simulate_trace import SCHEMA
from periodization.sim.actions import Action


def periodize(*args):
    return subprocess.run([sys.executable, "-m", "periodization.cli", "simulate", *args],
                          capture_output=True, text=True)


def test_plan_names_abbreviations_and_minutes():
    plan = parse_plan_text("r, Ae:90 ,HIIT,tempo:40.5,ST,active_recovery, AR")
    assert plan.actions.tolist() == [Action.REST, Action.AEROBIC_BASE, Action.HIIT,
                                     Action.TEMPO, Action.STRENGTH, Action.ACTIVE_RECOVERY,
                                     Action.ACTIVE_RECOVERY]
    usual = np.nan  # each athlete's own usual minutes of the session
    np.testing.assert_array_equal(plan.minutes, [0, 90, usual, 40.5, usual, usual, usual])
    assert plan.fill(9).entries()[-2:] == ["REST", "AEROBIC_BASE:90"]


def test_a_plan_file_has_one_entry_per_line_and_comments(tmp_path):
    f = tmp_path / "week.txt"
    f.write_text("# an easy week\nREST\nAE:75   # long-ish\n\nHI:25\n")
    plan = load_plan(str(f))
    assert plan.entries() == ["REST", "AEROBIC_BASE:75", "HIIT:25"]


@pytest.mark.parametrize("text, message", [
    ("AE,SPRINT", "unknown action 'SPRINT'"),
    ("AE:0", "minutes must be in (0, 300]"),
    ("AE:-5", "minutes must be in (0, 300]"),
    ("HI:301", "minutes must be in (0, 300]"),
    ("HI:nan", "minutes must be in (0, 300]"),
    ("HI:ten", "minutes must be a number"),
    ("REST:30", "REST takes no minutes"),
    ("AE,,HI", "empty entry"),
    ("plans/missing.txt", "plan file not found"),
])
def test_bad_plans_are_user_errors(text, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace("]", r"\]")):
        load_plan(text)


def test_json_shape_and_trace_schema(tmp_path):
    trace = tmp_path / "trace.parquet"
    r = periodize("--plan", "R,AE:90,HI", "--days", "10", "--athletes", "7", "--seed", "3",
                  "--trace", str(trace), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["athletes"] == 7 and out["days"] == 10
    for key in ("outcome_pct", "last_morning_pct"):
        assert set(out[key]) == {"mean", "ci95"} and len(out[key]["ci95"]) == 2
        low, high = out[key]["ci95"]
        assert low <= out[key]["mean"] <= high
    lists = out["per_athlete"]
    assert set(lists) == {"outcome_pct", "last_morning_pct", "overreached_days", "ill_days",
                          "injured_days", "hard_sessions"}
    assert {len(v) for v in lists.values()} == {7}
    assert np.isclose(np.mean(lists["outcome_pct"]), out["outcome_pct"]["mean"])
    # the plan repeats: days 2, 5, 8 are HIIT, so 3 hard sessions unless ill
    assert max(lists["hard_sessions"]) == 3
    table = pq.read_table(trace)
    assert table.schema.equals(SCHEMA, check_metadata=False)
    assert table.num_rows == 7 * 11
    frame = table.to_pandas()
    assert frame.groupby("athlete")["day"].apply(list).map(lambda d: d == list(range(11))).all()
    last = frame[frame["day"] == 10]
    assert last["action"].isna().all() and last["load"].isna().all()
    assert frame[frame["day"] < 10]["action"].notna().all()
    assert (frame["date"].iloc[0].weekday(), frame["weekday"].iloc[0]) == (0, 0)
    # the trace's end figures are the JSON's
    first = frame[frame["day"] == 0]["test_performance"].to_numpy()
    end = last["test_performance"].to_numpy()
    np.testing.assert_allclose(100 * (end - first) / first, lists["outcome_pct"])


def test_text_output_shows_injury_beside_illness_and_usual_minutes():
    r = periodize("--plan", "AE,HI:30", "--days", "3", "--athletes", "2")
    assert r.returncode == 0, r.stderr
    assert "outcome" in r.stdout and "days injured" in r.stdout and "days ill" in r.stdout
    # a session without minutes lasts each athlete's own usual minutes: no number shown
    assert "AEROBIC_BASE, HIIT:30" in r.stdout or "AEROBIC_BASE,HIIT:30" in r.stdout


@pytest.mark.parametrize("args, message", [
    (["--plan", "AE,JOG"], "unknown action 'JOG'"),
    (["--plan", "AE:0"], "minutes must be in (0, 300]"),
    (["--plan", "HI:400"], "minutes must be in (0, 300]"),
    (["--plan", "AE", "--athletes", "0"], "--athletes must be between 1"),
    (["--plan", "AE", "--days", "0"], "--days must be between 1"),
    (["--plan", "AE", "--seed", "-1"], "--seed must be between 0"),
    (["--plan", "AE", "--prior", "BAD"], "missing athlete parameter"),
    (["--plan", "AE", "--prior", "/no/such/prior.yaml"], "prior file not found"),
    (["--plan", "AE", "--trace", "/no/such/dir/t.parquet"], "directory not found"),
])
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, message):
    if "BAD" in args:
        bad = tmp_path / "prior.yaml"
        bad.write_text("schema: 2\nathlete: {}\npopulation: {}\n")
        args = [str(bad) if a == "BAD" else a for a in args]
    r = periodize(*args, "--athletes", "2") if "--athletes" not in args else periodize(*args)
    assert r.returncode == 2, r.stdout
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_bad_input_leaves_an_earlier_trace_alone(tmp_path):
    trace = tmp_path / "trace.parquet"
    assert periodize("--plan", "AE", "--days", "2", "--athletes", "2", "--trace",
                     str(trace)).returncode == 0
    before = trace.read_bytes()
    r = periodize("--plan", "AE:0", "--athletes", "2", "--trace", str(trace))
    assert r.returncode == 2 and trace.read_bytes() == before


def test_the_documented_trace_columns_are_the_schema():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "simulate.md").read_text()
    section = doc.split("## The trace", 1)[1].split("\n## ", 1)[0]
    documented = [line.split("`")[1] for line in section.splitlines()
                  if line.startswith("| `")]
    assert documented == SCHEMA.names
