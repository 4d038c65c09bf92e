"""Policies from outside the project: a Python callable, an object with ``act``, a
``module:attr`` reference, or a Stable-Baselines3 ``model.zip`` (``sb3:PATH``).

A callable takes the normalised observations (B, F) float32 (F = 31, observation space
v2) and the masks (B, 6) bool and returns actions (B,) int; it may ignore the mask (the
environment then replaces a masked choice by REST and counts a violation, as for any
unmasked agent).
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from periodization.core.errors import UserError
from periodization.policies.base import BasePolicy

SB3_PREFIX = "sb3:"
_REFERENCE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class CallablePolicy(BasePolicy):
    """``fn(obs, mask) -> actions`` as a policy (stateless)."""

    def __init__(self, fn: Callable[[np.ndarray, np.ndarray], Any], *, name: str) -> None:
        self.fn, self.name = fn, name

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        actions = np.asarray(self.fn(obs, mask))
        if actions.shape != (len(obs),) or not np.issubdtype(actions.dtype, np.number):
            raise UserError(f"policy {self.name!r} returned {actions.dtype} of shape "
                            f"{actions.shape} for {len(obs)} observations; expected "
                            f"({len(obs)},) action ids")
        return actions.astype(np.int64)


def as_policy(thing: Any, *, name: str | None = None) -> BasePolicy:
    """A policy from an object with ``act(obs, mask, deterministic)`` or a callable
    ``(obs, mask) -> actions``."""
    if hasattr(thing, "act"):
        if name is not None:
            thing.name = name
        elif not isinstance(getattr(thing, "name", None), str):
            thing.name = type(thing).__name__
        for method, default in (("reset", lambda n: None), ("bind", lambda world: None)):
            if not hasattr(thing, method):
                setattr(thing, method, default)
        return thing
    if callable(thing):
        label = name or getattr(thing, "__name__", "callable")
        try:
            inspect.signature(thing).bind(None, None)
        except TypeError:
            raise UserError(f"policy {label!r} cannot be called as fn(obs, mask) -> actions "
                            "(it takes other arguments)") from None
        except ValueError:
            pass  # no signature to read (some builtins): its first call will tell
        return CallablePolicy(thing, name=label)
    raise UserError(f"not a policy: {thing!r} (expected an object with act() or a callable "
                    "(obs, mask) -> actions)")


def spec_name(spec: str) -> str:
    """The table name of ``sb3:PATH`` (the file's stem) or ``module:attr`` (``attr``)."""
    if spec.startswith(SB3_PREFIX):
        return Path(spec[len(SB3_PREFIX):]).stem
    return spec.rpartition(":")[2].split(".")[-1]


def is_reference(spec: str) -> bool:
    """``package.module:attr`` (and not a path that exists)."""
    return bool(_REFERENCE.match(spec)) and not Path(spec).exists()


def import_policy(spec: str) -> BasePolicy:
    """``module:attr``: a policy object, a callable ``(obs, mask) -> actions``, or a class /
    factory taking no arguments that returns one of those. The current directory is
    searched too (``periodize`` is a console script, whose path does not include it)."""
    module_name, _, attr = spec.partition(":")
    if os.getcwd() not in sys.path:  # as uvicorn does: modules next to you are importable
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UserError(f"cannot import {module_name!r} for policy {spec!r}: {exc}") from None
    target: Any = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise UserError(f"policy {spec!r}: {module_name} has no attribute {attr!r}")
        target = getattr(target, part)
    if isinstance(target, type):
        target = target()
    return as_policy(target, name=attr.split(".")[-1])


class SB3Policy(BasePolicy):
    """The policy network of an SB3 ``model.zip`` (PPO, A2C, DQN, MaskablePPO …), acting
    deterministically. Maskable policies get the masks; others choose among all six actions,
    and the environment counts what the rules forbid. Observations must be the ones the model
    was trained on: ``Periodization-v1``'s (normalised with the same cohort's scaler), or the
    ``DictMaskObservation`` layout."""

    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        from periodization.core.extras import require

        require("stable_baselines3", purpose=f"policy {SB3_PREFIX}{path}")
        from stable_baselines3.common.save_util import load_from_zip_file

        path = Path(path)
        if not path.is_file():
            raise UserError(f"SB3 model not found: {path}")
        try:
            data, params, _ = load_from_zip_file(path, device="cpu", print_system_info=False)
            policy = data["policy_class"](data["observation_space"], data["action_space"],
                                          lambda _: 0.0, **data.get("policy_kwargs", {}))
            policy.load_state_dict(params["policy"])
        except Exception as exc:  # a corrupt or foreign zip: one line, not a traceback
            raise UserError(f"cannot load SB3 model {path}: {exc}") from None
        policy.set_training_mode(False)
        self.policy, self.name = policy, name or path.stem
        self.maskable = "action_masks" in _parameters(policy.predict)
        space = data["observation_space"]
        self.dict_keys: tuple[str, str] | None = None  # (observation key, mask key)
        if hasattr(space, "spaces"):  # trained on DictMaskObservation
            keys = list(space.spaces)
            mask_key = next((k for k in keys if k in ("action_mask", "mask")), keys[-1])
            self.dict_keys = (next(k for k in keys if k != mask_key), mask_key)
            space = space.spaces[self.dict_keys[0]]
        # a model of an older observation space reads the leading columns it was trained on
        self.width = int(space.shape[-1]) if getattr(space, "shape", None) else None

    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        x: Any = obs if self.width is None else np.ascontiguousarray(obs[..., :self.width])
        if self.dict_keys is not None:
            x = {self.dict_keys[0]: x, self.dict_keys[1]: mask.astype(np.float32)}
        extra = {"action_masks": mask} if self.maskable else {}
        actions, _ = self.policy.predict(x, deterministic=deterministic, **extra)
        return np.asarray(actions, dtype=np.int64).reshape(len(obs))


def _parameters(fn: Callable) -> set[str]:
    import inspect

    return set(inspect.signature(fn).parameters)
