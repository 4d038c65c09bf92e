"""The search space of ``periodize tune``: which config keys a study varies, and how.

A small YAML file, by default next to the run config (``sac.yaml`` → ``sac.space.yaml``)::

    fixed:                     # set in every trial before sampling (e.g. a smaller budget)
      train.episodes: 150
    params:                    # dotted keys of the run config, each one distribution
      sac.lr_actor: {type: float, low: 1.0e-4, high: 1.0e-3, log: true}
      sac.batch_size: {type: int, low: 64, high: 512, log: true}
      train.updates_per_env_step: {type: float, low: 0.1, high: 0.5, step: 0.05}
      sac.hidden: {type: categorical, choices: [[64, 64], [128, 128], [256, 256]]}
    pruner:                    # optional; default median, 2 startup trials, 1 evaluation
      type: median             # median | threshold | none
      startup_trials: 2        # median: trials that finish before any is pruned
      warmup_evaluations: 1    # median: a trial's first evaluations, never judged
      # type: threshold, lower: 0.0  prunes a trial whose validation outcome falls below

Every key, distribution and bound is checked before the first trial, in one line naming
the key (``UserError``): an unknown config key, ``low`` ≥ ``high``, a bound the config
itself refuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodization.core.errors import UserError
from periodization.core.yaml_io import load_yaml
from periodization.training.config import RunConfig, from_dict, to_dict

TYPES = ("float", "int", "categorical")
PRUNERS = ("median", "threshold", "none")


@dataclass(frozen=True)
class Param:
    """One sampled key: ``float``/``int`` in [low, high] (``log``, ``step``) or one of
    ``choices`` (lists such as hidden widths travel to Optuna as JSON strings)."""

    key: str
    type: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()

    def suggest(self, trial: Any) -> Any:
        """The value ``trial`` (an ``optuna.Trial``) samples for this key."""
        if self.type == "float":
            value = trial.suggest_float(self.key, self.low, self.high, log=self.log,
                                        step=self.step)
            # a stepped value is low + k·step in binary floating point (0.15000000000000002):
            # the config gets the decimal the space meant
            return round(value, 12) if self.step is not None else value
        if self.type == "int":
            return trial.suggest_int(self.key, int(self.low), int(self.high), log=self.log,
                                     step=int(self.step or 1))
        return json.loads(trial.suggest_categorical(self.key, [json.dumps(c)
                                                               for c in self.choices]))

    def extremes(self) -> list[Any]:
        """The values to try on the base config before a study starts."""
        if self.type == "categorical":
            return list(self.choices)
        cast = int if self.type == "int" else float
        return [cast(self.low), cast(self.high)]


@dataclass(frozen=True)
class SearchSpace:
    params: tuple[Param, ...]
    fixed: dict[str, Any]
    pruner: dict[str, Any]
    source: str

    def trial_config(self, base: RunConfig, values: dict[str, Any]) -> RunConfig:
        """``base`` with ``fixed`` and then the sampled ``values`` (dotted key → value)."""
        data = to_dict(base)
        for key, value in {**self.fixed, **values}.items():
            *sections, name = key.split(".")
            node = data
            for section in sections:
                node = node[section]
            node[name] = value
        return from_dict(data, source=f"{self.source}: a trial")


def default_space_path(config: Path) -> Path:
    """``DIR/NAME.space.yaml`` for the config ``DIR/NAME.yaml``."""
    return config.with_name(config.name.removesuffix(config.suffix) + ".space.yaml")


def load_space(path: str | Path, *, base: RunConfig) -> SearchSpace:
    """Read and check a search space against the config it varies (``UserError``)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"search space not found: {path} (write one, see docs/training.md, "
                        "or pass --space)")
    raw = load_yaml(path, what="search space")
    src = str(path)
    if not isinstance(raw, dict):
        raise UserError(f"{src}: a search space is a mapping with params (and fixed, pruner)")
    unknown = set(raw) - {"params", "fixed", "pruner"}
    if unknown:
        raise UserError(f"{src}: unknown key {sorted(unknown)[0]!r} (known: params, fixed, "
                        "pruner)")
    leaves = _leaves(to_dict(base))
    fixed = raw.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise UserError(f"{src}: fixed must be a mapping of config keys to values")
    for key in fixed:
        _check_key(key, leaves, src, "fixed")
    params_raw = raw.get("params")
    if not isinstance(params_raw, dict) or not params_raw:
        raise UserError(f"{src}: params must map at least one config key to a distribution")
    params = tuple(_param(key, spec, leaves, src) for key, spec in params_raw.items())
    space = SearchSpace(params=params, fixed=dict(fixed), pruner=_pruner(raw.get("pruner"),
                                                                         src), source=src)
    fixed_config = space.trial_config(base, {})
    for param in params:  # each bound must make a valid config on its own
        for value in param.extremes():
            try:
                space.trial_config(fixed_config, {param.key: value})
            except UserError as exc:
                raise UserError(f"{src}: params.{param.key} = {value!r} makes an invalid "
                                f"config ({exc})") from None
    return space


