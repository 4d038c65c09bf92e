"""Shared fixtures: small cohorts generated once per test session."""

from __future__ import annotations

import pytest

from periodization.data.cohort import synthesize
from periodization.data.dataset import prepare_cohort


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
