"""Shared fixtures: small cohorts generated once per test session."""

from __future__ import annotations

import pytest

from periodization.cohort.dataset import prepare_cohort
from periodization.cohort.synth import synthesize


@pytest.fixture(scope="session")
def small_cohort():
    return synthesize(athletes=60, days=120, seed=3)


@pytest.fixture(scope="session")
def prepared_small(small_cohort):
    return prepare_cohort(small_cohort)


@pytest.fixture(scope="session")
def env_cohort(prepared_small):
    """The small prepared cohort, for environments (no dependence on the on-disk cache)."""
    return prepared_small


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, prepared_small):
    """An untrained stand-in model directory (actor.npz, scaler.json, model.json)."""
    from tests.stand_in import make_model

    return make_model(tmp_path_factory.mktemp("model"), prepared_small.scaler)


@pytest.fixture(scope="session")
def year_export(tmp_path_factory):
    """One athlete's year in the generic CSV, last day 2026-03-01."""
    from tests.stand_in import export_rows, write_export

    rows = export_rows(athletes=1, days=365, seed=4)
    return write_export(tmp_path_factory.mktemp("export") / "year.csv", rows)
