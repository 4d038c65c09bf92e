"""Optional dependencies: import one lazily, or say in one line which extra installs it.

``pip install periodization`` serves advice (``recommend``) and the environments; training
needs ``[train]`` (torch, tensorboard), the HTML report ``[report]`` (matplotlib), PPO and
SB3 models ``[ppo]``, ``periodize tune`` ``[tune]`` (optuna), sweeps and batch advice on
Ray ``[ray]``; ``[all]`` is everything.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from periodization.core.errors import UserError

# module → (distribution to name in the message, extra that installs it)
EXTRAS = {
    "torch": ("torch", "train"),
    "tensorboard": ("tensorboard", "train"),
    "matplotlib": ("matplotlib", "report"),
    "stable_baselines3": ("stable-baselines3", "ppo"),
    "sb3_contrib": ("sb3-contrib", "ppo"),
    "optuna": ("optuna", "tune"),
    "ray": ("ray", "ray"),
    "psutil": ("psutil", "ray"),
}


class MissingExtra(UserError):
    """An optional dependency a command needs is not installed."""


def require(module: str, *, purpose: str) -> ModuleType:
    """``import module``, or ``MissingExtra`` naming the extra: ``training needs torch:
    pip install 'periodization[train]'``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        dist, extra = EXTRAS.get(top, (top, "all"))
        raise MissingExtra(f"{purpose} needs {dist}: pip install 'periodization[{extra}]'"
                           ) from None
