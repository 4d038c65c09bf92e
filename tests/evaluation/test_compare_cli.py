"""``periodize compare`` from the command line: the report and its table, and one line with
exit code 2 for every bad input, with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from periodization.cli import app
from periodization.cohort.synth import save_cohort


@pytest.fixture(scope="module")
def cohort_dir(tmp_path_factory, small_cohort):
    path = tmp_path_factory.mktemp("cohort")
    save_cohort(small_cohort, path, force=True)
    return path


def compare(*args: str):
    return CliRunner().invoke(app, ["compare", *args])


def test_baselines_only_writes_the_report_and_prints_the_table(cohort_dir, tmp_path):
    out = tmp_path / "report"
    r = compare("--baselines", "rest,whoop,hrv", "--episodes", "3", "--seed", "2",
                "--cohort", str(cohort_dir), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "* best heuristic" in r.output and "rest" in r.output and "95 % CI" in r.output
    assert f"report: {out / 'index.html'}" in r.output.replace("\n", "")
    assert (out / "index.html").is_file()
    again = compare("--baselines", "rest", "--episodes", "2", "--cohort", str(cohort_dir),
                    "--out", str(out), "--force", "--json")
    assert again.exit_code == 0, again.output
    assert list(json.loads(again.output)["policies"]) == ["rest"]


@pytest.mark.parametrize("args, message", [
    (["--runs", "/no/such/run"], "run directory not found: /no/such/run"),
    (["--runs", "{empty}"], "not a run directory (no run.json)"),
    (["--baselines", "none"], "no policy to compare"),
    (["--baselines", "whoop,coach"], "unknown baseline 'coach'"),
    (["--ablation", "v1"], "--ablation expects NAME=RUN_DIR"),
    (["--episodes", "0"], "--episodes must be at least 1"),
])
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    args = [a.replace("{empty}", str(tmp_path / "empty")) for a in args]
    r = compare(*args, "--out", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: {message}") and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_real_process_exits_2_without_a_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "periodization.cli", "compare", "--runs",
                        str(tmp_path), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr == f"error: not a run directory (no run.json): {tmp_path}\n"


def test_an_output_directory_with_other_files_is_left_alone(cohort_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    r = compare("--baselines", "rest", "--episodes", "2", "--cohort", str(cohort_dir),
                "--out", str(out))
    assert r.exit_code == 2 and "already holds 'thesis.tex'; use --force" in r.stderr
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_help_does_not_import_matplotlib():
    code = ("import sys; from periodization.cli import app; "
            "print('matplotlib' in sys.modules, 'torch' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.split() == ["False", "False"]


def test_fresh_athletes_with_the_packaged_model(cohort_dir, tmp_path):
    out = tmp_path / "fresh"
    r = compare("--baselines", "rest,whoop", "--policy", "default", "--athletes", "4",
                "--blocks-per-athlete", "2", "--cohort", str(cohort_dir), "--out", str(out),
                "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["athletes"] == 4 and summary["episodes"] == 8
    assert summary["method"]["mode"] == "prior" and "default" in summary["agents"]
    assert summary["agents"]["default"]["vs"]["whoop"]["athletes"] == 4  # tests: 4 athletes
    best = summary["best_policy"]
    for name, s in summary["policies"].items():
        assert s["athletes"] == 4 and 0.0 <= s["hard_share"] <= 1.0
        assert (s["vs_best"] is None) == (name == best)
    html = (out / "index.html").read_text()
    assert "rests on these <b>4 athletes</b>" in html and "4 fresh athletes" in html
    episodes = pd.read_csv(out / "episodes.csv")
    assert episodes.groupby("policy")["athlete_id"].nunique().eq(4).all()


def test_a_model_directory_is_an_agent_of_its_own(cohort_dir, tmp_path):
    """``--policy DIR`` takes a model directory (an ensemble, a copy of the packaged model)
    under the directory's name; a copy of the packaged model plays exactly as ``default``."""
    import shutil

    from periodization.agents.artifacts import default_model_dir

    model = tmp_path / "my-model"
    shutil.copytree(default_model_dir(), model)
    r = compare("--baselines", "rest", "--policy", "default", "--policy", str(model),
                "--athletes", "3", "--cohort", str(cohort_dir), "--out", str(tmp_path / "r"),
                "--json")
    assert r.exit_code == 0, r.output
    outcome = {name: s["metrics"]["outcome_pct"]["mean"]
               for name, s in json.loads(r.output)["policies"].items()}
    assert outcome["my-model"] == outcome["default"] != outcome["rest"]
    (model / "actor.npz").unlink()  # a directory without an actor is not a model
    bad = compare("--policy", str(model), "--out", str(tmp_path / "r2"))
    assert bad.exit_code == 2 and "--policy expects a model directory" in bad.output
