"""Checkpoints: state dicts + JSON config + versions, written atomically, read with
``torch.load(weights_only=True)`` (no pickled objects, so loading runs no foreign code).

A checkpoint is a dict::

    format        CHECKPOINT_FORMAT
    kind          "best" or "last"
    versions      periodization, torch, numpy and observation-space (FEATURES_VERSION)
    config        the resolved run config as JSON text
    agent         SACAgent.state_dict(): networks, targets, optimiser, log α, sampler
    progress      counters: episodes, env_steps, updates, rounds
    trainer       what else a resume needs (numpy generator state, callback state, wall s)
    replay_file   for "last": the name of the matching replay ``.npz`` next to it

The replay buffer is numpy data and goes to its own ``replay-<env_steps>.npz`` (np.savez,
no pickle). It is written before ``last.pt`` and the previous one is deleted only after:
a crash at any point leaves a ``last.pt`` whose replay file exists and matches.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field
from typing_extensions import TypedDict

from periodization.core.errors import UserError
from periodization.core.io import atomic_write_bytes
from periodization.core.npz import NpzLimits, read_headers, read_npz
from periodization.core.validation import Count, Real, StrictStr, validate
from periodization.features.scaler import FEATURES_VERSION, check_features_version

CHECKPOINT_FORMAT = 1
REPLAY_ROW_BYTES_MAX = 1024  # a stored transition takes 162 B (replay.py); 1 kB bounds any


def versions() -> dict[str, Any]:
    """Versions recorded with every checkpoint and run."""
    import torch

    from periodization import __version__

    return {"periodization": __version__, "torch": str(torch.__version__),
            "numpy": np.__version__, "features_version": FEATURES_VERSION}


def save_checkpoint(path: str | Path, *, kind: str, config: dict[str, Any],
                    agent: dict[str, Any], progress: dict[str, int],
                    trainer: dict[str, Any] | None = None, replay_file: str | None = None
                    ) -> None:
    """Write one checkpoint atomically (a crash leaves the previous file intact)."""
    import torch

    payload = {"format": CHECKPOINT_FORMAT, "kind": kind, "versions": versions(),
               "config": json.dumps(config), "agent": agent, "progress": dict(progress),
               "trainer": trainer or {}, "replay_file": replay_file}
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read a checkpoint; one-line ``UserError`` if it is missing, damaged, of an unknown
    format or made for another observation space. ``config`` is returned parsed."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise UserError(f"checkpoint not found: {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a damaged file
        raise UserError(f"cannot read checkpoint {path}: damaged or not a periodization "
                        f"checkpoint ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise UserError(f"cannot read checkpoint {path}: not a periodization checkpoint "
                        f"of format {CHECKPOINT_FORMAT}")
    versions_ = payload.get("versions")
    check_features_version(versions_.get("features_version") if isinstance(versions_, dict)
                           else None, source=str(path))
    validate(CheckpointFields, {k: payload.get(k) for k in CheckpointFields.__annotations__},
             source=f"checkpoint {path}")
    if payload["kind"] == "last":
        validate(LastTrainer, payload["trainer"], source=f"checkpoint {path}: trainer")
    try:
        payload["config"] = json.loads(payload["config"])
    except (KeyError, TypeError, ValueError):
        raise UserError(f"cannot read checkpoint {path}: its config is damaged") from None
    return payload


class Progress(TypedDict):
    episodes: Count(0, 10**12)
    env_steps: Count(0, 10**15)
    updates: Count(0, 10**15)
    rounds: Count(0, 10**12)


class LastTrainer(TypedDict):
    """What a resume reads from a ``last`` checkpoint's ``trainer`` entry."""

    rng: dict[str, Any]
    wall_s: Real(0.0)
    callbacks: dict[str, Any]


class CheckpointFields(TypedDict):
    """The parts of a checkpoint read before the agent's tensors (a hostile or damaged
    checkpoint is refused here, in one line, rather than deep inside a resume)."""

    kind: Literal["best", "last"]
    config: StrictStr
    agent: dict[str, Any]
    progress: Progress
    trainer: dict[str, Any]
    replay_file: Annotated[str, Field(pattern=r"^replay-[0-9]+\.npz$")] | None


def save_arrays(path: str | Path, arrays: dict[str, Any]) -> None:
    """Named arrays as an ``.npz`` (no pickle), written atomically."""
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    atomic_write_bytes(path, buffer.getvalue())


def save_replay(path: str | Path, state: dict[str, Any], *, tag: int) -> None:
    """``ReplayBuffer.state_dict()`` tagged with the env-step count of its checkpoint."""
    save_arrays(path, {"tag": np.int64(tag), **state})


def load_replay(path: str | Path, *, tag: int, max_rows: int) -> dict[str, Any]:
    """Read what ``save_replay`` wrote; ``UserError`` if missing, damaged, declaring more
    than ``max_rows`` transitions (the run's buffer size) or more memory than is available,
    or from another checkpoint than the one being resumed (``tag``)."""
    from periodization.core.resources import require_memory

    path = Path(path)
    if not path.is_file():
        raise UserError(f"replay buffer not found: {path} (needed to resume)")
    limits = NpzLimits(kinds="fiub", max_ndim=2, max_dim=max(max_rows, 64),
                       max_bytes=max(max_rows, 1) * REPLAY_ROW_BYTES_MAX, max_members=16)
    headers = read_headers(path, limits=limits)
    require_memory(sum(h.nbytes for h in headers), what=f"replay buffer {path}")
    state = read_npz(path, limits=limits)
    found = state.pop("tag", None)
    if found is None or found.shape != () or int(found) != tag:
        raise UserError(f"replay buffer {path} does not belong to the last checkpoint; "
                        "the run was interrupted while saving: restart it without --resume")
    return {k: (v.item() if v.ndim == 0 else v) for k, v in state.items()}
