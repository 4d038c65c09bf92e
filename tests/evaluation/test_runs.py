"""Run directories: which agent and seed each is; refusals of what is not a run."""

from __future__ import annotations

import json

import pytest

from periodization.core.errors import UserError
from periodization.evaluation.compare import collect_runs, parse_baselines
from periodization.evaluation.runs import expand_run_paths, group_runs, load_run, read_metrics

from .conftest import make_run


def test_group_from_run_json_then_config_then_directory(tmp_path):
    assert load_run(make_run(tmp_path / "a", group="sac", seed=3)).label == "sac/s3"
    assert load_run(make_run(tmp_path / "b", group=None, seed=0)).group == "from-config"
    (tmp_path / "b" / "config.yaml").unlink()
    assert load_run(tmp_path / "b").group == "b"


def test_seeds_of_one_group_are_one_agent(tmp_path):
    runs = [load_run(make_run(tmp_path / f"r{s}", group="sac", seed=s)) for s in (2, 0)]
    runs.append(load_run(make_run(tmp_path / "p", group="ppo", seed=0)))
    groups = group_runs([*runs, runs[0]])  # the same directory twice counts once
    assert {g: [r.seed for r in m] for g, m in groups.items()} == {"sac": [0, 2], "ppo": [0]}
    make_run(tmp_path / "dup", group="sac", seed=2)
    with pytest.raises(UserError, match="two runs with seed 2"):
        group_runs([*runs, load_run(tmp_path / "dup")])


def test_a_directory_of_runs_expands_to_its_runs(fake_runs):
    assert [p.name for p in expand_run_paths([fake_runs])] == ["abl-0", "sac-0", "sac-1"]
    agents, ablations = collect_runs([fake_runs], [f"v1={fake_runs / 'sac-1'}"])
    assert list(agents) == ["sac"] and list(ablations) == ["ablation-no-bonus", "v1"]
    assert ablations["v1"][0].label == "v1/s1"


@pytest.mark.parametrize("setup, message", [
    (lambda p: None, "run directory not found"),
    (lambda p: p.mkdir(), "not a run directory (no run.json)"),
    (lambda p: p.write_text("x"), "not a run directory (a file)"),
])
def test_what_is_not_a_run_is_refused(tmp_path, setup, message):
    path = tmp_path / "run"
    setup(path)
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        collect_runs([path], [])


def test_malformed_run_json_and_ablation_specs(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "run.json").write_text(json.dumps({"seed": "zero"}))
    with pytest.raises(UserError, match="seed must be an integer"):
        load_run(tmp_path / "r")
    with pytest.raises(UserError, match="NAME=RUN_DIR"):
        collect_runs([], ["just-a-name"])
    make_run(tmp_path / "w", group="whoop", seed=0)
    with pytest.raises(UserError, match="agent name 'whoop' is a baseline's name"):
        collect_runs([tmp_path / "w"], [])


def test_baseline_lists():
    assert parse_baselines("all")[-1] == "oracle" and parse_baselines("none") == []
    assert parse_baselines("oracle, whoop") == ["whoop", "oracle"]
    with pytest.raises(UserError, match="unknown baseline 'coach'"):
        parse_baselines("whoop,coach")


def test_metrics_are_optional(fake_runs):
    assert read_metrics(load_run(fake_runs / "abl-0")) is None
    assert {"env_steps", "train_return"} <= set(read_metrics(load_run(fake_runs / "sac-0")))
