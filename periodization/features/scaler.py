"""Feature normalisation: mean/SD fitted on training athletes only, saved with every model.

A scaler covers the leading k raw features: k says its observation space (v1: the 17
morning features; v2: the 31 with the history features; v3: all 32, with recent
strength work).

The file records the feature names and version, so a model trained on another observation
space is refused with a clear message instead of failing with a shape error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field
from typing_extensions import TypedDict

from periodization.core.errors import UserError
from periodization.core.io import atomic_write_json, read_json_object
from periodization.core.validation import Real, show, validate
from periodization.features import kernels as K
from periodization.features.daily import FEATURE_NAMES

FEATURES_VERSION = 3  # the newest observation space; bump when any feature's definition changes
# Each observation space is the leading columns of the raw features: v1 the 17 features of
# one morning (the space models trained before the history features use), v2 the 31 with
# the history features, v3 all 32 with the recent strength work (the shipped model's).
VERSION_NAMES: dict[int, tuple[str, ...]] = {1: FEATURE_NAMES[:17], 2: FEATURE_NAMES[:31],
                                              3: FEATURE_NAMES}
CLIP = 10.0  # normalised features are clipped to ±CLIP (finite observation-space bounds)


def _values_schema(n: int) -> type:
    return TypedDict("ScalerValues", {  # type: ignore[misc]
        "mean": Annotated[list[Real()], Field(min_length=n, max_length=n)],
        "scale": Annotated[list[Real(gt=0.0)], Field(min_length=n, max_length=n)]})


_SCHEMAS = {v: _values_schema(len(names)) for v, names in VERSION_NAMES.items()}


@dataclass(frozen=True)
class FeatureScaler:
    """Mean and SD of the first k raw features; k (17, 31 or 32) says its observation space."""

    mean: np.ndarray  # (k,)
    scale: np.ndarray  # (k,), > 0

    @classmethod
    def fit(cls, raw: np.ndarray) -> FeatureScaler:
        """Fit on raw features of shape (rows, 32); constant features get scale 1."""
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim != 2 or raw.shape[1] != len(FEATURE_NAMES) or len(raw) < 2:
            raise UserError(f"cannot fit a scaler on an array of shape {raw.shape}")
        sd = raw.std(axis=0)
        return cls(mean=raw.mean(axis=0), scale=np.where(sd > 1e-8, sd, 1.0))

    @property
    def n_features(self) -> int:
        """The observation's width."""
        return len(self.mean)

    @property
    def version(self) -> int:
        """The observation space (``VERSION_NAMES``) this scaler normalises."""
        return next(v for v, names in VERSION_NAMES.items() if len(names) == len(self.mean))

    def restrict(self, version: int) -> FeatureScaler:
        """The same scaler for the leading columns of an older observation space (its mean
        and SD are those a fit on those columns alone gives: the fit is column by column)."""
        check_features_version(version, source="features_version")
        k = len(VERSION_NAMES[version])
        if k > len(self.mean):
            raise UserError(f"a scaler of {len(self.mean)} features cannot normalise "
                            f"observation space v{version} ({k} features)")
        return FeatureScaler(mean=self.mean[:k].copy(), scale=self.scale[:k].copy())

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """(..., ≥ k) raw → normalised float32 (..., k), clipped to ±CLIP: the leading k
        columns, so raw features of a newer space serve a model of an older one."""
        raw = np.asarray(raw, dtype=np.float64)
        flat = np.ascontiguousarray(raw.reshape(-1, raw.shape[-1]))
        if flat.shape[1] < len(self.mean):
            raise ValueError(f"{flat.shape[1]} raw features, the scaler needs "
                             f"{len(self.mean)}")
        out = K.scale(flat, self.mean, 1.0 / self.scale, CLIP)
        return out.reshape(*raw.shape[:-1], len(self.mean))

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """Normalised (..., k) → raw float64 (exact unless a value was clipped)."""
        return np.asarray(z, dtype=np.float64) * self.scale + self.mean

    def to_dict(self) -> dict:
        return {"features_version": self.version, "features": list(VERSION_NAMES[self.version]),
                "mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "scaler") -> FeatureScaler:
        """Read ``to_dict``'s output; ``UserError`` for another observation space, or for a
        mean or scale that is not k finite numbers (scales > 0)."""
        version, names = d.get("features_version"), d.get("features")
        known = type(version) is int and version in VERSION_NAMES
        if not known or names != list(VERSION_NAMES[version]):
            count = len(names) if isinstance(names, list) else 0
            raise UserError(
                f"{source} was made for observation space v{show(version)} ({count} "
                f"features); this version of periodization reads {_spaces()}: retrain "
                "the model")
        checked = validate(_SCHEMAS[version], {"mean": d.get("mean"), "scale": d.get("scale")},
                           source=source)
        return cls(mean=np.asarray(checked["mean"], float),
                   scale=np.asarray(checked["scale"], float))

    def save(self, path: str | Path) -> None:
        atomic_write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> FeatureScaler:
        path = Path(path)
        d = read_json_object(path, what="scaler")
        return cls.from_dict(d, source=str(path))


def _spaces() -> str:
    spaces = [f"v{v} ({len(n)} features)" for v, n in VERSION_NAMES.items()]
    return ", ".join(spaces[:-1]) + " and " + spaces[-1]


def check_features_version(found: object, *, source: str) -> None:
    """Refuse anything trained on an observation space this version cannot compute, before
    any shape can clash."""
    if type(found) is not int or found not in VERSION_NAMES:
        raise UserError(f"{source} was trained on observation space v{show(found)}; this "
                        f"version of periodization reads {_spaces()}: retrain the model")


def adapter(env: FeatureScaler, model: FeatureScaler):
    """How to turn observations the environment normalised with ``env`` into the ones a
    model trained with ``model`` reads: None (the same scaler), a column slice (the model's
    scaler is the leading part of the environment's: numbers unchanged), or re-scaling
    (``env.inverse`` then ``model.transform``). ``UserError`` when the model needs features
    the environment does not observe."""
    k = model.n_features
    if k > env.n_features:
        raise UserError(f"the model reads observation space v{model.version} ({k} "
                        f"features); the environment observes v{env.version}")
    if np.array_equal(env.mean[:k], model.mean) and np.array_equal(env.scale[:k], model.scale):
        if k == env.n_features:
            return None
        return lambda obs: np.ascontiguousarray(obs[..., :k])
    return lambda obs: model.transform(env.inverse(obs))
