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
    assert params.tau_fitness_days.min() < 25 and params.tau_fitness_days.max() > 55
    assert params.optimal_load.max() / params.optimal_load.min() > 3
    assert (params.tau_fatigue_days < params.tau_fitness_days).all()
    assert (params.hrv_fatigue_sensitivity > 0).mean() > 0.05  # Le Meur responders exist
    assert set(ATHLETE_KEYS) <= set(params.__dataclass_fields__)


def test_a_user_prior_changes_the_population(tmp_path, raw):
    raw["athlete"]["optimal_load"] = {"dist": "constant", "value": 100.0}
    params = load_prior(_write(tmp_path, raw)).sample(5, np.random.default_rng(0))
    assert np.all(params.optimal_load == 100.0)


CASES = [
    (lambda r: r["athlete"].pop("tau_fitness_days"),
     "missing athlete parameter 'tau_fitness_days'"),
    (lambda r: r["athlete"].update(tau_fatigue_days={"dist": "constant", "value": -3.0}),
     "tau_fatigue_days must be positive"),
    (lambda r: r["athlete"].update(tau_gain_days={"dist": "normal", "mean": 2, "sd": 1}),
     "tau_gain_days must be positive"),
    (lambda r: r["athlete"]["tau_fitness_days"].update(max=-1.0, min=-2.0),
     "tau_fitness_days must be positive"),
    (lambda r: r["athlete"]["optimal_load"].update(median="high"),
     "optimal_load.median must be a number"),
    (lambda r: r["population"].update(atl_days=-7), "atl_days must be positive"),
    (lambda r: r["population"].pop("ctl_days"), "missing population constant 'ctl_days'"),
    (lambda r: r["population"].update(session_load=[0, 1, 2]), "list of 6 numbers"),
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
