"""Three PPO training seeds stand beside SAC in ``periodize compare``'s report as one agent
(the Makefile's ``train-seeds`` trains ``configs/ppo.yaml`` with seeds 0-2)."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("sb3_contrib")

from periodization.report.build import compare_and_report
from periodization.training.config import dump_config
from periodization.training.launch import run_training
from tests.training.test_ppo_resume import ppo_config


def test_report_shows_ppo_with_its_three_seeds(tmp_path, cohort_dir, tiny_run):
    config = tmp_path / "ppo.yaml"  # the group is the config file's name, as for make
    config.write_text(dump_config(ppo_config(cohort_dir)))
    for seed in (0, 1, 2):
        run_training(out=tmp_path / "runs" / "ppo" / f"seed{seed}", config_path=config,
                     seed=seed, episodes=2, quiet=True)
    shutil.copytree(tiny_run, tmp_path / "runs" / "sac" / "seed0")
    _, index = compare_and_report(
        out=tmp_path / "report", runs=[tmp_path / "runs" / "sac", tmp_path / "runs" / "ppo"],
        baselines=["rest", "rule"], episodes=4, seed=0, cohort=cohort_dir)
    on_disk = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert on_disk["agents"]["ppo"]["seeds"] == ["ppo/s0", "ppo/s1", "ppo/s2"]
    assert on_disk["agents"]["sac"]["seeds"] == ["sac/s0"]
    assert {"ppo", "sac"} <= set(on_disk["policies"])
    assert "ppo" in index.read_text()
