"""Each finding of the hostile-input audit (issue 13), reproduced and now refused cleanly.

Findings inside the wearable importers (named pipes and links in export folders, dates
out of range, a 1 GB Apple export, a zip holding a huge CSV) are the importers' suite's;
the config-file side of the named pipe is here.
"""

from __future__ import annotations

import json
import math
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from periodization.core.errors import UserError
from periodization.env.constraints import SafetyConfig, rules_and_mask
from periodization.sim.actions import ACTION_NAMES, N_ACTIONS, Action
from periodization.training.config import load_config
from tests.hostile.helpers import assert_refused, cli, invoke


def write(path, text):
    path.write_text(text)
    return path


def train_with(tmp_path, text, *extra):
    return invoke("train", "--config", write(tmp_path / "c.yaml", text),
                  "--out", tmp_path / "run", *extra)


# 1. A safety rule switched off by a typo ------------------------------------------------

def _mask_at_recovery(config: SafetyConfig, recovery: float) -> np.ndarray:
    one = np.ones(1)
    _, mask = rules_and_mask(recovery=recovery * one, ln_hrv=4.0 * one,
                             hrv_baseline_mean=4.0 * one, hrv_baseline_sd=0.1 * one,
                             consecutive_hard=0 * one, days_since_rest=0 * one,
                             ill=0 * one, config=config)
    return mask[0]


@pytest.mark.parametrize("text, fragment", [
    ("low_recovery_threshold: .nan", "env.safety.low_recovery_threshold must be a finite"),
    ("low_recovery_threshold: -30", "env.safety.low_recovery_threshold must be ≥ 0"),
    ("low_recovery_threshold: 5", "would weaken the low_recovery rule"),
    ("hrv_crash_sd: .inf", "env.safety.hrv_crash_sd must be a finite number"),
    ("hrv_crash_sd: 50", "env.safety.hrv_crash_sd must be ≤ 10"),
    ("max_consecutive_hard: -1", "env.safety.max_consecutive_hard must be ≥ 0"),
    ("max_days_without_rest: -6", "env.safety.max_days_without_rest must be ≥ 1"),
    ("max_days_without_rest: 60", "would weaken the no_recent_rest rule"),
    ("low_recovery: 0", "env.safety.low_recovery must be true or false"),
])
def test_a_safety_rule_cannot_be_weakened_by_a_typo(tmp_path, text, fragment):
    r = train_with(tmp_path, f"env:\n  safety:\n    {text}\n")
    assert_refused(r, fragment)
    assert not (tmp_path / "run").exists()  # refused before the run directory is made


def test_the_rule_still_fires_and_switching_it_off_is_explicit(tmp_path):
    allowed = _mask_at_recovery(SafetyConfig(), recovery=10.0)
    assert allowed.tolist() == [a == Action.REST for a in range(N_ACTIONS)]
    with pytest.raises(ValueError, match="finite"):
        SafetyConfig(low_recovery_threshold=math.nan)  # built in Python: refused too
    config = load_config(write(tmp_path / "off.yaml", "env:\n  safety:\n    low_recovery: "
                               "false\n    low_recovery_threshold: 5\n"))
    assert config.env.safety.low_recovery is False
    assert _mask_at_recovery(config.env.safety, recovery=10.0).all()


# 2. Stored XSS and spreadsheet formulas -----------------------------------------------

def test_a_cohort_meta_json_with_markup_is_refused(tmp_path, cohort_dir):
    hostile = tmp_path / "cohort"
    shutil.copytree(cohort_dir, hostile)
    meta = json.loads((hostile / "meta.json").read_text())
    meta["athletes"] = "<script>alert(1)</script>"
    (hostile / "meta.json").write_text(json.dumps(meta))
    r = invoke("compare", "--baselines", "rest", "--episodes", "2", "--cohort", hostile,
               "--out", tmp_path / "report")
    assert_refused(r, "meta.json: athletes must be an integer")


def test_a_run_group_cannot_inject_html_or_a_formula(tmp_path, run_copy, cohort_dir):
    info = json.loads((run_copy / "run.json").read_text())
    info["group"] = '=HYPERLINK("http://evil.example/","<img src=x onerror=alert(1)>")'
    (run_copy / "run.json").write_text(json.dumps(info))
    out = tmp_path / "report"
    r = invoke("compare", "--runs", run_copy, "--baselines", "rest", "--episodes", "2",
               "--cohort", cohort_dir, "--out", out)
    assert r.exit_code == 0, r.stderr
    html = (out / "index.html").read_text()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    cells = pd.read_csv(out / "episodes.csv", dtype=str)["policy"].unique().tolist()
    hostile = [c for c in cells if "HYPERLINK" in c]
    assert hostile and all(c.startswith("'=") for c in hostile)


