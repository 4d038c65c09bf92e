"""Named records the compiled kernels read, derived from the frozen dataclasses in one place.

Kernels take named values, never column indices:

* per-athlete parameters, ``param_record(params)``: a structured array (N,) whose fields
  are the ``AthleteParams`` attributes named in ``PARAM_FIELDS`` (stored fields or derived
  properties); per-action values are nested (6,) arrays. A kernel reads ``P[i]["k1"]``,
  ``P[i]["session_loads"][a]``;
* population constants, ``population_record(pop)``: one record of the ``Population``
  attributes in ``POPULATION_FIELDS``, the per-action tables nested: ``q["acute_decay"]``,
  ``q["fatigue_weight"][a]``;
* a configuration dataclass (safety rules, reward), ``config_record(obj, names)``: one
  record, each field typed by the dataclass annotation.

A single record is handed to kernels as a (1,) array (``q = pop_1[0]`` inside): numba
dispatches an array in ~0.5 µs, a record scalar in ~7 µs.
* the state: ``AthleteState.record`` (``state.py``: a structured array generated from the
  dataclass by ``batch.record_dtype``, so a new state field is a new record field), and
  ``AthleteRow``, one athlete's values of the fields the dynamics evolve
  (``HIDDEN_FIELDS``), which the per-athlete kernel code passes around
  (``load_row``/``store_row``). The features' ``MorningContext.record`` works the same way.

Adding a parameter is one edit in the dataclass and one name in ``PARAM_FIELDS`` (or
``POPULATION_FIELDS``); a new hidden state field is one edit in ``state.py`` plus its line
in ``load_row``/``store_row``. Kernels read records by field name in brackets
(``p["k1"]``): numba compiles it to a load at a fixed offset, and plain Python (the JIT
disabled for mutation testing, ``NUMBA_DISABLE_JIT=1``) reads the same ``np.void``.
"""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from typing import Any

import numpy as np

from periodization.core.jit import njit
from periodization.sim.state import HIDDEN_FIELDS

N_ACTIONS = 6  # nested per-action arrays (sim.actions.N_ACTIONS; not imported: no cycle)

# AthleteParams attributes the kernels read; ``session_loads`` is (N, 6), the rest (N,).
PARAM_FIELDS = (
    "k1", "k3", "fitness_decay", "fatigue_decay", "gain_decay", "maladaptation_decay",
    "maladaptation_rate", "overload_threshold", "fatigue_at_optimum", "maladaptation_cost",
    "log_illness_base_rate", "illness_mean_days", "durability_protection",
    "ln_hrv_baseline", "hrv_noise_log", "hrv_acute_sensitivity", "hrv_fatigue_sensitivity",
    "rhr_baseline_bpm", "rhr_noise_bpm", "sleep_baseline_hours", "sleep_noise_hours",
    "sleep_efficiency_baseline", "sleep_efficiency_noise", "life_load", "session_loads",
)  # fmt: skip
PER_ACTION_PARAMS = frozenset({"session_loads"})

# Population attributes the kernels read; the per-action tables are (6,).
POPULATION_FIELDS = (
    "baseline_performance", "compliance_noise", "acute_decay", "durability_decay",
    "durability_reference", "rhr_per_fatigue", "hrv_per_maladaptation",
    "rhr_per_maladaptation", "sleep_hours_per_maladaptation", "sleep_eff_per_maladaptation",
    "life_stress_share", "hrv_when_ill", "rhr_when_ill", "sleep_hours_when_ill",
    "sleep_eff_when_ill", "performance_cost_when_ill", "hazard_per_maladaptation",
    "hazard_per_spike", "spike_ratio", "hazard_per_fatigue", "maladaptation_if_trained_ill",
    "atl_decay", "ctl_decay", "recovery_bias", "recovery_weight_hrv", "recovery_weight_rhr",
    "recovery_weight_sleep", "strain_scale", "strain_offset", "strain_noise",
    "maladaptation_saturation",
    "fitness_weight", "fatigue_weight", "hrv_acute_drop", "rhr_acute_rise",
)  # fmt: skip
PER_ACTION_POPULATION = frozenset({"fitness_weight", "fatigue_weight", "hrv_acute_drop",
                                   "rhr_acute_rise"})


