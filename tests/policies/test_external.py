"""Policies from outside the project through ``evaluate`` and ``compare``: Python callables,
objects with ``act``, ``module:attr`` and SB3 ``model.zip`` files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from periodization.cli import app
from periodization.core.errors import UserError
from periodization.evaluation.evaluate import evaluate_policies
from periodization.features.daily import N_FEATURES
from tests.policies.sample_policies import HardestAllowed, always_hiit, always_rest

COLUMNS = ["outcome_pct", "return", "violations", "days_ill", "n_REST", "n_HIIT"]


def _rows(table, name):
    return table[table["policy"] == name][COLUMNS].to_numpy()


def test_python_callables_and_objects_are_evaluated_like_baselines(env_cohort):
    table = evaluate_policies(["rest", always_rest, always_hiit, HardestAllowed()],
                              episodes=4, seed=1, cohort=env_cohort)
    assert list(table["policy"].unique()) == ["rest", "always_rest", "always_hiit", "hardest"]
    assert np.array_equal(_rows(table, "rest"), _rows(table, "always_rest"))
    # the mask is ignored: masked days are carried out as REST and counted
    assert (table[table["policy"] == "always_hiit"]["violations"] > 0).all()
    assert (table[table["policy"] == "hardest"]["violations"] == 0).all()


def test_module_attr_on_the_command_line(env_cohort, monkeypatch):
    import periodization.cohort.cache as cache

    monkeypatch.setattr(cache, "prepared_cohort", lambda cohort=None: env_cohort)
    result = CliRunner().invoke(app, [
        "evaluate", "--policy", "rest", "--policy",
        "tests.policies.sample_policies:always_rest", "--policy",
        "tests.policies.sample_policies:HardestAllowed", "--episodes", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert list(summary) == ["rest", "always_rest", "HardestAllowed"]
    assert summary["rest"]["outcome_pct"] == summary["always_rest"]["outcome_pct"]


@pytest.mark.parametrize("spec, message", [
    ("no_such_module_xyz:policy", "cannot import 'no_such_module_xyz'"),
    ("tests.policies.sample_policies:nothing", "has no attribute 'nothing'"),
    ("sb3:/no/such/model.zip", "SB3 model not found"),
])
def test_bad_external_policies_are_one_line_errors(env_cohort, spec, message):
    with pytest.raises(UserError, match=message):
        evaluate_policies([spec], episodes=1, seed=0, cohort=env_cohort)


def test_the_same_name_twice_is_refused(env_cohort):
    with pytest.raises(UserError, match="two policies are named 'always_rest'"):
        evaluate_policies([always_rest, always_rest], episodes=1, seed=0, cohort=env_cohort)


@pytest.fixture(scope="module")
def sb3_models(tmp_path_factory, env_cohort):
    """A tiny MaskablePPO and an unmasked PPO trained on the batched env (a few updates)."""
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO

    from periodization.env.sb3 import SB3VecEnv
    from periodization.env.vector_env import PeriodizationVectorEnv

    root = tmp_path_factory.mktemp("sb3")
    env = SB3VecEnv(PeriodizationVectorEnv(4, cohort=env_cohort, block_days=10))
    paths = {}
    for name, algo in (("maskable", MaskablePPO), ("plain", PPO)):
        model = algo("MlpPolicy", env, n_steps=10, batch_size=20, seed=0, device="cpu")
        model.learn(40)
        model.save(root / f"{name}.zip")
        paths[name] = (root / f"{name}.zip", model)
    return paths


def test_an_sb3_model_zip_acts_as_its_model_predicts(env_cohort, sb3_models):
    from periodization.policies.external import SB3Policy

    path, model = sb3_models["maskable"]
    policy = SB3Policy(path)
    obs = np.random.default_rng(0).normal(size=(32, N_FEATURES)).astype(np.float32)
    mask = np.random.default_rng(1).random((32, 6)) < 0.6
    mask[:, 0] = True
    expected, _ = model.predict(obs, deterministic=True, action_masks=mask)
    assert np.array_equal(policy.act(obs, mask), expected)
    assert mask[np.arange(32), policy.act(obs, mask)].all()


def test_sb3_models_through_evaluate(env_cohort, sb3_models):
    specs = [f"sb3:{sb3_models[k][0]}" for k in ("maskable", "plain")]
    table = evaluate_policies(specs, episodes=4, seed=0, cohort=env_cohort)
    assert list(table["policy"].unique()) == ["maskable", "plain"]
    assert (table[table["policy"] == "maskable"]["violations"] == 0).all()


def test_compare_takes_external_policies_as_agents(tmp_path, small_cohort):
    from periodization.cohort.synth import save_cohort

    cohort = tmp_path / "cohort"
    save_cohort(small_cohort, cohort)
    result = CliRunner().invoke(app, [
        "compare", "--baselines", "rest,hrv", "--policy",
        "tests.policies.sample_policies:HardestAllowed", "--episodes", "3", "--cohort",
        str(cohort), "--out", str(tmp_path / "report"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert "HardestAllowed" in summary["agents"]
    assert set(summary["agents"]["HardestAllowed"]["vs"]) == {"rest", "hrv"}
    bad = CliRunner().invoke(app, ["compare", "--policy", "rest", "--out",
                                   str(tmp_path / "r2")])
    assert bad.exit_code == 2
    assert "--policy expects a model directory, sb3:MODEL.zip or module:attr" in bad.stderr
