"""``periodize tune``: a tiny Optuna study that runs, prunes, resumes from SQLite and writes
a best.yaml that ``periodize train`` accepts."""

from __future__ import annotations

import json

import optuna
import pytest
import yaml
from typer.testing import CliRunner

from periodization.cli import app
from periodization.core.errors import UserError
from periodization.policies import rollout
from periodization.training.config import dump_config, load_config
from periodization.training.launch import run_training
from periodization.training.tune import tune
from tests.training.conftest import tiny_config

SPACE = {"params": {"sac.lr_actor": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
                    "sac.hidden": {"type": "categorical", "choices": [[8, 8], [16, 16]]}},
         "pruner": {"type": "none"}}


def write_study_files(tmp_path, cohort_dir, space=SPACE):
    config = tmp_path / "tiny.yaml"
    config.write_text(dump_config(tiny_config(cohort_dir)))
    (tmp_path / "tiny.space.yaml").write_text(yaml.safe_dump(space))
    return config


def load(out):
    return json.loads((out / "study.json").read_text())


def test_study_runs_resumes_and_writes_a_trainable_best(tmp_path, cohort_dir, monkeypatch):
    splits = []
    real = rollout.run_episodes

    def spy(*args, **kwargs):  # which athletes the trials were judged on
        splits.append(kwargs.get("split"))
        return real(*args, **kwargs)

    monkeypatch.setattr(rollout, "run_episodes", spy)
    config = write_study_files(tmp_path, cohort_dir)
    out = tmp_path / "study"
    first = tune(config=config, trials=2, out=out, seed=1)
    assert first["trials"] == {"complete": 2, "pruned": 0, "fail": 0}
    assert splits and set(splits) == {"val"}  # validation athletes only, never test
    rows = load(out)["all_trials"]
    # the objective is the run's best validation outcome, not its return
    for row in rows:
        info = json.loads((out / f"trial-{row['number']}" / "run.json").read_text())
        assert row["value"] == pytest.approx(info["best"]["outcome_pct"])
        assert row["value"] != pytest.approx(info["best"]["return"])
        assert info["group"] == f"tiny-trial-{row['number']}"  # an agent of its own
    best = first["best"]
    assert best["value"] == max(r["value"] for r in rows)
    trial_config = load_config(out / f"trial-{best['number']}" / "config.yaml")
    assert load_config(out / "best.yaml") == trial_config
    assert list(trial_config.sac.hidden) == best["params"]["sac.hidden"]
    assert trial_config.sac.lr_actor == pytest.approx(best["params"]["sac.lr_actor"])

    stamp = (out / "trial-0" / "run.json").stat().st_mtime_ns
    again = tune(config=config, trials=3, out=out, seed=1)  # continues: one more trial
    assert again["trials"]["complete"] == 3
    assert sorted(r["number"] for r in load(out)["all_trials"]) == [0, 1, 2]
    assert (out / "trial-0" / "run.json").stat().st_mtime_ns == stamp  # not rerun
    assert tune(config=config, trials=3, out=out)["trials"]["complete"] == 3  # nothing left

    trained = run_training(out=tmp_path / "from-best", config_path=out / "best.yaml",
                           episodes=2, quiet=True)
    assert trained["episodes"] == 2


