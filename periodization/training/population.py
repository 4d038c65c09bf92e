"""The population a run trains on: the cached cohort's athletes, or fresh athletes of a prior
whose spreads may be widened (domain randomisation).

``env.prior`` names the prior (``default``: the packaged one; else a prior YAML file, schema 2)
and ``env.prior_spread`` widens every per-athlete distribution around its centre: lognormal
``sigma`` and the log-distance of its bounds from the median, normal ``sd`` and uniform
half-widths and the distance of their bounds from the centre, all × spread. The widened
prior is validated by the ordinary prior parser, so a widened fraction that would leave
[0, 1] or a positive parameter that would reach 0 is clamped first (see ``_clamp``).
Training on many more, more varied athletes than the 140 training athletes of the cached
cohort is meant to make the learned coach hold on populations it never saw.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from periodization.core.errors import UserError
from periodization.core.seeds import VALIDATION_SEED
from periodization.core.yaml_io import parse_yaml
from periodization.features.scaler import FeatureScaler
from periodization.sim.noise import KeyedRandom
from periodization.sim.params import DEFAULT_PRIOR, FRACTION_KEYS, POSITIVE_KEYS, AthleteParams
from periodization.sim.prior import Prior, parse_prior

DEFAULT = "default"  # env.prior / train.eval_prior: the packaged prior

# Fresh validation athletes: ``core/seeds.py`` (row i has episode seed VAL_SEED + i).
VAL_SEED = VALIDATION_SEED


def run_scaler(prepared: Any, config: Any) -> FeatureScaler:
    """The scaler a run normalises observations with: the cohort's training athletes'
    (``PreparedCohort.scaler``) restricted to the run's observation space
    (``env.features_version``); what ``scaler.json`` of the run holds."""
    return prepared.scaler.restrict(config.env.features_version)


def training_prior(env: Any) -> Prior | None:
    """The prior an ``EnvConfig`` trains on (None: the cohort's split)."""
    if env.prior is None:
        return None
    core = load_training_prior(env.prior, spread=env.prior_spread)
    if env.prior_tail_share <= 0.0:
        return core
    tail = load_training_prior(env.prior, spread=env.prior_tail_spread)
    return MixturePrior(athlete=core.athlete, population=core.population,
                        source=f"{core.source} with {env.prior_tail_share:g} of {tail.source}",
                        tail=tail, tail_share=env.prior_tail_share)


@dataclass(frozen=True)
class MixturePrior(Prior):
    """A prior (its own distributions, the mixture's main part) and a ``tail`` prior of the
    same population constants: each athlete comes from ``tail`` with probability
    ``tail_share``. Both parts and the choice are drawn for every athlete from its own
    stream, so an athlete does not depend on how many are drawn together."""

    tail: Prior | None = None
    tail_share: float = 0.0

    def sample(self, n: int, rng: np.random.Generator | KeyedRandom) -> AthleteParams:
        main = super().sample(n, rng)
        if self.tail is None:
            return main
        tail = self.tail.sample(n, rng)
        from_tail = rng.random(n) < self.tail_share
        return AthleteParams(**{f.name: np.where(from_tail, getattr(tail, f.name),
                                                 getattr(main, f.name))
                                for f in dataclasses.fields(AthleteParams) if f.name != "pop"},
                             pop=main.pop)


def validation_prior(train: Any) -> Prior | None:
    """The prior a ``TrainConfig`` validates on (None: the cohort's ``val`` split)."""
    if train.eval_prior is None:
        return None
    return load_training_prior(train.eval_prior)


def prior_text(spec: str) -> tuple[str, str]:
    """(YAML text, source name) of ``default`` or a prior file (``UserError`` if missing)."""
    if spec == DEFAULT:
        text = resources.files("periodization.sim").joinpath(DEFAULT_PRIOR).read_text()
        return text, f"<package>/{DEFAULT_PRIOR}"
    path = Path(spec)
    if not path.is_file():
        raise UserError(f"env.prior: prior file not found: {path} (or 'default')")
    return path.read_text(), str(path)


def load_training_prior(spec: str, *, spread: float = 1.0) -> Prior:
    """The prior ``spec`` (``default`` or a file) with its spreads × ``spread``."""
    text, source = prior_text(spec)
    raw = parse_yaml(text)
    if spread != 1.0 and isinstance(raw, dict) and isinstance(raw.get("athlete"), dict):
        raw = copy.deepcopy(raw)
        raw["athlete"] = {k: widen(k, v, spread) for k, v in raw["athlete"].items()}
        source = f"{source} (spreads x{spread:g})"
    return parse_prior(raw, source=source)


def widen(key: str, spec: Any, factor: float) -> Any:
    """One distribution with its spread (and its clipping bounds' distance from its centre)
    × ``factor``; constants and anything malformed are returned as they are (the parser
    then names the fault)."""
    if not isinstance(spec, dict):
        return spec
    out = dict(spec)
    dist = spec.get("dist")
    try:
        if dist == "lognormal":
            median = float(spec["median"])
            out["sigma"] = float(spec["sigma"]) * factor
            for bound in ("min", "max"):
                if bound in spec and spec[bound] > 0:
                    out[bound] = median * (float(spec[bound]) / median) ** factor
        elif dist in ("normal", "uniform"):
            if dist == "normal":
                centre = float(spec["mean"])
                out["sd"] = float(spec["sd"]) * factor
            else:
                centre = 0.5 * (float(spec["low"]) + float(spec["high"]))
                half = 0.5 * (float(spec["high"]) - float(spec["low"])) * factor
                out["low"], out["high"] = centre - half, centre + half
            for bound in ("min", "max"):
                if bound in spec:
                    out[bound] = centre + (float(spec[bound]) - centre) * factor
        else:
            return spec
    except (KeyError, TypeError, ValueError):
        return spec
    return _clamp(key, spec, out)


def _clamp(key: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Keep a widened distribution inside what the parameter can be: fractions in [0, 1],
    positive parameters above half their original lowest value (never 0), the habitual
    load ratio positive."""
    if key in FRACTION_KEYS or key == "habitual_load_ratio" or key in POSITIVE_KEYS:
        lowest = _lowest(before)
        floor = 0.5 * lowest if lowest > 0 else 0.0
        if key in FRACTION_KEYS:
            floor = max(floor, 0.0)
        for name in ("low", "min"):
            if name in after and after[name] < floor:
                after[name] = floor
        if after.get("dist") in ("normal", "uniform") and "min" not in after:
            after["min"] = floor
        if after.get("dist") == "uniform" and after["low"] < floor:
            after["low"] = floor
    if key in FRACTION_KEYS:
        for name in ("high", "max"):
            if name in after and after[name] > 1.0:
                after[name] = 1.0
        if "max" not in after and after.get("dist") != "uniform":
            after["max"] = 1.0
    return after


def _lowest(spec: dict[str, Any]) -> float:
    """The lowest value a distribution can give (its min, else its support's low end)."""
    low = {"lognormal": 0.0, "normal": -np.inf, "uniform": spec.get("low", -np.inf),
           "constant": spec.get("value", -np.inf)}.get(spec.get("dist"), -np.inf)
    return float(max(low, spec.get("min", -np.inf)))
