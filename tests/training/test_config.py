"""Run configs: YAML round trip, the shipped files, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from periodization.core.errors import UserError
from periodization.training.config import (
    RunConfig,
    dump_config,
    from_dict,
    load_config,
)

CONFIGS = Path(__file__).parents[2] / "periodization" / "configs"


def test_yaml_round_trip_gives_an_equal_config(tmp_path):
    config = from_dict({"env": {"num_envs": 4, "reward": {"version": "outcome"},
                                "safety": {"hrv_crash": False}},
                        "sac": {"hidden": [64, 32], "alpha_max": 1.0},
                        "train": {"episodes": 8, "updates_per_env_step": 0.3,
                                  "eval_every_episodes": 4, "checkpoint_every_episodes": 4}})
    path = tmp_path / "c.yaml"
    path.write_text(dump_config(config))
    assert load_config(path) == config
    assert config.sac.hidden == (64, 32) and config.env.safety.hrv_crash is False


def test_the_default_config_file_equals_the_dataclass_defaults():
    assert load_config(CONFIGS / "sac.yaml") == RunConfig()
    assert RunConfig().train.episodes == 300 and RunConfig().env.block_days == 90
    assert RunConfig().sac.hidden == (256, 256) and RunConfig().sac.lr_actor == 3e-4


def test_the_ppo_config_selects_ppo():
    assert load_config(CONFIGS / "ppo.yaml").train.algo == "ppo"


def test_missing_sections_take_defaults_and_yaml_exponents_parse(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("sac:\n  lr_actor: 1e-3\n")  # PyYAML reads 1e-3 as a string
    config = load_config(path)
    assert config.sac.lr_actor == 1e-3 and config.train == RunConfig().train


@pytest.mark.parametrize("text, message", [
    ("train:\n  epsiodes: 3\n", "unknown key 'train.epsiodes'"),
    ("trian: {}\n", "unknown key 'trian'"),
    ("env:\n  reward:\n    w_shrot: 1\n", "unknown key 'env.reward.w_shrot'"),
    ("sac:\n  torch_threads: 2\n", "unknown key 'sac.torch_threads'"),
    ("sac:\n  lr_actor: fast\n", "sac.lr_actor must be a number, got 'fast'"),
    ("train:\n  episodes: 2.5\n", "train.episodes must be an integer, got 2.5"),
    ("train:\n  early_stopping: 'yes'\n", "train.early_stopping must be true or false"),
    ("sac:\n  hidden: big\n", "sac.hidden must be a list, got 'big'"),
    ("sac:\n  hidden: [64, x]\n", "sac.hidden[1] must be an integer, got 'x'"),
    ("train:\n  algo: dqn\n", "train.algo must be one of sac or ppo, got 'dqn'"),
    ("env: 3\n", "env must be a mapping, got 3"),
    ("- a\n", "the top level must be a mapping"),
    ("train:\n  episodes: 25\n", "train.episodes (25) must be a multiple of env.num_envs"),
    ("sac:\n  target_entropy_ratio: 2\n", "sac.target_entropy_ratio must be ≤ 1, got 2"),
    ("env:\n  reward:\n    version: v9\n", "env.reward.version must be one of v2, v1"),
])
def test_bad_configs_name_the_key(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(UserError) as err:
        load_config(path)
    assert message in str(err.value)
    assert str(err.value).startswith(str(path))


def test_unreadable_config_files(tmp_path):
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "none.yaml")
    (tmp_path / "broken.yaml").write_text("train: [1, 2\n")
    with pytest.raises(UserError, match="cannot read config"):
        load_config(tmp_path / "broken.yaml")


def test_command_line_overrides_are_checked():
    assert RunConfig().with_overrides(episodes=20, seed=3).train.seed == 3
    with pytest.raises(UserError, match=r"multiple of env\.num_envs"):
        RunConfig().with_overrides(episodes=7)


def test_packaged_configs_are_addressable_by_name(tmp_path, monkeypatch):
    from periodization.training.config import packaged_configs

    monkeypatch.chdir(tmp_path)  # no configs/ folder here: the names come from the package
    assert {"sac", "ppo", "ablation-v2"} <= set(packaged_configs())
    assert load_config("sac") == RunConfig()
    assert load_config("ppo").train.algo == "ppo"
    assert load_config("ablation-v2").env.reward.version == "v2"
    with pytest.raises(UserError, match="packaged config"):
        load_config("no-such-config")
    (tmp_path / "sac").write_text("train:\n  seed: 7\n")  # a file on disk wins
    assert load_config("sac").train.seed == 7


def test_the_three_minute_default_is_the_shipped_recipe_stopped_early():
    # docs/training.md quotes sac-fast's validation figures as sac-taper's first 1200
    # episodes: that holds only while the two configs differ in the budget alone.
    fast, taper = load_config(CONFIGS / "sac-fast.yaml"), load_config(CONFIGS / "sac-taper.yaml")
    assert fast.train.episodes == 1200 < taper.train.episodes
    assert fast == taper.with_overrides(episodes=fast.train.episodes)
