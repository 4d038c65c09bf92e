"""A tiny end-to-end run: the run directory is complete and is a policy with zero
violations; TensorBoard and metrics carry the promised keys."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import yaml

from periodization.cohort.cache import prepared_cohort
from periodization.env.reward import COMPONENTS
from periodization.policies.learned import load_run_policy
from periodization.policies.registry import make_policy
from periodization.policies.rollout import run_episodes
from periodization.training.callbacks import CSV_COLUMNS
from periodization.training.config import load_config
from tests.training.conftest import tiny_config


@pytest.fixture
def run_dir(tiny_run):
    return tiny_run


def test_the_run_directory_is_complete(run_dir, cohort_dir):
    for name in ("config.yaml", "run.json", "scaler.json", "actor.npz", "metrics.csv",
                 "checkpoints/best.pt", "checkpoints/last.pt"):
        assert (run_dir / name).is_file(), name
    assert list((run_dir / "tb").glob("events.out.tfevents.*"))
    assert len(list((run_dir / "checkpoints").glob("replay-*.npz"))) == 1
    assert load_config(run_dir / "config.yaml") == tiny_config(cohort_dir)
    info = json.loads((run_dir / "run.json").read_text())
    assert info["finished"] and info["algo"] == "sac" and info["features_version"] == 1
    assert {"periodization", "torch", "features_version"} <= set(info["versions"])
    assert info["env_steps"] == 360 and info["wall_s"] > 0 and "outcome_pct" in info["best"]


def test_metrics_csv_has_one_row_per_round(run_dir):
    with (run_dir / "metrics.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["episodes"]) for r in rows] == [2, 4]
    assert all(r["eval_outcome_pct"] != "" and float(r["eval_violations"]) == 0 for r in rows)


def test_tensorboard_has_the_namespaced_scalars(run_dir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    tags = set(EventAccumulator(str(run_dir / "tb")).Reload().Tags()["scalars"])
    wanted = {"train/critic_loss", "train/alpha", "train/entropy", "train/q_mean",
              "eval/outcome_pct", "eval/return", "eval/violations",
              "perf/env_steps_per_s", "perf/updates_per_s"}
    # the shaped reward does not pay the projected terms: training does not compute them
    unpaid = {"medium", "long"}
    wanted |= {f"reward/{c}" for c in COMPONENTS if c not in unpaid}
    assert wanted <= tags
    assert not {f"reward/{c}" for c in unpaid} & tags


def test_a_run_directory_is_a_policy_with_zero_violations(run_dir, cohort_dir):
    prepared = prepared_cohort(cohort_dir)
    policy = make_policy(str(run_dir), prepared=prepared)
    assert policy.name == "tiny"
    table = run_episodes(policy, episodes=6, seed=1, split="test", cohort=prepared)
    assert table["violations"].sum() == 0 and table["outcome_pct"].notna().all()


def test_another_scaler_is_converted(run_dir, cohort_dir):
    from periodization.features.scaler import FeatureScaler

    run_scaler = FeatureScaler.load(run_dir / "scaler.json")
    other = FeatureScaler(mean=run_scaler.mean + 1.0, scale=run_scaler.scale * 2.0)
    direct = load_run_policy(run_dir, env_scaler=run_scaler)
    converted = load_run_policy(run_dir, env_scaler=other)
    rng = np.random.default_rng(0)
    raw = run_scaler.inverse(rng.normal(size=(32, 17)))
    mask = np.ones((32, 6), dtype=bool)
    assert direct.convert is None and converted.convert is not None
    np.testing.assert_array_equal(direct.act(run_scaler.transform(raw), mask),
                                  converted.act(other.transform(raw), mask))


def test_the_config_saved_is_the_resolved_one(run_dir):
    saved = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert saved["train"]["episodes"] == 4 and "torch_threads" not in saved["sac"]


def test_a_run_trained_without_masks_is_evaluated_without_them(tmp_path, cohort_dir):
    """The no-masking ablation: its actor chooses among all actions and the environment
    counts what the rules forbid; a normal run keeps to the mask."""
    import dataclasses

    from periodization.env.constraints import SafetyConfig
    from periodization.policies.learned import load_run_policy
    from periodization.policies.rollout import run_episodes
    from periodization.training.launch import run_training
    from tests.training.conftest import tiny_config

    config = tiny_config(cohort_dir)
    config = dataclasses.replace(config, env=dataclasses.replace(
        config.env, safety=SafetyConfig.all_off()))
    run_training(out=tmp_path / "nomask", config=config, quiet=True)
    policy = load_run_policy(tmp_path / "nomask")
    assert policy.uses_mask is False
    df = run_episodes(policy, episodes=6, seed=0, split="test", cohort=str(cohort_dir))
    assert df["violations"].sum() > 0
