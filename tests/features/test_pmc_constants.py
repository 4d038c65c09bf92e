"""The features' ATL/CTL take the population's time constants, not a copy of 7 and 42 days.

A prior whose ``atl_days``/``ctl_days`` differ from 7/42 must give features whose ATL and
CTL equal the model's own (the athlete's true state on every morning), in a cohort and in
the environment; a hard-coded 7/42 anywhere in the feature path breaks these equalities.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import yaml

from periodization.cohort.dataset import hidden_for, prepare_cohort
from periodization.cohort.synth import synthesize
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.features.daily import FEATURE_NAMES
from periodization.sim.prior import load_prior

ATL, CTL = FEATURE_NAMES.index("atl"), FEATURE_NAMES.index("ctl")


@pytest.fixture(scope="module")
def other_prior(tmp_path_factory):
    raw = yaml.safe_load(resources.files("periodization.sim").joinpath("prior.yaml").read_text())
    raw["population"]["atl_days"], raw["population"]["ctl_days"] = 4.0, 25.0
    path = tmp_path_factory.mktemp("prior") / "short_pmc.yaml"
    path.write_text(yaml.safe_dump(raw))
    prior = load_prior(path)
    assert (prior.population.atl_days, prior.population.ctl_days) == (4.0, 25.0)
    return prior


def test_cohort_features_use_the_priors_pmc_constants(other_prior):
    cohort = synthesize(athletes=5, days=70, seed=2, prior=other_prior)
    prepared = prepare_cohort(cohort)
    hidden = hidden_for(prepared)  # the model's ATL/CTL on each morning, rows aligned
    raw = prepared.features.raw
    np.testing.assert_allclose(raw[:, ATL], hidden["atl"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(raw[:, CTL], hidden["ctl"], rtol=1e-9, atol=1e-9)


def test_environment_features_use_the_priors_pmc_constants(other_prior, prepared_small):
    env = PeriodizationVectorEnv(4, cohort=prepared_small, prior=other_prior)
    env.reset(seed=5)
    world = env.world
    for day in range(20):
        # the features' ATL/CTL (after yesterday) are the athlete's true ATL/CTL
        np.testing.assert_allclose(world.raw[:, ATL], world.state.atl, rtol=1e-9, err_msg=day)
        np.testing.assert_allclose(world.raw[:, CTL], world.state.ctl, rtol=1e-9, err_msg=day)
        env.step(np.full(4, 2 if day % 3 else 4))
