"""``periodize tune --ray``: a tiny study's trials run by two Ray workers on one SQLite
storage; the result is the serial study's kind of object and best.yaml its best trial."""

from __future__ import annotations

import itertools
import json

import optuna
from typer.testing import CliRunner

from periodization.cli import app
from periodization.scale.tune_ray import tune_on_ray
from periodization.training.config import load_config
from tests.training.test_tune import write_study_files


def test_parallel_trials_share_one_study(ray_cluster, tmp_path, cohort_dir):
    config = write_study_files(tmp_path, cohort_dir)
    out = tmp_path / "study"
    summary = tune_on_ray(config=config, trials=3, out=out, seed=1, workers=2)
    assert summary["trials"] == {"complete": 3, "pruned": 0, "fail": 0}
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'tune.db'}")
    trials = study.get_trials()
    assert len(trials) == 3 and {t.number for t in trials} == {0, 1, 2}
    # two workers: some trials ran at the same time
    spans = sorted((t.datetime_start, t.datetime_complete) for t in trials)
    assert any(b[0] < a[1] for a, b in itertools.pairwise(spans))
    best = summary["best"]
    assert best["value"] == study.best_value == max(t.value for t in trials)
    assert load_config(out / "best.yaml") == load_config(
        out / f"trial-{best['number']}" / "config.yaml")
    rows = json.loads((out / "study.json").read_text())["all_trials"]
    assert [r["number"] for r in rows] == [0, 1, 2]

    # the serial command continues the same study: it is the same kind of object
    r = CliRunner().invoke(app, ["tune", "--config", str(config), "--trials", "4", "--out",
                                 str(out), "--json", "--quiet"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["trials"]["complete"] == 4


def test_workers_without_ray_is_one_line(tmp_path, cohort_dir):
    config = write_study_files(tmp_path, cohort_dir)
    r = CliRunner().invoke(app, ["tune", "--config", str(config), "--trials", "1", "--out",
                                 str(tmp_path / "s"), "--workers", "2"])
    assert r.exit_code == 2 and r.stderr.strip() == "error: --workers and --address are for --ray"
