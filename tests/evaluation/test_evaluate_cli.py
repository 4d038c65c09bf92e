from __future__ import annotations

import json
import subprocess
import sys

import pytest

from periodization.cohort.synth import save_cohort


@pytest.fixture(scope="module")
def cohort_dir(tmp_path_factory, small_cohort):
    path = tmp_path_factory.mktemp("cohort")
    save_cohort(small_cohort, path, force=True)
    return path


def run(*args):
    return subprocess.run([sys.executable, "-m", "periodization.cli", "evaluate", *args],
                          capture_output=True, text=True)


def test_json_output_is_a_stable_interface(cohort_dir):
    r = run("--policy", "rest", "--policy", "whoop", "--episodes", "6", "--seed", "2",
            "--cohort", str(cohort_dir), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert list(out) == ["rest", "whoop"]
    for s in out.values():
        assert {"episodes", "outcome_pct", "outcome_pct_ci95", "return", "violations",
                "days_overreached", "days_ill", "action_share"} <= set(s)
        assert s["episodes"] == 6 and len(s["outcome_pct_ci95"]) == 2
        assert abs(sum(s["action_share"].values()) - 1) < 1e-9
    assert out["rest"]["action_share"]["REST"] == 1.0


def test_fresh_athletes_by_default_with_per_athlete_lists(cohort_dir):
    r = run("--policy", "rest", "--policy", "whoop", "--athletes", "5",
            "--blocks-per-athlete", "2", "--cohort", str(cohort_dir), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    rest, whoop = out["rest"]["per_athlete"], out["whoop"]["per_athlete"]
    keys = ["athlete", "outcome_pct", "overreached_days", "ill_days", "injured_days",
            "hard_sessions"]
    assert list(rest) == keys and all(len(rest[k]) == 5 for k in keys)
    assert rest["athlete"] == whoop["athlete"] and len(set(rest["athlete"])) == 5
    assert all(a.startswith("prior-") for a in rest["athlete"])  # not cohort athletes
    assert out["rest"]["athletes"] == 5 and out["rest"]["episodes"] == 10
    assert rest["hard_sessions"] == [0.0] * 5 and out["rest"]["hard_share"] == 0.0
    # the summary's mean is the mean of the athletes' figures (equal blocks per athlete)
    assert abs(sum(whoop["outcome_pct"]) / 5 - out["whoop"]["outcome_pct"]) < 1e-9


@pytest.mark.parametrize("args, message", [
    (["--policy", "rest", "--athletes", "0"], "--athletes must be at least 1"),
    (["--policy", "rest", "--athletes", "3", "--split", "test"], "exclude each other"),
    (["--policy", "rest", "--episodes", "3", "--prior", "x.yaml"], "--prior draws fresh"),
    (["--policy", "nonsense"], "unknown policy 'nonsense'"),
    (["--policy", "rest", "--cohort", "/no/such/cohort"], "cohort directory not found"),
    (["--policy", "rest", "--split", "holdout"], "unknown split 'holdout'"),
    (["--policy", "rest", "--episodes", "0"], "--episodes must be at least 1"),
])
def test_bad_arguments_give_one_line_and_exit_2(cohort_dir, args, message):
    extra = [] if "--cohort" in args else ["--cohort", str(cohort_dir)]
    r = run(*args, *extra)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_directory_that_is_not_a_cohort(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    r = run("--policy", "rest", "--cohort", str(tmp_path))
    assert r.returncode == 2 and "not a cohort directory" in r.stderr