def _leaves(data: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted keys of a config's tunable values (the reward and safety sections included)."""
    out: set[str] = set()
    for key, value in data.items():
        if isinstance(value, dict):
            out |= _leaves(value, f"{prefix}{key}.")
        else:
            out.add(f"{prefix}{key}")
    return out


def _check_key(key: Any, leaves: set[str], src: str, where: str) -> None:
    if not isinstance(key, str) or key not in leaves:
        raise UserError(f"{src}: {where}.{key} is not a key of the run config (e.g. "
                        "sac.lr_actor, train.updates_per_env_step, env.reward.w_short)")


def _param(key: Any, spec: Any, leaves: set[str], src: str) -> Param:
    _check_key(key, leaves, src, "params")
    where = f"{src}: params.{key}"
    if not isinstance(spec, dict) or spec.get("type") not in TYPES:
        raise UserError(f"{where} needs type: {', '.join(TYPES)}")
    kind = spec["type"]
    allowed = {"type", "choices"} if kind == "categorical" else {"type", "low", "high", "log",
                                                                  "step"}
    extra = set(spec) - allowed
    if extra:
        raise UserError(f"{where}: unknown key {sorted(extra)[0]!r} for type {kind}")
    if kind == "categorical":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices:
            raise UserError(f"{where}: choices must be a non-empty list")
        return Param(key=key, type=kind, choices=tuple(choices))
    low, high = spec.get("low"), spec.get("high")
    number = int if kind == "int" else (int, float)
    for name, value in (("low", low), ("high", high), ("step", spec.get("step"))):
        if value is None and name == "step":
            continue
        if isinstance(value, bool) or not isinstance(value, number):
            what = "an integer" if kind == "int" else "a number"
            raise UserError(f"{where}: {name} must be {what}, got {value!r}")
    if not low < high:
        raise UserError(f"{where}: low ({low}) must be below high ({high})")
    log = spec.get("log", False)
    if not isinstance(log, bool):
        raise UserError(f"{where}: log must be true or false")
    step = spec.get("step")
    if log and (low <= 0 or step is not None):
        raise UserError(f"{where}: log needs low > 0 and no step")
    if step is not None and step <= 0:
        raise UserError(f"{where}: step must be positive")
    return Param(key=key, type=kind, low=low, high=high, log=log, step=step)


def _pruner(raw: Any, src: str) -> dict[str, Any]:
    spec = {"type": "median", "startup_trials": 2, "warmup_evaluations": 1}
    if raw is None:
        return spec
    if not isinstance(raw, dict) or raw.get("type", "median") not in PRUNERS:
        raise UserError(f"{src}: pruner.type must be one of {', '.join(PRUNERS)}")
    kind = raw.get("type", "median")
    known = {"median": {"type", "startup_trials", "warmup_evaluations"},
             "threshold": {"type", "lower"}, "none": {"type"}}[kind]
    extra = set(raw) - known
    if extra:
        raise UserError(f"{src}: pruner: unknown key {sorted(extra)[0]!r} for type {kind}")
    spec = {**spec, **raw} if kind == "median" else dict(raw)
    for name in ("startup_trials", "warmup_evaluations"):
        value = spec.get(name)
        if kind == "median" and (isinstance(value, bool) or not isinstance(value, int)
                                 or value < 0):
            raise UserError(f"{src}: pruner.{name} must be a whole number ≥ 0")
    if kind == "threshold":
        lower = spec.get("lower")
        if isinstance(lower, bool) or not isinstance(lower, int | float):
            raise UserError(f"{src}: pruner.lower must be a number (a validation outcome, %)")
    return spec