# 3. Rich markup in data text -----------------------------------------------------------

def test_markup_in_an_action_cell_or_an_athlete_id_prints_as_text(tmp_path, model_dir):
    from tests.stand_in import export_rows, write_export

    rows = export_rows(athletes=2, days=120, seed=5)
    rows["athlete_id"] = rows["athlete_id"].map({"A0000": "[/]", "A0001": "[bold]x[/]"})
    rows.loc[rows.index[rows["athlete_id"] == "[/]"][-3], "action"] = "[/]"
    one = write_export(tmp_path / "one.csv", rows[rows["athlete_id"] == "[/]"])
    batch = write_export(tmp_path / "batch.csv", rows, with_id=True)
    r = invoke("recommend", "--data", one, "--model", model_dir)
    assert r.exit_code == 0 and "'[/]'" in r.stdout, r.stderr
    r = invoke("recommend", "--data", batch, "--model", model_dir)
    assert r.exit_code == 0 and "[bold]x[/]" in r.stdout, r.stderr


def test_markup_in_a_run_directory_name_prints_as_text(tmp_path, run_copy, cohort_dir):
    odd = tmp_path / "[b]r"
    run_copy.rename(odd)
    r = invoke("evaluate", "--policy", odd, "--episodes", "2", "--cohort", cohort_dir)
    assert r.exit_code == 0 and "[b]r " in r.stdout, r.stderr


# 4. Hangs --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fragment", [
    ("train:\n  updates_per_env_step: 1e6\n", "train.updates_per_env_step must be ≤ 64"),
    ("env:\n  block_days: 1e9\n", "env.block_days must be an integer"),
    ("env:\n  block_days: 1000000000\n", "env.block_days must be ≤ 365"),
    ("env:\n  num_envs: 1e6\n", "env.num_envs must be an integer"),
    ("env:\n  num_envs: 1000000\n", "env.num_envs must be ≤ 1024"),
    ("env:\n  reward:\n    long_days: 100000000\n", "env.reward.long_days must be ≤ 365"),
    ("train:\n  eval_episodes: 1000000000\n", "train.eval_episodes must be ≤ 100000"),
])
def test_sizes_that_would_run_without_end_are_refused_at_once(tmp_path, text, fragment):
    assert_refused(train_with(tmp_path, text), fragment)


def test_a_size_that_ran_without_end_is_refused_by_a_real_process(tmp_path):
    config = write(tmp_path / "c.yaml", "train:\n  updates_per_env_step: 1e6\n")
    r = cli("train", "--config", config, "--out", tmp_path / "r", timeout=60)  # no hang
    assert_refused(r, "train.updates_per_env_step must be ≤ 64")


def test_a_named_pipe_as_config_does_not_block(tmp_path):
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    assert_refused(cli("train", "--config", fifo, "--out", tmp_path / "r", timeout=60),
                   "is not a regular file")


# 6. Memory: an actor.npz declaring 8 GiB (the peak is measured in test_untrusted_dirs) -----

def test_an_actor_declaring_a_huge_array_is_refused_from_its_header(tmp_path, run_copy,
                                                                    cohort_dir):
    from tests.hostile.npz_bombs import deflate_bomb_npz

    deflate_bomb_npz(run_copy / "actor.npz")  # 8 MB that inflates to an 8 GiB array
    assert (run_copy / "actor.npz").stat().st_size < 9 << 20
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, "actor.npz", "'weight_0' declares shape (1073741824,)")


# 7. Untrusted run and cohort directories -------------------------------------------------

@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.pop("features_version"), "observation space vnothing"),
    (lambda d: d.update(seed="3"), "run.json: seed must be an integer, got '3'"),
    (lambda d: d.update(seed=-4), "run.json: seed must be ≥ 0"),
    (lambda d: d.update(algo=7), "run.json: algo must be one of sac or ppo"),
    (lambda d: d.update(group=["a"]), "run.json: group must be a string"),
    (lambda d: d.update(wall_s=float("nan")), "run.json: wall_s must be a finite number"),
    (lambda d: d.update(best={"outcome_pct": float("inf")}), "best.outcome_pct"),
])
def test_a_damaged_run_json_is_one_line(run_copy, cohort_dir, change, fragment):
    info = json.loads((run_copy / "run.json").read_text())
    change(info)
    (run_copy / "run.json").write_text(json.dumps(info))
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, fragment)


