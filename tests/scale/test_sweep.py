"""``periodize sweep`` on a real local Ray cluster: a sweep's run equals the same run done
alone, a rerun skips complete runs, a killed worker is retried and the sweep completes."""

from __future__ import annotations

import csv
import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from periodization.cli import app
from periodization.core.errors import UserError
from periodization.scale.sweep import parse_seeds, plan_grid, sweep
from periodization.training.launch import run_training

TIMING = {"wall_s", "env_steps_per_s", "updates_per_s"}  # differ between any two runs


def metrics(run):
    with (run / "metrics.csv").open() as fh:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in csv.DictReader(fh)]


def assert_same_run(a, b):
    assert metrics(a) == metrics(b)
    assert len(metrics(a)) >= 2
    x, y = np.load(a / "actor.npz"), np.load(b / "actor.npz")
    assert x.files == y.files
    for key in x.files:
        assert np.array_equal(x[key], y[key]), key
    assert (a / "config.yaml").read_text() == (b / "config.yaml").read_text()
    assert json.loads((a / "run.json").read_text())["group"] == \
        json.loads((b / "run.json").read_text())["group"]


@pytest.fixture(scope="module")
def lone(tmp_path_factory, tiny_config_file):
    """Seed 1 trained alone, as `periodize train --config tiny.yaml --seed 1` would."""
    out = tmp_path_factory.mktemp("lone") / "seed1"
    run_training(out=out, config_path=tiny_config_file, seed=1, quiet=True)
    return out


def test_sweep_runs_equal_lone_runs_and_a_rerun_skips_them(ray_cluster, tmp_path,
                                                           tiny_config_file, lone):
    out = tmp_path / "runs"
    first = sweep(configs=[tiny_config_file], seeds=[0, 1], out=out)
    assert first["trained"] == ["tiny/seed0", "tiny/seed1"] and not first["failed"]
    assert_same_run(out / "tiny" / "seed1", lone)
    assert metrics(out / "tiny" / "seed0") != metrics(lone)  # the seed is applied

    lines = []
    again = sweep(configs=[tiny_config_file], seeds=[0, 1], out=out, progress=lines.append)
    assert again["skipped"] == ["tiny/seed0", "tiny/seed1"] and again["trained"] == []
    assert lines == ["tiny/seed0: complete, skipped", "tiny/seed1: complete, skipped"]

    # an interrupted run (run.json not finished) is trained again, from scratch
    info_path = out / "tiny" / "seed1" / "run.json"
    info = json.loads(info_path.read_text())
    info_path.write_text(json.dumps({**info, "finished": False}))
    third = sweep(configs=[tiny_config_file], seeds=[0, 1], out=out)
    assert third["skipped"] == ["tiny/seed0"] and third["trained"] == ["tiny/seed1"]
    assert_same_run(out / "tiny" / "seed1", lone)
    saved = json.loads((out / "sweep.json").read_text())
    assert saved["trained"] == ["tiny/seed1"]


def process_identity(pid):
    """(start time in clock ticks since boot, state letter) of a live pid, or None if gone.

    The start time tells the killed worker from a later process that reuses its pid; a
    zombie (state Z) has died and only waits for its parent (Ray's raylet) to reap it,
    which a loaded machine may not have done yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[19]), fields[0]


def test_a_killed_worker_is_retried_and_the_sweep_completes(ray_cluster, tmp_path,
                                                            tiny_config_file, lone):
    out = tmp_path / "runs"
    pid_file = out / ".sweep" / "tiny__seed1.pid"
    killed, outcome = [], {}

    def run():
        try:
            outcome["summary"] = sweep(configs=[tiny_config_file], seeds=[1], out=out)
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    while not killed and time.monotonic() < deadline:
        if pid_file.is_file() and pid_file.read_text().strip():
            pid = int(pid_file.read_text())
            time.sleep(1.0)  # let it write part of the run
            started = process_identity(pid)
            os.kill(pid, signal.SIGKILL)
            killed.append((pid, started))
        time.sleep(0.05)
    thread.join(timeout=120)
    assert killed, "the worker never started"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["summary"]["trained"] == ["tiny/seed1"]
    pid, started = killed[0]
    assert started is not None and started[1] != "Z"

    def gone():  # that worker is dead: another one trained the run
        now = process_identity(pid)
        return now is None or now[1] == "Z" or now[0] != started[0]

    # a killed process on a loaded machine may take a moment to leave the run queue
    give_up = time.monotonic() + 30
    while not gone() and time.monotonic() < give_up:
        time.sleep(0.2)
    assert gone(), process_identity(pid)
    assert_same_run(out / "tiny" / "seed1", lone)


def test_a_finished_run_of_another_seed_is_refused(ray_cluster, tmp_path, tiny_config_file,
                                                  lone):
    import shutil

    out = tmp_path / "runs"
    shutil.copytree(lone, out / "tiny" / "seed0")  # seed 1's run where seed 0's belongs
    with pytest.raises(UserError, match="another config or seed"):
        sweep(configs=[tiny_config_file], seeds=[0], out=out)


def test_grid_and_seeds_parsing(tmp_path, tiny_config_file):
    assert parse_seeds("0,1,2") == [0, 1, 2] and parse_seeds("0-2,5,1") == [0, 1, 2, 5]
    with pytest.raises(UserError, match="--seeds"):
        parse_seeds("a,b")
    runs = plan_grid([tiny_config_file, "sac"], [0, 3], tmp_path)
    assert [r.name for r in runs] == ["tiny/seed0", "tiny/seed3", "sac/seed0", "sac/seed3"]
    with pytest.raises(UserError, match="one directory"):
        plan_grid([tiny_config_file], [0, 1], tmp_path, name="{config}")
    with pytest.raises(UserError, match="config not found"):
        plan_grid(["no-such-config"], [0], tmp_path)


def test_cli_sweep_and_a_missing_ray_is_one_line(ray_cluster, tmp_path, tiny_config_file,
                                                 monkeypatch):
    out = tmp_path / "runs"
    args = ["sweep", "--config", str(tiny_config_file), "--seeds", "0", "--out", str(out),
            "--name", "{config}", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["trained"] == ["tiny"]
    assert (out / "tiny" / "actor.npz").is_file()

    monkeypatch.setitem(__import__("sys").modules, "ray", None)  # ray not installed
    result = CliRunner().invoke(app, [*args[:-3], "--force"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: periodize sweep needs ray: pip install "
                                     "'periodization[ray]'")


def test_a_run_that_fails_on_its_own_is_one_line_naming_it(ray_cluster, tmp_path,
                                                           tiny_config_file):
    bad = tmp_path / "bad.yaml"
    bad.write_text(tiny_config_file.read_text().replace(
        str(yaml_cohort(tiny_config_file)), str(tmp_path / "no-such-cohort")))
    with pytest.raises(UserError, match=r"1 of 1 runs failed .*bad/seed0: .*no-such-cohort"):
        sweep(configs=[bad], seeds=[0], out=tmp_path / "runs")
    saved = json.loads((tmp_path / "runs" / "sweep.json").read_text())
    assert list(saved["failed"]) == ["bad/seed0"]


def yaml_cohort(config_file):
    import yaml

    return yaml.safe_load(config_file.read_text())["env"]["cohort"]
