"""Fixtures of the hostile-input suite: a saved cohort and a real trained run to damage
(copy them first), both small enough to build in seconds."""

from __future__ import annotations

import shutil

import pytest

from periodization.cohort.synth import save_cohort


@pytest.fixture(scope="session")
def cohort_dir(tmp_path_factory, small_cohort):
    path = tmp_path_factory.mktemp("hostile-cohort") / "cohort"
    save_cohort(small_cohort, path)
    return path


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, cohort_dir):
    """A finished 4-episode SAC run (read-only: use ``run_copy``)."""
    from periodization.training.launch import run_training
    from tests.training.conftest import tiny_config

    out = tmp_path_factory.mktemp("hostile-runs") / "tiny"
    run_training(out=out, config=tiny_config(cohort_dir), quiet=True)
    return out


@pytest.fixture
def run_copy(tiny_run, tmp_path):
    dst = tmp_path / "run"
    shutil.copytree(tiny_run, dst)
    return dst
