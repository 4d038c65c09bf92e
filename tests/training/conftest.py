"""A saved small cohort and a tiny run configuration shared by the training tests."""

from __future__ import annotations

import pytest

from periodization.agents.config import SACConfig
from periodization.cohort.synth import save_cohort
from periodization.training.config import EnvConfig, RunConfig, TrainConfig


@pytest.fixture(scope="session")
def cohort_dir(tmp_path_factory, small_cohort):
    path = tmp_path_factory.mktemp("cohort")
    save_cohort(small_cohort, path, force=True)
    return path


def tiny_config(cohort_dir, **train) -> RunConfig:
    """2 athletes in lockstep, 16×16 nets: a few seconds per run."""
    settings = dict(episodes=4, learning_starts=90, updates_per_env_step=0.25,
                    eval_every_episodes=2, eval_episodes=4, checkpoint_every_episodes=2)
    settings.update(train)
    return RunConfig(env=EnvConfig(num_envs=2, cohort=str(cohort_dir)),
                     sac=SACConfig(hidden=(16, 16), batch_size=32, buffer_size=10_000),
                     train=TrainConfig(**settings))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, cohort_dir):
    """A finished 4-episode SAC run (treat as read-only; copy it before damaging it)."""
    from periodization.training.launch import run_training

    out = tmp_path_factory.mktemp("runs") / "tiny"
    summary = run_training(out=out, config=tiny_config(cohort_dir), quiet=True)
    assert summary["episodes"] == 4 and summary["env_steps"] == 4 * 90
    return out