def test_pruning_stops_a_trial_at_its_first_evaluation(tmp_path, cohort_dir):
    # no outcome reaches +1000 %: the threshold pruner stops every trial at once
    space = {**SPACE, "pruner": {"type": "threshold", "lower": 1000.0}}
    config = write_study_files(tmp_path, cohort_dir, space)
    out = tmp_path / "study"
    result = CliRunner().invoke(app, ["tune", "--config", str(config), "--trials", "2",
                                      "--out", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["trials"] == {"complete": 0, "pruned": 2, "fail": 0}
    assert result.stderr.count("pruned at") == 2  # a line per trial
    assert summary["best"] is None and not (out / "best.yaml").exists()
    budget = tiny_config(cohort_dir).train
    for row in load(out)["all_trials"]:
        assert row["last_step"] == budget.eval_every_episodes  # its first evaluation
        info = json.loads((out / f"trial-{row['number']}" / "run.json").read_text())
        assert not info["finished"]


def test_a_trained_run_is_not_pruned_at_its_final_evaluation(tmp_path, cohort_dir):
    # budget 2 episodes: the only evaluation is the last, after which nothing can be saved
    space = {**SPACE, "fixed": {"train.episodes": 2},
             "pruner": {"type": "threshold", "lower": 1000.0}}
    config = write_study_files(tmp_path, cohort_dir, space)
    summary = tune(config=config, trials=1, out=tmp_path / "study")
    assert summary["trials"] == {"complete": 1, "pruned": 0, "fail": 0}
    assert load_config(tmp_path / "study" / "best.yaml").train.episodes == 2


def test_a_trial_left_running_by_a_killed_process_is_run_again(tmp_path, cohort_dir):
    config = write_study_files(tmp_path, cohort_dir)
    out = tmp_path / "study"
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    study = optuna.create_study(study_name="tiny", storage=url, direction="maximize")
    stale = study.ask({"sac.lr_actor": optuna.distributions.FloatDistribution(1e-4, 1e-2,
                                                                               log=True)})
    stale.suggest_categorical("sac.hidden", ["[8, 8]", "[16, 16]"])  # then the process died
    summary = tune(config=config, trials=1, out=out, storage=url)
    assert summary["retried"] == [stale.number]
    rows = {r["number"]: r for r in load(out)["all_trials"]}
    assert rows[stale.number]["state"] == "fail"
    retry = next(r for r in rows.values() if r["state"] == "complete")
    assert retry["params"]["sac.lr_actor"] == pytest.approx(stale.params["sac.lr_actor"])


@pytest.mark.parametrize(("space", "message"), [
    ({"params": {"sac.lr_actorr": {"type": "float", "low": 1e-4, "high": 1e-3}}},
     "sac.lr_actorr is not a key"),
    ({"params": {"sac.lr_actor": {"type": "float", "low": 1e-3, "high": 1e-4}}},
     "low .* must be below high"),
    ({"params": {"sac.batch_size": {"type": "int", "low": 0, "high": 64}}},
     "params.sac.batch_size = 0 makes an invalid config"),
    ({"params": {"sac.hidden": {"type": "gaussian"}}}, "needs type"),
    ({"params": {}}, "at least one config key"),
    ({**SPACE, "pruner": {"type": "hyperband"}}, "pruner.type must be one of"),
])
def test_bad_search_space_is_one_line(tmp_path, cohort_dir, space, message):
    config = write_study_files(tmp_path, cohort_dir, space)
    with pytest.raises(UserError, match=message):
        tune(config=config, trials=1, out=tmp_path / "study")
    assert not list((tmp_path / "study").glob("trial-*"))


@pytest.mark.parametrize(("url", "message"), [
    ("tune.db", "must be a database URL"),
    ("sqlite:///no/such/dir/tune.db", "directory not found"),
    ("nosuchdb://host/x", "cannot open"),
])
def test_bad_storage_is_one_line(tmp_path, cohort_dir, url, message):
    config = write_study_files(tmp_path, cohort_dir)
    result = CliRunner().invoke(app, ["tune", "--config", str(config), "--trials", "1",
                                      "--out", str(tmp_path / "study"), "--storage", url])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_extra_names_it(tmp_path, cohort_dir, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "optuna", None)  # what an install without [tune] sees
    config = write_study_files(tmp_path, cohort_dir)
    with pytest.raises(UserError, match=r"pip install 'periodization\[tune\]'"):
        tune(config=config, trials=1, out=tmp_path / "study")
    assert not (tmp_path / "study").exists()


def test_a_second_process_on_the_same_out_is_refused(tmp_path, cohort_dir):
    from filelock import FileLock

    config = write_study_files(tmp_path, cohort_dir)
    out = tmp_path / "study"
    out.mkdir()
    with FileLock(out / ".tune.lock"), pytest.raises(UserError, match="another periodize tune"):
        tune(config=config, trials=1, out=out)
    assert not list(out.glob("trial-*"))


def test_a_foreign_study_of_the_same_name_is_refused(tmp_path, cohort_dir):
    config = write_study_files(tmp_path, cohort_dir)
    url = f"sqlite:///{tmp_path / 'other.db'}"
    optuna.create_study(study_name="tiny", storage=url, direction="minimize")
    with pytest.raises(UserError, match="not a periodize tune study"):
        tune(config=config, trials=1, out=tmp_path / "study", storage=url)


def test_median_warmup_spares_the_first_evaluations(tmp_path, cohort_dir):
    from periodization.training.search_space import load_space
    from periodization.training.tune import _pruner

    space = {**SPACE, "pruner": {"type": "median", "startup_trials": 1,
                                 "warmup_evaluations": 1}}
    config = write_study_files(tmp_path, cohort_dir, space)
    base = load_config(config)  # evaluations every 2 episodes
    search = load_space(tmp_path / "tiny.space.yaml", base=base)
    study = optuna.create_study(direction="maximize", pruner=_pruner(optuna, search, base))
    good = study.ask()
    for step in (2, 4):
        good.report(10.0, step)
    study.tell(good, 10.0)
    poor = study.ask()
    poor.report(-10.0, 2)
    assert not poor.should_prune()  # its first evaluation is never judged
    poor.report(-10.0, 4)
    assert poor.should_prune()
