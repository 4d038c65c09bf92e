"""Bad input: one-line errors and exit code 2 for configs, run directories and
checkpoints; another observation space is refused before any shape can clash."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from typer.testing import CliRunner

from periodization.cli import app
from periodization.core.errors import UserError
from periodization.training.checkpoint import load_checkpoint

runner = CliRunner()


def train(*args):
    return runner.invoke(app, ["train", *map(str, args)])


def assert_one_line(result, message):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.fixture
def run_copy(tiny_run, tmp_path):
    return shutil.copytree(tiny_run, tmp_path / "run")


def test_bad_config_names_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("train:\n  epsiodes: 3\n")
    assert_one_line(train("--config", bad, "--out", tmp_path / "r"),
                    "unknown key 'train.epsiodes'")
    bad.write_text("sac:\n  lr_actor: fast\n")
    assert_one_line(train("--config", bad, "--out", tmp_path / "r"),
                    "sac.lr_actor must be a number, got 'fast'")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("args, message", [
    (["--episodes", "0"], "--episodes must be at least 1"),
    (["--episodes", "7"], "must be a multiple of env.num_envs"),
    (["--algo", "dqn"], "--algo must be one of sac or ppo"),
    (["--resume", "--force"], "exclude each other"),
    (["--resume"], "nothing to resume"),
    (["--config", "/no/such.yaml"], "config file not found"),
])
def test_bad_arguments(tmp_path, args, message):
    assert_one_line(train("--out", tmp_path / "r", *args), message)


def test_an_existing_directory_that_is_not_a_run(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert_one_line(train("--out", tmp_path), "exists and is not a run directory")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_finished_run_is_not_overwritten_or_resumed(run_copy):
    assert_one_line(train("--out", run_copy), "already holds a finished run")
    assert_one_line(train("--out", run_copy, "--resume"), "already trained 4 episodes")


def test_a_changed_config_cannot_be_resumed(run_copy, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("train:\n  seed: 5\n")
    assert_one_line(train("--out", run_copy, "--resume", "--config", other),
                    "differs (only --episodes may change)")


def test_missing_or_corrupt_checkpoints(run_copy):
    last = run_copy / "checkpoints" / "last.pt"
    last.write_bytes(last.read_bytes()[:1000])  # a write cut short
    assert_one_line(train("--out", run_copy, "--resume", "--episodes", "8"),
                    "cannot read checkpoint")
    last.write_text("not a checkpoint")
    assert_one_line(train("--out", run_copy, "--resume", "--episodes", "8"),
                    "cannot read checkpoint")
    last.unlink()
    assert_one_line(train("--out", run_copy, "--resume", "--episodes", "8"),
                    "checkpoint not found")
    torch.save({"something": 1}, last)
    with pytest.raises(UserError, match="not a periodization checkpoint"):
        load_checkpoint(last)


def test_a_missing_replay_buffer_is_reported(run_copy):
    for replay in (run_copy / "checkpoints").glob("replay-*.npz"):
        replay.unlink()
    assert_one_line(train("--out", run_copy, "--resume", "--episodes", "8"),
                    "replay buffer not found")


def test_another_observation_space_is_refused(run_copy, cohort_dir):
    info = json.loads((run_copy / "run.json").read_text())
    (run_copy / "run.json").write_text(json.dumps({**info, "features_version": 0}))
    result = runner.invoke(app, ["evaluate", "--policy", str(run_copy), "--episodes", "2",
                                 "--cohort", str(cohort_dir)])
    assert_one_line(result, "trained on observation space v0")
    assert_one_line(train("--out", run_copy, "--resume", "--episodes", "8"),
                    "trained on observation space v0")


def test_a_checkpoint_of_another_observation_space_is_refused(run_copy):
    path = run_copy / "checkpoints" / "best.pt"
    state = torch.load(path, weights_only=True)
    state["versions"]["features_version"] = 99
    torch.save(state, path)
    with pytest.raises(UserError, match="observation space v99"):
        load_checkpoint(path)


def test_a_run_without_an_actor_is_reported(run_copy, cohort_dir):
    (run_copy / "actor.npz").unlink()
    result = runner.invoke(app, ["evaluate", "--policy", str(run_copy), "--episodes", "2",
                                 "--cohort", str(cohort_dir)])
    assert_one_line(result, "no trained actor")


def test_a_missing_ppo_extra_is_named_before_anything_is_written(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sb3_contrib", None)  # import fails as if absent
    monkeypatch.delitem(sys.modules, "periodization.training.ppo", raising=False)
    assert_one_line(train("--out", tmp_path / "r", "--algo", "ppo"),
                    "pip install periodization[ppo]")
    # refused before the run directory or its lock is made
    assert not (tmp_path / "r").exists()


def test_a_bad_cohort_leaves_an_old_run_alone(run_copy, tmp_path):
    before = sorted(p.name for p in run_copy.iterdir())
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"env:\n  cohort: {tmp_path / 'nothing'}\n")
    result = train("--out", run_copy, "--config", bad, "--force")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert sorted(p.name for p in run_copy.iterdir()) == before