def test_nan_weights_are_refused_not_served_as_always_rest(run_copy, cohort_dir):
    with np.load(run_copy / "actor.npz") as data:
        weights = {k: data[k] for k in data.files}
    weights["weight_1"][0, 0] = np.nan
    np.savez(run_copy / "actor.npz", **weights)
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, "weight_1 holds NaN or infinite weights")


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.update(mean=d["mean"][:5]), "mean must be a list of at least 17 items"),
    (lambda d: d.update(scale=["1"] * 17), "scale[0] must be a number, got '1'"),
    (lambda d: d["scale"].__setitem__(3, 0.0), "scale[3] must be > 0"),
    (lambda d: d.pop("mean"), "mean must be a list, got nothing"),
])
def test_a_damaged_scaler_is_one_line(run_copy, cohort_dir, change, fragment):
    scaler = json.loads((run_copy / "scaler.json").read_text())
    change(scaler)
    (run_copy / "scaler.json").write_text(json.dumps(scaler))
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, "scaler.json", fragment)


@pytest.mark.parametrize("table, change, fragment", [
    ("true_params.parquet", lambda t: t.assign(optimal_load=np.nan), "holds NaN"),
    ("true_params.parquet", lambda t: t.assign(optimal_load="fast"), "column 'optimal_load'"),
    ("hidden_state.parquet", lambda t: t.drop(columns="base_slow"), "column 'base_slow'"),
])
def test_a_damaged_cohort_table_is_one_line(tmp_path, cohort_dir, table, change, fragment):
    hostile = tmp_path / "cohort"
    shutil.copytree(cohort_dir, hostile)
    change(pd.read_parquet(hostile / table)).to_parquet(hostile / table)
    r = invoke("evaluate", "--policy", "rest", "--episodes", "1", "--cohort", hostile)
    assert_refused(r, table, fragment)


def test_json_output_is_always_valid_json():
    from periodization.core.io import json_text

    text = json_text({"p": float("nan"), "ci": [np.float64("inf"), 1.0], "n": np.int64(3)})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(c)) == \
        {"p": None, "ci": [None, 1.0], "n": 3}


# 8. Config and argument validation -------------------------------------------------------

@pytest.mark.parametrize("text, fragment", [
    ("sac:\n  lr_actor: .nan\n", "sac.lr_actor must be a finite number"),
    ("sac:\n  lr_critic: -.inf\n", "sac.lr_critic must be a finite number"),
    ("sac:\n  lr_alpha: 0\n", "sac.lr_alpha must be > 0"),
    ("sac:\n  buffer_size: 0\n", "sac.buffer_size must be ≥ 1"),
    ("sac:\n  buffer_size: 100000000000\n", "sac.buffer_size must be ≤ 100000000"),
    ("sac:\n  hidden: [0]\n", "sac.hidden[0] must be ≥ 1"),
    ("sac:\n  hidden: []\n", "sac.hidden must be a list of at least 1 items"),
    ("sac:\n  hidden: [100000]\n", "sac.hidden[0] must be ≤ 4096"),
    ("sac:\n  batch_size: 0\n", "sac.batch_size must be ≥ 1"),
    ("train:\n  torch_threads: 1000\n", "train.torch_threads must be ≤ 64"),
    ("train:\n  episodes: 100000000\n", "train.episodes must be ≤ 1000000"),
    ("train:\n  seed: -1\n", "train.seed must be ≥ 0"),
    ("train:\n  seed: 1\n  seed: 2\n", "key 'seed' is given twice"),
    ("env:\n  safety:\n    low_recovery: true\n    low_recovery: false\n",
     "key 'low_recovery' is given twice"),
    ("train: &a {}\nsac: *a\n", "anchors and aliases are not allowed"),
    ("ppo:\n  n_steps: 1\n", "ppo.n_steps must be ≥ 2"),
])
def test_bad_configs_are_one_line_naming_the_key(tmp_path, text, fragment):
    assert_refused(train_with(tmp_path, text), fragment)


