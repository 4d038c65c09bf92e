from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from periodization.core.errors import PriorError
from periodization.sim.params import ATHLETE_KEYS
from periodization.sim.prior import load_prior

PACKAGED = Path(__file__).resolve().parents[2] / "periodization" / "sim" / "prior.yaml"


def _write(tmp_path, raw):
    path = tmp_path / "prior.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture
def raw():
    return yaml.safe_load(PACKAGED.read_text())


def test_packaged_prior_loads_and_samples_wide_ranges():
    params = load_prior().sample(2000, np.random.default_rng(0))
    assert params.tau_base_days.max() / params.tau_base_days.min() > 2
    assert params.optimal_load.max() / params.optimal_load.min() > 3
    assert (params.tau_fatigue_days < params.tau_base_days).all()
    assert (params.tau_fast_days < params.tau_base_days).all()
    assert (params.hrv_fatigue_sensitivity > 0).mean() > 0.02  # Le Meur responders exist
    assert set(ATHLETE_KEYS) <= set(params.__dataclass_fields__)


def test_derived_gains_reproduce_the_interpretable_prior():
    """The gains are derived so that the prior's quantities hold: fatigue of aerobic base
    at w* is F* = f·p0 and the base gain there is G·p0 (steady state of the recursions)."""
    params = load_prior().sample(50, np.random.default_rng(1))
    pop = params.pop
    a_f = 1.0 / (1.0 - params.fatigue_decay)
    np.testing.assert_allclose(params.fatigue_gain * pop.fatigue_weight[2] * params.optimal_load
                               * a_f, params.fatigue_share_at_optimum * pop.baseline_performance)
    s = params.fast_share
    sums = s / (1 - params.fast_decay) + (1 - s) / (1 - params.base_decay)
    np.testing.assert_allclose(
        params.base_gain * pop.base_weight[2] * params.optimal_load * pop.volume_efficacy(1.0)
        * sums, params.base_gain_at_optimum * pop.baseline_performance)
    np.testing.assert_allclose(params.session_loads,
                               params.session_minutes * pop.load_per_minute[None, :])


def test_a_user_prior_changes_the_population(tmp_path, raw):
    raw["athlete"]["optimal_load"] = {"dist": "constant", "value": 100.0}
    params = load_prior(_write(tmp_path, raw)).sample(5, np.random.default_rng(0))
    assert np.all(params.optimal_load == 100.0)


CASES = [
    (lambda r: r["athlete"].pop("tau_base_days"),
     "missing athlete parameter 'tau_base_days'"),
    (lambda r: r["athlete"].update(tau_fatigue_days={"dist": "constant", "value": -3.0}),
     "tau_fatigue_days must be positive"),
    (lambda r: r["athlete"].update(tau_fast_days={"dist": "normal", "mean": 2, "sd": 1}),
     "tau_fast_days must be positive"),
    (lambda r: r["athlete"]["tau_base_days"].update(max=-1.0, min=-2.0),
     "tau_base_days must be positive"),
    (lambda r: r["athlete"].update(fast_share={"dist": "uniform", "low": 0.2, "high": 1.4}),
     r"fast_share must lie in \[0, 1\]"),
    (lambda r: r.update(schema=1), "schema 1 is not this version's prior layout"),
    (lambda r: r["population"].update(slow_stress_share=1.5), "slow_stress_share must be in"),
    (lambda r: r["population"].update(hrv_drop_slow=[0, 0, 0, 0, 0, 0]),
     "hrv_drop_slow of HIIT must be positive"),
    (lambda r: r["population"].update(base_weight=[1, 1, 1, 1, 1, 1]),
     "base_weight of REST must be 0"),
    (lambda r: r["athlete"]["optimal_load"].update(median="high"),
     "optimal_load.median must be a number"),
    (lambda r: r["population"].update(atl_days=-7), "atl_days must be positive"),
    (lambda r: r["population"].pop("ctl_days"), "missing population constant 'ctl_days'"),
    (lambda r: r["population"].update(load_per_minute=[0, 1, 2]), "list of 6 numbers"),
    (lambda r: r["athlete"].update(bogus={"dist": "constant", "value": 1}),
     "unknown athlete parameter 'bogus'"),
    (lambda r: r.pop("population"), "missing section 'population'"),
]


@pytest.mark.parametrize("edit, message", CASES)
def test_invalid_priors_name_the_problem(tmp_path, raw, edit, message):
    edit(raw)
    with pytest.raises(PriorError, match=message) as info:
        load_prior(_write(tmp_path, raw))
    assert "\n" not in str(info.value)


def test_unreadable_prior_files(tmp_path):
    with pytest.raises(PriorError, match="not found"):
        load_prior(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("athlete: [unclosed")
    with pytest.raises(PriorError, match="not valid YAML"):
        load_prior(bad)
