"""A trained model as ``recommend`` serves it: the actor's weights and the feature scaler,
loaded without torch.

A model directory (a training run directory, or the default model shipped in
``periodization/models/default/``) holds

* ``actor.npz``: ``SACAgent.export_actor()`` saved with ``np.savez`` (``weight_i``,
  ``bias_i``), served by ``NumpyActor``;
* ``scaler.json``: the ``FeatureScaler`` fitted with it (it refuses another observation
  space's version);
* ``model.json`` (optional): what the model is and how to reproduce it.

Every problem is a ``UserError`` with one line naming the directory and the fault.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from periodization.agents.numpy_policy import NumpyActor
from periodization.athlete.actions import N_ACTIONS
from periodization.data.features import N_FEATURES
from periodization.data.scaler import FeatureScaler
from periodization.errors import UserError

ACTOR_FILE, SCALER_FILE, INFO_FILE = "actor.npz", "scaler.json", "model.json"
DEFAULT_MODEL = ("models", "default")


@dataclass(frozen=True)
class ExportedModel:
    actor: NumpyActor
    scaler: FeatureScaler
    source: str  # the directory, or "default model"
    info: dict  # model.json (empty if absent)


def default_model_dir() -> Path:
    """Where the packaged default model lives (it may be absent in a development tree)."""
    return Path(str(resources.files("periodization").joinpath(*DEFAULT_MODEL)))


def load_model(path: str | Path | None = None) -> ExportedModel:
    """Load a model directory, or the packaged default model when ``path`` is None."""
    if path is None:
        folder = default_model_dir()
        if not (folder / ACTOR_FILE).is_file():
            raise UserError(
                "no default model is installed with this package (periodization/models/"
                "default/actor.npz is missing); pass --model RUN_DIR with a trained run")
        return _load(folder, source="default model")
    folder = Path(path)
    if not folder.exists():
        raise UserError(f"model directory not found: {folder}")
    if not folder.is_dir():
        raise UserError(f"{folder} is not a model directory (expected a folder with "
                        f"{ACTOR_FILE} and {SCALER_FILE})")
    if not (folder / ACTOR_FILE).is_file():
        raise UserError(f"{folder} holds no trained actor ({ACTOR_FILE} is missing)")
    return _load(folder, source=str(folder))


def _load(folder: Path, *, source: str) -> ExportedModel:
    scaler = FeatureScaler.load(folder / SCALER_FILE)
    actor = _actor(folder / ACTOR_FILE)
    if actor.obs_dim != N_FEATURES or actor.n_actions != N_ACTIONS:
        raise UserError(f"{folder / ACTOR_FILE} maps {actor.obs_dim} features to "
                        f"{actor.n_actions} actions; this version needs {N_FEATURES} → "
                        f"{N_ACTIONS}: retrain the model")
    info: dict = {}
    if (folder / INFO_FILE).is_file():
        try:
            info = json.loads((folder / INFO_FILE).read_text())
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot read {folder / INFO_FILE}: {exc}") from None
        if not isinstance(info, dict):
            raise UserError(f"{folder / INFO_FILE}: expected a JSON object")
    return ExportedModel(actor=actor, scaler=scaler, source=source, info=info)


def _actor(path: Path) -> NumpyActor:
    try:
        with np.load(path, allow_pickle=False) as data:
            weights = {k: data[k] for k in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise UserError(f"cannot read {path}: {' '.join(str(exc).split()) or 'not an npz file'}"
                        ) from None
    try:
        return NumpyActor.from_weights(weights)
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None


def save_model(folder: str | Path, *, weights: dict[str, np.ndarray], scaler: FeatureScaler,
               info: dict | None = None) -> Path:
    """Write a model directory ``load_model`` reads (each file atomically)."""
    import io

    from periodization.io import atomic_write_bytes, atomic_write_json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in weights.items()})
    atomic_write_bytes(folder / ACTOR_FILE, buffer.getvalue())
    scaler.save(folder / SCALER_FILE)
    if info is not None:
        atomic_write_json(folder / INFO_FILE, info)
    return folder
