"""Feature normalisation: mean/SD fitted on training athletes only, saved with every model.

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

_N = len(FEATURE_NAMES)


class ScalerValues(TypedDict):
    mean: Annotated[list[Real()], Field(min_length=_N, max_length=_N)]
    scale: Annotated[list[Real(gt=0.0)], Field(min_length=_N, max_length=_N)]


FEATURES_VERSION = 1  # bump when the definition of any of the 17 features changes
CLIP = 10.0  # normalised features are clipped to ±CLIP (finite observation-space bounds)


@dataclass(frozen=True)
class FeatureScaler:
    mean: np.ndarray  # (17,)
    scale: np.ndarray  # (17,), > 0

    @classmethod
    def fit(cls, raw: np.ndarray) -> FeatureScaler:
        """Fit on raw features of shape (rows, 17); constant features get scale 1."""
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim != 2 or raw.shape[1] != len(FEATURE_NAMES) or len(raw) < 2:
            raise UserError(f"cannot fit a scaler on an array of shape {raw.shape}")
        sd = raw.std(axis=0)
        return cls(mean=raw.mean(axis=0), scale=np.where(sd > 1e-8, sd, 1.0))

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """(..., 17) raw → normalised float32, clipped to ±CLIP."""
        raw = np.asarray(raw, dtype=np.float64)
        flat = np.ascontiguousarray(raw.reshape(-1, raw.shape[-1]))
        return K.scale(flat, self.mean, 1.0 / self.scale, CLIP).reshape(raw.shape)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """Normalised (..., 17) → raw float64 (exact unless a value was clipped)."""
        return np.asarray(z, dtype=np.float64) * self.scale + self.mean

    def to_dict(self) -> dict:
        return {"features_version": FEATURES_VERSION, "features": list(FEATURE_NAMES),
                "mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict, *, source: str = "scaler") -> FeatureScaler:
        """Read ``to_dict``'s output; ``UserError`` for another observation space, or for a
        mean or scale that is not 17 finite numbers (scales > 0)."""
        version, names = d.get("features_version"), d.get("features")
        if version != FEATURES_VERSION or names != list(FEATURE_NAMES):
            count = len(names) if isinstance(names, list) else 0
            raise UserError(
                f"{source} was made for observation space v{show(version)} ({count} "
                f"features); this version of periodization uses v{FEATURES_VERSION} "
                f"({len(FEATURE_NAMES)} features): retrain the model")
        checked = validate(ScalerValues, {"mean": d.get("mean"), "scale": d.get("scale")},
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


def check_features_version(found: object, *, source: str) -> None:
    """Refuse anything trained on another observation space, before any shape can clash."""
    if found != FEATURES_VERSION:
        raise UserError(f"{source} was trained on observation space v{show(found)}; this version "
                        f"of periodization uses v{FEATURES_VERSION}: retrain the model")
