"""MaskablePPO writes the same run directory, which serves as a policy like SAC's."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sb3_contrib")
import torch

from periodization.agents.artifacts import load_actor
from periodization.cohort.cache import prepared_cohort
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.training.config import PPOConfig, from_dict, to_dict
from periodization.training.launch import run_training
from tests.agents.helpers import random_masks
from tests.training.conftest import tiny_config


def test_ppo_run_directory_is_a_policy(tmp_path, cohort_dir):
    base = to_dict(tiny_config(cohort_dir, algo="ppo"))
    base["ppo"] = to_dict(PPOConfig(n_steps=45, batch_size=30, n_epochs=2, hidden=(16, 16)))
    out = tmp_path / "ppo"
    summary = run_training(out=out, config=from_dict(base), quiet=True)
    assert summary["algo"] == "ppo" and summary["episodes"] == 4
    assert summary["env_steps"] == 360 and summary["updates"] > 0
    for name in ("config.yaml", "run.json", "scaler.json", "actor.npz", "metrics.csv",
                 "checkpoints/best.zip", "checkpoints/last.zip"):
        assert (out / name).is_file(), name
    assert list((out / "tb").glob("events.out.tfevents.*"))
    prepared = prepared_cohort(cohort_dir)
    table = run_episodes(make_policy(str(out), prepared=prepared), episodes=4, seed=1,
                         split="test", cohort=prepared)
    assert table["violations"].sum() == 0
    # the exported numpy actor is the trained network: the same policy as sb3's
    from sb3_contrib import MaskablePPO

    model = MaskablePPO.load(out / "checkpoints" / "best.zip", device="cpu")
    actor = load_actor(out / "actor.npz")
    rng = np.random.default_rng(0)
    obs = rng.normal(scale=2.0, size=(64, 17)).astype(np.float32)
    mask = random_masks(64, rng)
    with torch.no_grad():
        dist = model.policy.get_distribution(torch.as_tensor(obs), action_masks=mask)
        expected = dist.distribution.probs.numpy()
    np.testing.assert_allclose(actor.probabilities(obs, mask), expected, atol=1e-5)
