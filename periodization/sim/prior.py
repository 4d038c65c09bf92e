"""The population prior: YAML data (``prior.yaml``), validated key by key, and draws of
athletes from it. ``load_prior(None)`` is the packaged prior; a user passes their own file.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from periodization.core.errors import PriorError
from periodization.core.yaml_io import MAX_BYTES, parse_yaml
from periodization.sim.actions import N_ACTIONS
from periodization.sim.noise import KeyedRandom
from periodization.sim.params import (
    ATHLETE_KEYS,
    DEFAULT_PRIOR,
    FRACTION_KEYS,
    PER_ACTION_KEYS,
    POSITIVE_KEYS,
    PRIOR_SCHEMA,
    AthleteParams,
    Population,
)
from periodization.sim.prior_stats import typical_value


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
        return AthleteParams(**_ordered_time_constants(values), pop=self.population)

    def typical(self, n: int = 1) -> AthleteParams:
        """``n`` copies of the population's typical athlete: every parameter at its median
        (lognormal median, normal mean, uniform midpoint), clipped like a draw."""
        values = {key: np.full(n, typical_value(self.athlete[key])) for key in ATHLETE_KEYS}
        return AthleteParams(**_ordered_time_constants(values), pop=self.population)


def _ordered_time_constants(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Fast base fitness and fatigue clear faster than slow base fitness, whatever the
    independent draws gave (the components would otherwise swap roles)."""
    slow = values["tau_base_days"]
    values["tau_fast_days"] = np.minimum(values["tau_fast_days"], 0.6 * slow)
    values["tau_fatigue_days"] = np.minimum(values["tau_fatigue_days"], 0.6 * slow)
    return values


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
        text = resources.files("periodization.sim").joinpath(DEFAULT_PRIOR).read_text()
        source = f"<package>/{DEFAULT_PRIOR}"
    else:
        p = Path(path)
        if not p.is_file():
            raise PriorError(f"prior file not found: {p}")
        if p.stat().st_size > MAX_BYTES:
            raise PriorError(f"prior {p} is larger than {MAX_BYTES // 1000} kB")
        try:
            text = p.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise PriorError(f"cannot read prior {p}: {type(exc).__name__}") from None
        source = str(p)
    try:
        raw = parse_yaml(text)  # no duplicate keys, no aliases (core/yaml_io.py)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise PriorError(f"{source}: not valid YAML ({first})") from None
    return parse_prior(raw, source=source)


def parse_prior(raw: Any, *, source: str = "<prior>") -> Prior:
    if not isinstance(raw, dict):
        raise PriorError(f"{source}: expected a mapping with 'athlete' and 'population'")
    if raw.get("schema") != PRIOR_SCHEMA:
        raise PriorError(f"{source}: schema {raw.get('schema')!r} is not this version's "
                         f"prior layout ({PRIOR_SCHEMA}); start from the packaged prior.yaml")
    for section in ("athlete", "population"):
        if not isinstance(raw.get(section), dict):
            raise PriorError(f"{source}: missing section '{section}'")
    extra = sorted(set(raw) - {"schema", "athlete", "population"})
    if extra:
        raise PriorError(f"{source}: unknown section '{extra[0]}'")
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
        if key in FRACTION_KEYS:
            _require_support_within(athlete[key], 0.0, 1.0, key=f"athlete.{key}",
                                    source=source)
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
            if (arr < 0).any():
                raise PriorError(f"{source}: population.{name} must not be negative")
            if arr[0] != 0:
                raise PriorError(f"{source}: population.{name} of REST must be 0")
            values[name] = arr
        else:
            if not _is_number(value):
                raise PriorError(f"{source}: population.{name} must be a number, got {value!r}")
            values[name] = float(value)
    positive = [n for n in names if n.startswith("tau_") or n.endswith("_days")] + [
        "baseline_performance", "reference_optimal_load", "strain_offset",
        "maladaptation_saturation", "efficacy_knee", "efficacy_steepness", "acwr_cap"]
    for name in positive:
        if values[name] <= 0:
            raise PriorError(f"{source}: population.{name} must be positive, got {values[name]}")
    for name in ("stress_persistence_slow", "stress_persistence_fast", "slow_stress_share",
                 "life_stress_share"):
        if not 0.0 <= values[name] < 1.0:
            raise PriorError(f"{source}: population.{name} must be in [0, 1), got "
                             f"{values[name]}")
    if values["acwr_cap"] < 1.0:
        raise PriorError(f"{source}: population.acwr_cap must be at least 1")
    for action in (3, 4):  # the intensity channel needs HIIT's load to count one unit
        if values["load_per_minute"][action] <= 0:
            raise PriorError(f"{source}: population.load_per_minute of tempo and HIIT must be "
                             "positive")
    if values["hrv_drop_slow"][4] <= 0:
        raise PriorError(f"{source}: population.hrv_drop_slow of HIIT must be positive (it is "
                         "the unit of acute fatigue)")
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


def _require_support_within(spec: dict[str, Any], low: float, high: float, *, key: str,
                            source: str) -> None:
    """A fraction must be clipped (or distributed) inside [low, high] for everyone."""
    lo = {"lognormal": 0.0, "normal": -np.inf, "uniform": spec.get("low"),
          "constant": spec.get("value")}[spec["dist"]]
    hi = {"lognormal": np.inf, "normal": np.inf, "uniform": spec.get("high"),
          "constant": spec.get("value")}[spec["dist"]]
    lo = min(max(lo, spec.get("min", -np.inf)), spec.get("max", np.inf))
    hi = max(min(hi, spec.get("max", np.inf)), spec.get("min", -np.inf))
    if lo < low or hi > high:
        raise PriorError(f"{source}: {key} must lie in [{low:g}, {high:g}] for every athlete "
                         f"(give min and max)")


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
