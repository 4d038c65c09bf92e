"""``periodize recommend`` on the command line: readable and JSON output, batches, and bad
input of every kind answered by one line naming the file and the problem, exit code 2."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from periodization.cli import app
from tests.ingest.importers.conftest import BAD, GOOD
from tests.stand_in import export_rows, make_model, write_export

runner = CliRunner()
BATCH_FILES = {"generic_two_athletes.csv"}  # a CSV with two athletes is a batch, not an error


def invoke(*args):
    return runner.invoke(app, ["recommend", *map(str, args)])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)  # never a traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert result.stdout == ""  # never a recommendation
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_readable_output(year_export, model_dir):
    r = invoke("--data", year_export, "--model", model_dir)
    assert r.exit_code == 0, r.stderr
    for text in ("What stands out today", "The coach's probabilities", "Plan, 7 days",
                 "not medical advice"):
        assert text in r.stdout


def test_json_output(year_export, model_dir):
    r = invoke("--data", year_export, "--model", model_dir, "--json", "--plan-days", "3")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["plan"]) == 3 and out["action"] in out["probabilities"]


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()
                                        if p.name not in BATCH_FILES))
def test_bad_file_gives_one_line_and_exit_2(name, model_dir):
    assert_one_line_error(invoke("--data", BAD / name, "--model", model_dir), name)


def test_corpus_is_large_enough():
    assert len([p for p in BAD.iterdir() if p.name not in BATCH_FILES]) >= 30


@pytest.mark.parametrize("setup, fragment", [
    (lambda d: d / "nowhere", "model directory not found"),
    (lambda d: (d / "file.txt").write_text("x") and d / "file.txt", "is not a model directory"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "holds no trained actor"),
])
def test_missing_or_invalid_model(setup, fragment, tmp_path, year_export):
    assert_one_line_error(invoke("--data", year_export, "--model", setup(tmp_path)), fragment)


def test_corrupt_actor_and_foreign_observation_space(tmp_path, year_export, model_dir):
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "actor.npz").write_bytes(b"not a zip")
    assert_one_line_error(invoke("--data", year_export, "--model", broken), "actor.npz")
    old = tmp_path / "old"
    shutil.copytree(model_dir, old)
    scaler = json.loads((old / "scaler.json").read_text())
    scaler["features_version"] = 0
    (old / "scaler.json").write_text(json.dumps(scaler))
    assert_one_line_error(invoke("--data", year_export, "--model", old),
                          "observation space v0", "retrain")


def test_an_actor_for_another_observation_space(tmp_path, year_export, prepared_small):
    from periodization.agents.artifacts import save_model

    rng = np.random.default_rng(0)
    weights = {"weight_0": rng.normal(size=(8, 16)), "bias_0": np.zeros(8),
               "weight_1": rng.normal(size=(6, 8)), "bias_1": np.zeros(6)}
    folder = save_model(tmp_path / "m16", weights=weights, scaler=prepared_small.scaler)
    assert_one_line_error(invoke("--data", year_export, "--model", folder),
                          "maps 16 features", "retrain")


def test_missing_default_model_is_one_clear_line(monkeypatch, tmp_path, year_export):
    from periodization.agents import artifacts as exported

    monkeypatch.setattr(exported, "default_model_dir", lambda: tmp_path / "absent")
    assert_one_line_error(invoke("--data", year_export), "no default model is installed",
                          "--model")


def test_default_model_is_used_when_present(monkeypatch, tmp_path, year_export,
                                            prepared_small):
    from periodization.agents import artifacts as exported

    folder = make_model(tmp_path / "default", prepared_small.scaler)
    monkeypatch.setattr(exported, "default_model_dir", lambda: folder)
    r = invoke("--data", year_export, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["model"] == "default model"


def test_plan_days_out_of_range(year_export, model_dir):
    assert_one_line_error(invoke("--data", year_export, "--model", model_dir,
                                 "--plan-days", "0"), "--plan-days")


def test_a_folder_of_athletes_with_one_bad_export(tmp_path, model_dir):
    team = tmp_path / "team"
    team.mkdir()
    rows = export_rows(athletes=3, days=30, seed=9)
    for athlete, part in rows.groupby("athlete_id"):
        write_export(team / f"{athlete}.csv", part)
    shutil.copy(BAD / "generic_text_hrv.csv", team / "broken.csv")
    shutil.copytree(GOOD / "whoop", team / "whoop_athlete")
    r = invoke("--data", team, "--model", model_dir, "--json")
    assert r.exit_code == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["athlete_id"] for o in out] == ["A0000", "A0001", "A0002", "broken",
                                             "whoop_athlete"]
    assert "holds no numbers" in out[3]["error"] and "action" not in out[3]
    assert out[4]["source_format"] == "whoop"
    table = invoke("--data", team, "--model", model_dir)
    assert table.exit_code == 0 and "not advised" in table.stdout


def test_a_batch_where_nobody_can_be_advised_exits_2(tmp_path, model_dir):
    team = tmp_path / "team"
    team.mkdir()
    for name in ("ann.csv", "bob.csv"):  # two exports of one format: a team
        shutil.copy(BAD / "header_only.csv", team / name)
    r = invoke("--data", team, "--model", model_dir)
    assert r.exit_code == 2 and "no athlete's export could be read" in r.stderr


def test_one_export_beside_a_broken_file_is_one_athlete_not_a_team(tmp_path, model_dir):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(BAD / "empty.csv", folder / "empty.csv")
    shutil.copy(BAD / "header_only.csv", folder / "header_only.csv")
    r = invoke("--data", folder, "--model", model_dir)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "header_only.csv: only a header" in r.stderr and "(read as the generic CSV)" in r.stderr