@pytest.mark.parametrize("args, fragment", [
    (["train", "--out", "{tmp}/r", "--seed", "-1"], "--seed must be between 0 and"),
    (["evaluate", "--policy", "rest", "--seed", "-1"], "--seed must be between 0 and"),
    (["data", "synth", "--out", "{tmp}/c", "--seed", str(2**63)], "--seed must be between"),
    (["recommend", "--data", "{tmp}", "--seed", "-3"], "--seed must be between 0 and"),
    (["evaluate", "--policy", "rest", "--seed", "abc"], "'--seed'"),
    (["evaluate", "--policy", "rest", "--reward", "bogus"], "--reward must be one of v2"),
    (["compare", "--out", "{tmp}/o", "--reward", "bogus"], "--reward must be one of v2"),
    (["evaluate", "--policy", "rest", "--episodes", "100000000"], "'--episodes'"),
    (["data", "synth", "--out", "{tmp}/c", "--athletes", "1000000000"], "--athletes must be"),
    (["data", "synth", "--out", "{tmp}/c", "--athletes", "90000", "--days", "3650"],
     "needs about"),
    (["train", "--out", "{tmp}/r", "--episodes", "abc"], "'--episodes'"),
    (["evaluate", "--nonsense"], "No such option"),
])
def test_bad_arguments_are_one_line(tmp_path, args, fragment):
    assert_refused(invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args]), fragment)


@pytest.mark.parametrize("args, fragment", [
    (["evaluate", "--policy", "rest", "--seed", "abc"], "Invalid value for '--seed'"),
    (["train", "--out", "{tmp}/r", "--seed", "-1"], "--seed must be between 0 and"),
])
def test_bad_arguments_in_a_real_process(tmp_path, args, fragment):
    r = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], timeout=60)
    assert_refused(r, fragment)


# 10. Errors that were 16 kB, or carried terminal escapes ---------------------------------

def test_an_error_about_a_huge_or_escaping_key_is_still_one_short_line(tmp_path):
    line = assert_refused(train_with(tmp_path, f"train:\n  ? {'x' * 20000}\n  : 1\n"),
                          "unknown key 'train.xxxxx")
    assert len(line) < 300
    line = assert_refused(train_with(tmp_path, 'train:\n  "\\e[2J\\nboom": 1\n'),
                          "unknown key")
    assert "\x1b" not in line and "\n" not in line


def test_load_config_raises_user_error_only(tmp_path):
    with pytest.raises(UserError):
        load_config(write(tmp_path / "c.yaml", "sac: {hidden: [1, 2, 3, 4, 5, 6, 7, 8, 9]}"))
    assert len(ACTION_NAMES) == N_ACTIONS


def test_a_damaged_learning_curve_is_a_gap_not_a_crash(tmp_path, run_copy, cohort_dir):
    metrics = pd.read_csv(run_copy / "metrics.csv").astype(object)
    metrics.loc[0, "eval_outcome_pct"] = "=cmd|' /C calc'!A0"
    metrics.loc[1, "env_steps"] = "lots"
    metrics.to_csv(run_copy / "metrics.csv", index=False)
    r = invoke("compare", "--runs", run_copy, "--baselines", "rest", "--episodes", "2",
               "--cohort", cohort_dir, "--out", tmp_path / "report")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "report" / "figures" / "learning_curves.png").is_file()


@pytest.mark.parametrize("name", ["run.json", "scaler.json"])
def test_a_named_pipe_in_a_run_directory_does_not_block(run_copy, cohort_dir, name):
    (run_copy / name).unlink()
    os.mkfifo(run_copy / name)
    r = cli("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir,
            timeout=60)
    assert_refused(r, name)


def test_a_named_pipe_as_cohort_meta_does_not_block(tmp_path, cohort_dir):
    hostile = tmp_path / "cohort"
    shutil.copytree(cohort_dir, hostile)
    (hostile / "meta.json").unlink()
    os.mkfifo(hostile / "meta.json")
    r = cli("evaluate", "--policy", "rest", "--episodes", "1", "--cohort", hostile,
            timeout=60)
    assert_refused(r, "meta.json")


def test_an_oversized_plan_file_is_refused(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text("AE\n" * 400_000)
    assert_refused(invoke("simulate", "--plan", plan, "--athletes", "2"), "larger than")