def _dtype(names: tuple[str, ...], nested: frozenset[str]) -> np.dtype:
    return np.dtype([(n, np.float64, (N_ACTIONS,)) if n in nested else (n, np.float64)
                     for n in names], align=True)


PARAM_DTYPE = _dtype(PARAM_FIELDS, PER_ACTION_PARAMS)
POPULATION_DTYPE = _dtype(POPULATION_FIELDS, PER_ACTION_POPULATION)


def param_record(params: Any) -> np.ndarray:
    """(N,) structured array of ``PARAM_FIELDS`` from an ``AthleteParams``."""
    out = np.empty(params.n, dtype=PARAM_DTYPE)
    for name in PARAM_FIELDS:
        out[name] = getattr(params, name)
    return out


def population_record(pop: Any) -> np.ndarray:
    """(1,) structured array of ``POPULATION_FIELDS`` from a ``Population`` (kernels read
    ``q = pop_1[0]``: one record, passed as an array, which numba dispatches faster)."""
    out = np.empty(1, dtype=POPULATION_DTYPE)
    for name in POPULATION_FIELDS:
        out[name] = getattr(pop, name)
    return out


_CONFIG_TYPES = {"bool": np.bool_, "int": np.int64, "float": np.float64}


def _config_type(annotation: str | None, value: Any) -> type:
    if annotation in _CONFIG_TYPES:
        return _CONFIG_TYPES[annotation]
    return _CONFIG_TYPES[type(value).__name__ if isinstance(value, bool | int) else "float"]


def config_record(obj: Any, names: tuple[str, ...], **extra: np.ndarray) -> np.ndarray:
    """A (1,) structured array, one record of the dataclass ``obj``'s attributes ``names``
    (bool, int or float: as annotated for fields, by value for properties), plus ``extra``
    arrays nested as they are (e.g. a rule table)."""
    types = {f.name: str(f.type) for f in dataclasses.fields(obj)}
    fields: list[tuple] = [(n, _config_type(types.get(n), getattr(obj, n))) for n in names]
    # numba reads no nested bool arrays: tables of flags are nested as uint8 (0/1)
    extra = {k: v.astype(np.uint8) if v.dtype == np.bool_ else v for k, v in extra.items()}
    fields += [(k, v.dtype, v.shape) for k, v in extra.items()]
    out = np.zeros(1, dtype=np.dtype(fields, align=True))
    for name in names:
        out[name] = getattr(obj, name)
    for name, value in extra.items():
        out[name] = value
    return out


AthleteRow = namedtuple("AthleteRow", HIDDEN_FIELDS)  # one athlete's evolving state, scalars


@njit(inline="always")
def load_row(S, i):
    """Athlete ``i``'s ``AthleteRow`` from the state record S (``AthleteState.record``)."""
    s = S[i]
    return AthleteRow(s["fitness"], s["gain"], s["fatigue"], s["maladaptation"],
                      s["durability"], s["acute_hrv"], s["acute_rhr"], s["ill_days"], s["atl"],
                      s["ctl"])


@njit(inline="always")
def store_row(S, i, x):
    """Write ``AthleteRow`` x into row ``i`` of the state record S."""
    s = S[i]
    s["fitness"], s["gain"], s["fatigue"], s["maladaptation"] = (
        x.fitness, x.gain, x.fatigue, x.maladaptation)
    s["durability"], s["acute_hrv"], s["acute_rhr"] = x.durability, x.acute_hrv, x.acute_rhr
    s["ill_days"], s["atl"], s["ctl"] = x.ill_days, x.atl, x.ctl
