"""A training population of two parts (``env.prior_tail_share``): each athlete from the
prior widened by ``prior_spread`` or, with probability ``prior_tail_share``, by
``prior_tail_spread`` (``training/population.MixturePrior``)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from periodization.sim.noise import KeyedRandom
from periodization.training.config import EnvConfig
from periodization.training.population import MixturePrior, training_prior

N = 4000


def _draw(env: EnvConfig, n: int = N, seed: int = 3):
    return training_prior(env).sample(n, KeyedRandom.for_athletes(n, seed=seed))


def test_no_tail_share_is_the_plain_widened_prior():
    env = EnvConfig(prior="default", prior_spread=1.5)
    assert not isinstance(training_prior(env), MixturePrior)


def test_the_tail_share_of_athletes_come_from_the_wider_part():
    core = _draw(EnvConfig(prior="default", prior_spread=1.5))
    tail = _draw(EnvConfig(prior="default", prior_spread=2.5))
    mixed = _draw(EnvConfig(prior="default", prior_spread=1.5, prior_tail_share=0.3,
                            prior_tail_spread=2.5))
    from_core = mixed.optimal_load == core.optimal_load  # the main part is drawn first
    assert (~from_core).mean() == pytest.approx(0.3, abs=0.03)
    # one choice per athlete: every parameter of an athlete comes from the same part
    for name in ("tau_fatigue_days", "strength_economy", "hrv_baseline_ms"):
        assert np.array_equal(getattr(mixed, name)[from_core], getattr(core, name)[from_core])
        assert np.all(getattr(mixed, name)[~from_core] != getattr(core, name)[~from_core])
    wide = np.log(mixed.base_gain_at_optimum).std()
    assert np.log(core.base_gain_at_optimum).std() < wide < np.log(
        tail.base_gain_at_optimum).std()


def test_an_athlete_does_not_depend_on_how_many_are_drawn():
    env = EnvConfig(prior="default", prior_spread=1.5, prior_tail_share=0.5)
    many, few = _draw(env, 500), _draw(env, 37)
    assert np.array_equal(many.optimal_load[:37], few.optimal_load)
    assert np.array_equal(many.injury_base_rate[:37], few.injury_base_rate)


@pytest.mark.parametrize("field,value", [("prior_tail_share", 1.5),
                                         ("prior_tail_share", -0.1),
                                         ("prior_tail_spread", 0.5)])
def test_out_of_range_mixture_settings_are_refused(field, value):
    with pytest.raises(ValidationError):
        EnvConfig(prior="default", **{field: value})
