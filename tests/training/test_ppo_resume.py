"""PPO ``--resume``: killed part-way and resumed, or extended, a run ends with the same
weights and metrics as one trained without a break."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sb3_contrib")

from periodization.core.errors import UserError
from periodization.training import launch
from periodization.training.config import PPOConfig, from_dict, to_dict
from periodization.training.launch import run_training
from tests.training.conftest import tiny_config
from tests.training.test_resume import KillAt, Killed, assert_same_tensors, metrics


def ppo_config(cohort_dir, **ppo):
    """8 episodes, 2 envs (4 rounds of 90 days), checkpoints every 2 rounds; rollouts of one
    block per env, so checkpoints fall on rollout ends and the round after a checkpoint
    reports the losses of the update before it."""
    base = to_dict(tiny_config(cohort_dir, algo="ppo", episodes=8,
                               checkpoint_every_episodes=4))
    settings = {"n_steps": 90, "batch_size": 30, "n_epochs": 2, "hidden": (16, 16), **ppo}
    base["ppo"] = to_dict(PPOConfig(**settings))
    return from_dict(base)


def final_state(run):
    import torch

    return torch.load(run / "checkpoints" / "last.pt", weights_only=True)


def assert_same_run(a, b):
    state_a, state_b = final_state(a), final_state(b)
    assert_same_tensors(state_a["agent"], state_b["agent"])
    assert state_a["progress"] == state_b["progress"]
    assert_same_tensors(state_a["trainer"]["rng"], state_b["trainer"]["rng"], "rng")
    assert metrics(a) == metrics(b)
    for name in ("weight_0", "weight_2", "bias_2"):
        np.testing.assert_array_equal(np.load(a / "actor.npz")[name],
                                      np.load(b / "actor.npz")[name])


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, cohort_dir):
    out = tmp_path_factory.mktemp("ppo") / "run"
    summary = run_training(out=out, config=ppo_config(cohort_dir), quiet=True)
    assert summary["episodes"] == 8 and summary["updates"] > 0
    return out


def test_killed_ppo_run_resumes_exactly(uninterrupted, tmp_path, cohort_dir, monkeypatch):
    out = tmp_path / "run"
    original = launch.default_callbacks

    def with_kill(config, *, quiet, hooks=()):  # die in round 4, last.pt is from round 2
        callbacks = original(config, quiet=quiet, hooks=hooks)
        callbacks.callbacks.insert(0, KillAt(env_steps=3 * 180 + 50))
        return callbacks

    monkeypatch.setattr(launch, "default_callbacks", with_kill)
    with pytest.raises(Killed):
        run_training(out=out, config=ppo_config(cohort_dir), quiet=True)
    assert final_state(out)["progress"]["episodes"] == 4
    assert [int(r["episodes"]) for r in metrics(out)] == [2, 4, 6]
    monkeypatch.setattr(launch, "default_callbacks", original)
    summary = run_training(out=out, resume=True, quiet=True)
    assert summary["episodes"] == 8
    assert_same_run(uninterrupted, out)


def test_extended_ppo_run_equals_one_long_run(uninterrupted, tmp_path, cohort_dir):
    out = tmp_path / "run"
    run_training(out=out, config=ppo_config(cohort_dir), episodes=4, quiet=True)
    with pytest.raises(UserError, match="already trained 4 episodes"):
        run_training(out=out, resume=True, quiet=True, episodes=4)
    run_training(out=out, resume=True, episodes=8, quiet=True)
    assert_same_run(uninterrupted, out)


def test_ppo_resume_needs_checkpoints_on_rollout_ends(tmp_path, cohort_dir):
    out = tmp_path / "run"
    run_training(out=out, config=ppo_config(cohort_dir, n_steps=40), episodes=4, quiet=True)
    with pytest.raises(UserError, match=r"ppo.n_steps \(40\) to divide .* \(180 per"):
        run_training(out=out, resume=True, episodes=8, quiet=True)


def test_a_sac_checkpoint_in_a_ppo_run_is_one_line(tmp_path, cohort_dir, tiny_run):
    import shutil

    out = tmp_path / "run"
    run_training(out=out, config=ppo_config(cohort_dir), episodes=4, quiet=True)
    shutil.copy(tiny_run / "checkpoints" / "last.pt", out / "checkpoints" / "last.pt")
    with pytest.raises(UserError, match="not a PPO checkpoint"):
        run_training(out=out, resume=True, episodes=8, quiet=True)
