"""Athlete parameters: the population prior (YAML data) and per-athlete draws from it.

``AthleteParams`` is a frozen struct of arrays, one entry per athlete (shape ``(N,)``), plus
the shared ``Population`` constants. The Busso (2003) gains are not stored: they are derived
(``k1``, ``k3``) from interpretable quantities the prior is written in, the optimal daily load
``w*`` and the steady-state gain ``G`` at that load:

    steady state at constant daily load w:  p − p0 = k1·a1·w − k3·a2·a3·w²
    with a_i = 1 / (1 − exp(−1/τ_i)) the discrete geometric sums, so
    w* = k1·a1 / (2·k3·a2·a3)  and  p(w*) − p0 = G·p0
    ⇒  k1 = 2·G·p0 / (a1·w*),   k3 = G·p0 / (a2·a3·w*²).

Derived quantities are cached properties, never stored fields, so they cannot go stale.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from periodization.athlete import kernels
from periodization.athlete.actions import N_ACTIONS
from periodization.athlete.noise import KeyedRandom
from periodization.athlete.prior_stats import typical_value
from periodization.errors import PriorError

DEFAULT_PRIOR = "prior.yaml"

# Per-athlete parameters, in the order of the dataclass below.
ATHLETE_KEYS = (
    "tau_fitness_days", "tau_fatigue_days", "tau_gain_days", "optimal_load", "gain_at_optimum",
    "overload_threshold", "maladaptation_rate", "tau_maladaptation_days", "maladaptation_cost",
    "illness_base_rate", "illness_mean_days", "durability_protection", "session_scale",
    "habitual_load_ratio", "hrv_baseline_ms", "hrv_noise_log", "hrv_acute_sensitivity",
    "hrv_fatigue_sensitivity", "rhr_baseline_bpm", "rhr_noise_bpm", "sleep_baseline_hours",
    "sleep_noise_hours", "sleep_efficiency_baseline", "sleep_efficiency_noise", "life_load",
)  # fmt: skip

# Parameters that must be strictly positive wherever they are drawn from.
POSITIVE_KEYS = frozenset(ATHLETE_KEYS) - {"hrv_fatigue_sensitivity", "habitual_load_ratio"}

PER_ACTION_KEYS = (
    "session_load", "fitness_weight", "fatigue_weight", "hrv_acute_drop", "rhr_acute_rise",
)  # fmt: skip


@dataclass(frozen=True)
class Population:
    """Constants shared by every athlete of a population (see ``prior.yaml`` for units)."""

    baseline_performance: float
    session_load: np.ndarray  # (6,) TSS per action
    reference_optimal_load: float
    capacity_exponent: float
    compliance_noise: float
    fitness_weight: np.ndarray  # (6,)
    fatigue_weight: np.ndarray  # (6,)
    hrv_acute_drop: np.ndarray  # (6,) ln RMSSD
    rhr_acute_rise: np.ndarray  # (6,) bpm
    tau_acute_days: float
    rhr_per_fatigue: float
    hrv_per_maladaptation: float
    rhr_per_maladaptation: float
    sleep_hours_per_maladaptation: float
    sleep_eff_per_maladaptation: float
    life_stress_share: float
    hrv_when_ill: float
    rhr_when_ill: float
    sleep_hours_when_ill: float
    sleep_eff_when_ill: float
    performance_cost_when_ill: float
    hazard_per_maladaptation: float
    hazard_per_spike: float
    spike_ratio: float
    hazard_per_fatigue: float
    tau_durability_days: float
    maladaptation_if_trained_ill: float
    atl_days: float
    ctl_days: float
    recovery_bias: float
    recovery_weight_hrv: float
    recovery_weight_rhr: float
    recovery_weight_sleep: float
    strain_scale: float
    strain_offset: float
    strain_noise: float
    overreached_threshold: float
    maladaptation_saturation: float

    @cached_property
    def packed(self) -> tuple[np.ndarray, np.ndarray]:
        """(constants vector, per-action table) for the compiled kernels."""
        return kernels.pack_population(self)

    def effective_maladaptation(self, m: np.ndarray) -> np.ndarray:
        """Saturating effect size of maladaptation: S·tanh(M/S) (≈ M for small M)."""
        s = self.maladaptation_saturation
        return s * np.tanh(m / s)

    @cached_property
    def atl_decay(self) -> float:
        """GoldenCheetah form: ATL_d = ATL_{d−1}·λ + load_d·(1 − λ), λ = exp(−1/7)."""
        return float(np.exp(-1.0 / self.atl_days))

    @cached_property
    def ctl_decay(self) -> float:
        return float(np.exp(-1.0 / self.ctl_days))

    @cached_property
    def acute_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_acute_days))

    @cached_property
    def durability_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_durability_days))

    @cached_property
    def durability_reference(self) -> float:
        """Steady durability at two strength sessions per week (the 'protected' level)."""
        return (2.0 / 7.0) / (1.0 - self.durability_decay)


@dataclass(frozen=True)
class AthleteParams:
    """Per-athlete parameters, each an array of shape (N,); see ``prior.yaml`` for units."""

    tau_fitness_days: np.ndarray
    tau_fatigue_days: np.ndarray
    tau_gain_days: np.ndarray
    optimal_load: np.ndarray  # w*, TSS/day
    gain_at_optimum: np.ndarray  # G, fraction of p0
    overload_threshold: np.ndarray
    maladaptation_rate: np.ndarray
    tau_maladaptation_days: np.ndarray
    maladaptation_cost: np.ndarray
    illness_base_rate: np.ndarray
    illness_mean_days: np.ndarray
    durability_protection: np.ndarray
    session_scale: np.ndarray
    habitual_load_ratio: np.ndarray
    hrv_baseline_ms: np.ndarray
    hrv_noise_log: np.ndarray
    hrv_acute_sensitivity: np.ndarray
    hrv_fatigue_sensitivity: np.ndarray
    rhr_baseline_bpm: np.ndarray
    rhr_noise_bpm: np.ndarray
    sleep_baseline_hours: np.ndarray
    sleep_noise_hours: np.ndarray
    sleep_efficiency_baseline: np.ndarray
    sleep_efficiency_noise: np.ndarray
    life_load: np.ndarray
    pop: Population

    # --- decay factors and geometric sums of the daily recursions -------------------------
    @cached_property
    def fitness_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_fitness_days)

    @cached_property
    def fatigue_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_fatigue_days)

    @cached_property
    def gain_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_gain_days)

    @cached_property
    def maladaptation_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_maladaptation_days)

    # --- Busso gains (see module docstring) ------------------------------------------------
    @cached_property
    def k1(self) -> np.ndarray:
        """Fitness gain, performance points per (TSS·day)."""
        a1 = 1.0 / (1.0 - self.fitness_decay)
        p0 = self.pop.baseline_performance
        return 2.0 * self.gain_at_optimum * p0 / (a1 * self.optimal_load)

    @cached_property
    def k3(self) -> np.ndarray:
        """Gain of the variable fatigue factor k2(i) = k3·Σ w(j)·exp(−(i−j)/τ3)."""
        a2 = 1.0 / (1.0 - self.fatigue_decay)
        a3 = 1.0 / (1.0 - self.gain_decay)
        p0 = self.pop.baseline_performance
        return self.gain_at_optimum * p0 / (a2 * a3 * self.optimal_load**2)

    @cached_property
    def fatigue_at_optimum(self) -> np.ndarray:
        """Steady-state fatigue term at the optimal load, h* = G·p0 (performance points)."""
        return self.gain_at_optimum * self.pop.baseline_performance

    @cached_property
    def session_loads(self) -> np.ndarray:
        """(N, 6) nominal load of each action for each athlete (TSS)."""
        relative = self.optimal_load / self.pop.reference_optimal_load
        capacity = relative**self.pop.capacity_exponent
        return (capacity * self.session_scale)[:, None] * self.pop.session_load[None, :]

    @cached_property
    def ln_hrv_baseline(self) -> np.ndarray:
        return np.log(self.hrv_baseline_ms)

    @property
    def n(self) -> int:
        return int(self.tau_fitness_days.shape[0])

    @cached_property
    def packed(self) -> np.ndarray:
        """(N, K) matrix of the columns the compiled kernels read."""
        return kernels.pack_params(self)


# --------------------------------------------------------------------------------------------
# The prior: loading, validation, sampling
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """A validated population prior: per-athlete distributions and shared constants."""

    athlete: dict[str, dict[str, Any]]
    population: Population
    source: str

    def sample(self, n: int, rng: np.random.Generator | KeyedRandom) -> AthleteParams:
        """Draw ``n`` athletes. Each parameter gets its own draw from ``rng`` in a fixed order.

        With a ``KeyedRandom`` each athlete's draws come from its own stream, so the result
        does not depend on how many athletes are drawn together.
        """
        if n < 1:
            raise PriorError(f"number of athletes must be at least 1, got {n}")
        values = {key: _draw(self.athlete[key], n, rng) for key in ATHLETE_KEYS}
        # Banister/Busso identifiability: fatigue must decay faster than fitness.
        values["tau_fatigue_days"] = np.minimum(
            values["tau_fatigue_days"], 0.6 * values["tau_fitness_days"]
        )
        return AthleteParams(**values, pop=self.population)

    def typical(self, n: int = 1) -> AthleteParams:
        """``n`` copies of the population's typical athlete: every parameter at its median
        (lognormal median, normal mean, uniform midpoint), clipped like a draw."""
        values = {key: np.full(n, typical_value(self.athlete[key])) for key in ATHLETE_KEYS}
        values["tau_fatigue_days"] = np.minimum(
            values["tau_fatigue_days"], 0.6 * values["tau_fitness_days"])
        return AthleteParams(**values, pop=self.population)


def load_prior(path: str | Path | None = None) -> Prior:
    """Load and validate a prior. ``None`` loads the packaged ``prior.yaml`` (parsed once
    per process: it is package data and does not change).

    Raises ``PriorError`` with a one-line message naming the file and the key at fault.
    """
    if path is None:
        return _packaged_prior()
    return _read_prior(path)


@functools.lru_cache(maxsize=1)
def _packaged_prior() -> Prior:
    return _read_prior(None)


def _read_prior(path: str | Path | None) -> Prior:
    if path is None:
        text = resources.files("periodization.athlete").joinpath(DEFAULT_PRIOR).read_text()
        source = f"<package>/{DEFAULT_PRIOR}"
    else:
        p = Path(path)
        if not p.is_file():
            raise PriorError(f"prior file not found: {p}")
        try:
            text = p.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise PriorError(f"cannot read prior {p}: {exc}") from None
        source = str(p)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise PriorError(f"{source}: not valid YAML ({first})") from None
    return parse_prior(raw, source=source)


def parse_prior(raw: Any, *, source: str = "<prior>") -> Prior:
    if not isinstance(raw, dict):
        raise PriorError(f"{source}: expected a mapping with 'athlete' and 'population'")
    for section in ("athlete", "population"):
        if not isinstance(raw.get(section), dict):
            raise PriorError(f"{source}: missing section '{section}'")
    athlete = raw["athlete"]
    unknown = sorted(set(athlete) - set(ATHLETE_KEYS))
    if unknown:
        raise PriorError(f"{source}: unknown athlete parameter '{unknown[0]}'")
    for key in ATHLETE_KEYS:
        if key not in athlete:
            raise PriorError(f"{source}: missing athlete parameter '{key}'")
        _validate_distribution(athlete[key], key=f"athlete.{key}", source=source)
        if key in POSITIVE_KEYS:
            _require_positive_support(athlete[key], key=f"athlete.{key}", source=source)
    population = _parse_population(raw["population"], source)
    return Prior(athlete=athlete, population=population, source=source)


def _parse_population(raw: dict[str, Any], source: str) -> Population:
    names = [f.name for f in dataclasses.fields(Population)]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise PriorError(f"{source}: unknown population constant '{unknown[0]}'")
    values: dict[str, Any] = {}
    for name in names:
        if name not in raw:
            raise PriorError(f"{source}: missing population constant '{name}'")
        value = raw[name]
        if name in PER_ACTION_KEYS:
            if not isinstance(value, list) or len(value) != N_ACTIONS or not all(
                _is_number(v) for v in value
            ):
                raise PriorError(
                    f"{source}: population.{name} must be a list of {N_ACTIONS} numbers"
                )
            arr = np.asarray(value, dtype=np.float64)
            if name in ("session_load", "fitness_weight", "fatigue_weight") and (arr < 0).any():
                raise PriorError(f"{source}: population.{name} must not be negative")
            values[name] = arr
        else:
            if not _is_number(value):
                raise PriorError(f"{source}: population.{name} must be a number, got {value!r}")
            values[name] = float(value)
    for name in ("tau_acute_days", "tau_durability_days", "atl_days", "ctl_days",
                 "baseline_performance", "reference_optimal_load", "strain_offset",
                 "maladaptation_saturation"):
        if values[name] <= 0:
            raise PriorError(f"{source}: population.{name} must be positive, got {values[name]}")
    if values["session_load"][0] != 0:
        raise PriorError(f"{source}: population.session_load of REST must be 0")
    return Population(**values)


_DIST_FIELDS = {
    "lognormal": ("median", "sigma"),
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "constant": ("value",),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _validate_distribution(spec: Any, *, key: str, source: str) -> None:
    if not isinstance(spec, dict) or "dist" not in spec:
        raise PriorError(f"{source}: {key} must be a mapping with a 'dist' field")
    dist = spec["dist"]
    if dist not in _DIST_FIELDS:
        raise PriorError(
            f"{source}: {key}.dist must be one of {', '.join(_DIST_FIELDS)}, got {dist!r}")
    allowed = {"dist", "min", "max", *_DIST_FIELDS[dist]}
    extra = sorted(set(spec) - allowed)
    if extra:
        raise PriorError(f"{source}: {key} has unknown field '{extra[0]}' for dist {dist}")
    for field in (*_DIST_FIELDS[dist], "min", "max"):
        if field in spec and not _is_number(spec[field]):
            raise PriorError(f"{source}: {key}.{field} must be a number, got {spec[field]!r}")
        if field not in spec and field in _DIST_FIELDS[dist]:
            raise PriorError(f"{source}: {key} is missing '{field}'")
    if dist == "lognormal" and (spec["median"] <= 0 or spec["sigma"] < 0):
        raise PriorError(f"{source}: {key} needs median > 0 and sigma >= 0")
    if dist == "normal" and spec["sd"] < 0:
        raise PriorError(f"{source}: {key}.sd must not be negative")
    if dist == "uniform" and spec["low"] > spec["high"]:
        raise PriorError(f"{source}: {key}.low must not exceed high")
    if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
        raise PriorError(f"{source}: {key}.min must not exceed max")


def _require_positive_support(spec: dict[str, Any], *, key: str, source: str) -> None:
    """Time constants, rates and noise levels cannot be zero or negative for anyone."""
    lowest = {"lognormal": np.nextafter(0.0, 1.0), "normal": -np.inf,
              "uniform": spec.get("low"), "constant": spec.get("value")}[spec["dist"]]
    lowest = min(max(lowest, spec.get("min", -np.inf)), spec.get("max", np.inf))
    if lowest <= 0:
        raise PriorError(f"{source}: {key} must be positive (its lowest possible value is "
                         f"{lowest})")


def _draw(spec: dict[str, Any], n: int, rng: np.random.Generator | KeyedRandom) -> np.ndarray:
    dist = spec["dist"]
    if dist == "lognormal":
        x = spec["median"] * np.exp(spec["sigma"] * rng.standard_normal(n))
    elif dist == "normal":
        x = spec["mean"] + spec["sd"] * rng.standard_normal(n)
    elif dist == "uniform":
        x = spec["low"] + (spec["high"] - spec["low"]) * rng.random(n)
    else:
        x = np.full(n, float(spec["value"]))
    return np.clip(x, spec.get("min", -np.inf), spec.get("max", np.inf))
