"""``--resume``: an interrupted-and-resumed run ends with the same numbers as an
uninterrupted one."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch

from periodization.training import callbacks as cb
from periodization.training import launch
from periodization.training.launch import run_training
from tests.training.conftest import tiny_config

# Timing columns differ between any two runs; everything else must match exactly.
TIMING = {"wall_s", "env_steps_per_s", "updates_per_s"}


class Killed(Exception):
    pass


class KillAt(cb.Callback):
    """Simulates a crash part-way through a round."""

    def __init__(self, env_steps: int) -> None:
        self.env_steps = env_steps

    def on_step(self, learner) -> None:
        if learner.env_steps >= self.env_steps:
            raise Killed


def metrics(run):
    with (run / "metrics.csv").open() as fh:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in csv.DictReader(fh)]


def final_state(run):
    state = torch.load(run / "checkpoints" / "last.pt", weights_only=True)
    replay = np.load(next((run / "checkpoints").glob("replay-*.npz")))
    return state, {k: replay[k] for k in replay.files}


def assert_same_tensors(a, b, where="agent"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same_tensors(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, cohort_dir):
    out = tmp_path_factory.mktemp("a") / "run"
    run_training(out=out, config=tiny_config(cohort_dir, episodes=8,
                                             checkpoint_every_episodes=4), quiet=True)
    return out


def assert_same_run(a, b):
    state_a, replay_a = final_state(a)
    state_b, replay_b = final_state(b)
    assert_same_tensors(state_a["agent"], state_b["agent"])
    assert state_a["progress"] == state_b["progress"]
    assert state_a["trainer"]["rng"] == state_b["trainer"]["rng"]
    assert replay_a.keys() == replay_b.keys()
    for k in replay_a:
        np.testing.assert_array_equal(replay_a[k], replay_b[k], err_msg=k)
    assert metrics(a) == metrics(b)
    np.testing.assert_array_equal(np.load(a / "actor.npz")["weight_0"],
                                  np.load(b / "actor.npz")["weight_0"])


def test_killed_then_resumed_equals_uninterrupted(uninterrupted, tmp_path, cohort_dir,
                                                  monkeypatch):
    config = tiny_config(cohort_dir, episodes=8, checkpoint_every_episodes=4)
    out = tmp_path / "run"
    original = launch.default_callbacks

    def with_kill(config, *, quiet, hooks=()):  # die in round 4: last.pt is from episode 4,
        callbacks = original(config, quiet=quiet, hooks=hooks)  # metrics.csv: episode 6
        callbacks.callbacks.insert(0, KillAt(env_steps=3 * 180 + 50))
        return callbacks

    monkeypatch.setattr(launch, "default_callbacks", with_kill)
    with pytest.raises(Killed):
        run_training(out=out, config=config, quiet=True)
    assert [int(r["episodes"]) for r in metrics(out)] == [2, 4, 6]
    monkeypatch.setattr(launch, "default_callbacks", original)
    summary = run_training(out=out, resume=True, quiet=True)
    assert summary["episodes"] == 8
    assert_same_run(uninterrupted, out)


def test_extending_a_finished_run_equals_one_long_run(uninterrupted, tmp_path, cohort_dir):
    out = tmp_path / "run"
    config = tiny_config(cohort_dir, episodes=8, checkpoint_every_episodes=4)
    run_training(out=out, config=config, episodes=4, quiet=True)
    run_training(out=out, resume=True, episodes=8, quiet=True)
    assert_same_run(uninterrupted, out)
