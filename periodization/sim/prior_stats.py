"""Summaries of one prior parameter's distribution, for calibration and typical athletes.

A spec is one entry of ``prior.yaml``'s ``athlete:`` section (``dist`` and its fields,
optionally ``min``/``max``), already validated by ``params.parse_prior``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def typical_value(spec: dict[str, Any]) -> float:
    """The median of one parameter's distribution, clipped to its [min, max]."""
    dist = spec["dist"]
    x = {"lognormal": spec.get("median"), "normal": spec.get("mean"),
         "uniform": 0.5 * (spec.get("low", 0.0) + spec.get("high", 0.0)),
         "constant": spec.get("value")}[dist]
    return float(np.clip(x, spec.get("min", -np.inf), spec.get("max", np.inf)))


def log_density_of_log(spec: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Log prior density of ln x (up to a constant) for x > 0: the density a grid that is
    uniform in ln x weighs its points by. −inf outside the distribution's support."""
    x = np.asarray(x, dtype=np.float64)
    dist = spec["dist"]
    if dist == "lognormal":
        out = -0.5 * ((np.log(x) - np.log(spec["median"])) / max(spec["sigma"], 1e-9)) ** 2
    elif dist == "normal":
        out = -0.5 * ((x - spec["mean"]) / max(spec["sd"], 1e-12)) ** 2 + np.log(x)
    elif dist == "uniform":
        out = np.where((x >= spec["low"]) & (x <= spec["high"]), np.log(x), -np.inf)
    else:
        out = np.where(np.isclose(x, spec["value"]), 0.0, -np.inf)
    inside = (x >= spec.get("min", -np.inf)) & (x <= spec.get("max", np.inf))
    return np.where(inside, out, -np.inf)


def gaussian_approximation(spec: dict[str, Any]) -> tuple[float, float]:
    """(mean, SD) of a normal close to one parameter's distribution (a ridge prior)."""
    dist = spec["dist"]
    if dist == "lognormal":
        return float(spec["median"]), float(spec["median"] * spec["sigma"])
    if dist == "normal":
        return float(spec["mean"]), float(spec["sd"])
    if dist == "uniform":
        return 0.5 * (spec["low"] + spec["high"]), (spec["high"] - spec["low"]) / np.sqrt(12.0)
    return float(spec["value"]), 1e-6
