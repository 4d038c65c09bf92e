"""Several trained actors served as one: the mean of their logits, as a single MLP.

Training seeds of one config differ by a few points of outcome (docs/training.md); a policy
that averages its members' logits and takes the masked argmax is steadier than any one of
them. It needs no new serving code: K ReLU MLPs of the same depth are one wider ReLU MLP
whose hidden layers are the members' side by side (block-diagonal weights, so no member
sees another's units) and whose output layer is the members' output layers stacked and
divided by K. ``NumpyActor`` and ``recommend`` then serve it like any actor, torch-free.

Shapes (member k: obs O → hidden H_k,1 → … → A logits): merged layer 0 is (ΣH_k,1, O),
hidden layer i is (ΣH_k,i, ΣH_k,i−1) block-diagonal, the output (A, ΣH_k,last). Weights
are float64 so the 1/K scaling adds no rounding beyond float64's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from periodization.agents.artifacts import (
    ACTOR,
    ACTOR_LIMITS,
    RUN_JSON,
    SCALER,
    ExportedModel,
    load_model,
    load_run,
    save_model,
)
from periodization.core.errors import UserError
from periodization.core.npz import read_npz

MAX_MEMBERS = 16  # the merged hidden layers stay within ``ACTOR_LIMITS`` (4096 units)


def merge_actor_weights(members: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One actor's ``weight_i`` (out, in) / ``bias_i`` (out,) arrays whose logits are the
    mean of the members' logits for every observation. Members must have the same number
    of layers, observation width and number of actions (hidden widths may differ);
    ``ValueError`` otherwise."""
    if not members:
        raise ValueError("an ensemble needs at least one member")
    depths = {len(m) // 2 for m in members}
    if len(depths) != 1:
        raise ValueError(f"members have different numbers of layers: {sorted(depths)}")
    n_layers = depths.pop()
    shapes = [[np.shape(m[f"weight_{i}"]) for i in range(n_layers)] for m in members]
    if len({s[0][1] for s in shapes}) != 1 or len({s[-1][0] for s in shapes}) != 1:
        raise ValueError("members take different observations or give different actions")
    k = len(members)
    merged: dict[str, np.ndarray] = {}
    for i in range(n_layers):
        ws = [np.asarray(m[f"weight_{i}"], dtype=np.float64) for m in members]
        bs = [np.asarray(m[f"bias_{i}"], dtype=np.float64) for m in members]
        if n_layers == 1:  # linear actors: the mean of the members' maps
            w, b = np.mean(ws, axis=0), np.mean(bs, axis=0)
        elif i == 0:  # every member reads the same observation
            w, b = np.concatenate(ws, axis=0), np.concatenate(bs)
        elif i < n_layers - 1:  # each member's units read only its own previous units
            w, b = _block_diagonal(ws), np.concatenate(bs)
        else:  # the mean of the members' logits
            w, b = np.concatenate(ws, axis=1) / k, np.mean(bs, axis=0)
        merged[f"weight_{i}"], merged[f"bias_{i}"] = w, b
    return merged


def _block_diagonal(blocks: Sequence[np.ndarray]) -> np.ndarray:
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def write_ensemble(runs: Sequence[str | Path], out: str | Path, *, force: bool = False,
                   note: str | None = None) -> dict[str, Any]:
    """Merge the best actors of ``runs`` (run or model directories) into the model directory
    ``out`` (``actor.npz``, ``scaler.json``, ``model.json``) and return its ``model.json``.

    Every member must have been trained with the same feature scaler, byte for byte (the
    merged actor reads one normalised observation) and with the hard masks. ``out`` must not
    hold a model unless ``force``; a member is never overwritten."""
    runs = [Path(r) for r in runs]
    if not 2 <= len(runs) <= MAX_MEMBERS:
        raise UserError(f"an ensemble takes 2 to {MAX_MEMBERS} runs, got {len(runs)}")
    out = Path(out)
    if any(out.resolve() == r.resolve() for r in runs):
        raise UserError(f"--out {out} is one of the members; write the ensemble elsewhere")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a directory")
    if (out / RUN_JSON).exists():
        raise UserError(f"--out {out} is a training run; write the ensemble to its own "
                        "directory")
    if (out / ACTOR).exists() and not force:
        raise UserError(f"{out} already holds a model ({ACTOR}); pass --force to replace it")
    models = [_member(r) for r in runs]
    first = models[0].scaler
    for run, model in zip(runs, models, strict=True):
        if not (np.array_equal(model.scaler.mean, first.mean)
                and np.array_equal(model.scaler.scale, first.scale)):
            raise UserError(f"{run / SCALER} differs from {runs[0] / SCALER}: members must "
                            "share one feature scaler")
        if not model.uses_mask:
            raise UserError(f"{run} was trained with every safety rule off; an ensemble "
                            "serves masked actors only")
    try:
        weights = merge_actor_weights([read_npz(r / ACTOR, limits=ACTOR_LIMITS) for r in runs])
    except ValueError as exc:
        raise UserError(f"cannot merge {', '.join(map(str, runs))}: {exc}") from None
    info = {"name": out.name, "algorithm": "ensemble: the mean of its members' logits, "
            "masked argmax", "members": [str(r) for r in runs],
            "member_seeds": [m.info.get("seed") for m in models],
            "features_version": models[0].info.get("features_version"),
            "layer_widths": [int(weights[f"bias_{i}"].shape[0])
                             for i in range(len(weights) // 2)]}
    if note:
        info["note"] = note
    save_model(out, weights=weights, scaler=first, info=info)
    return info


def _member(path: Path) -> ExportedModel:
    """A run directory's best actor (its observation space checked, ``run.json`` as info) or
    a model directory's actor."""
    return load_run(path) if os.path.lexists(path / RUN_JSON) else load_model(path)
