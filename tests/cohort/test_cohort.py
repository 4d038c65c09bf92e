from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from periodization.cohort.synth import cohort_summary, load_cohort, save_cohort, synthesize
from periodization.ingest.schema import REQUIRED_COLUMNS


def test_cohort_visits_every_regime(small_cohort):
    s = cohort_summary(small_cohort)
    assert s["recovery_red_pct"] > 5 and s["recovery_green_pct"] > 20
    assert s["overreached_pct"] > 0.5
    assert s["ill_pct"] > 1
    assert s["detrained_pct"] > 1
    assert s["athletes_over_20pct_missing"] >= 3
    assert small_cohort.observations["recovery"].min() < 30  # rule 1 can fire


def test_cohort_tables_and_keys(small_cohort):
    obs, hid = small_cohort.observations, small_cohort.hidden
    assert set(REQUIRED_COLUMNS) <= set(obs.columns)
    assert not obs.duplicated(["athlete_id", "date"]).any()
    assert obs[["load", "action"]].notna().all().all()
    assert len(hid) == len(obs) and {"performance", "maladaptation", "ill"} <= set(hid.columns)
    assert "maladaptation" not in obs.columns  # hidden state kept apart
    assert len(small_cohort.params) == small_cohort.meta["athletes"]


def test_same_seed_same_cohort():
    a = synthesize(athletes=8, days=30, seed=1).observations
    b = synthesize(athletes=8, days=30, seed=1).observations
    c = synthesize(athletes=8, days=30, seed=2).observations
    assert a.equals(b) and not a.equals(c)


def test_save_load_roundtrip_and_no_silent_overwrite(tmp_path, small_cohort):
    save_cohort(small_cohort, tmp_path / "c")
    back = load_cohort(tmp_path / "c")
    assert back.observations.equals(small_cohort.observations)
    with pytest.raises(Exception, match="--force"):
        save_cohort(small_cohort, tmp_path / "c")
    assert not [p for p in (tmp_path / "c").iterdir() if p.name.startswith(".")]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "periodization.cli", *args],
                          capture_output=True, text=True)


def test_cli_synth_writes_cohort_and_summary(tmp_path):
    r = run_cli("data", "synth", "--athletes", "12", "--days", "40", "--seed", "0",
                "--out", str(tmp_path / "c"), "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["athletes"] == 12 and summary["days"] == 40
    assert (tmp_path / "c" / "observations.parquet").is_file()


@pytest.mark.parametrize("args, message", [
    (["--athletes", "0"], "--athletes must be between 1 and"),
    (["--days", "-5"], "--days must be between 1 and"),
    (["--prior", "/nonexistent/prior.yaml"], "prior file not found"),
])
def test_cli_rejects_impossible_arguments(tmp_path, args, message):
    r = run_cli("data", "synth", "--out", str(tmp_path / "c"), *args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c" / "observations.parquet").exists()


def test_cli_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli("data", "synth", "--athletes", "3", "--days", "5", "--out", str(blocker / "sub"))
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_dataset_split_rows_cover_all_kept_athletes(prepared_small):
    ids = set(prepared_small.pre.table["athlete_id"])
    assert set().union(*map(set, prepared_small.splits.values())) == ids
    assert np.isfinite(prepared_small.features.raw).all()
