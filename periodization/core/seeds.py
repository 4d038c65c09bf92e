"""The validation athletes' seed stream: the one definition training and evaluation share.

Row i of a validation on fresh athletes is the episode seeded ``VALIDATION_SEED + i``:
validation during training (``training/callbacks.py``), model selection and the figures of
``models/default/model.json`` (``benchmarks/policy_compare.py --seed 5000000000``). The
stream lies above every 32-bit word training rounds seed episodes with, and apart from the
evaluation streams (``evaluation/athletes.py``: 128-bit states offset by a tag), so a
validation athlete is never a training or a test athlete. Here, below both training and
evaluation, so neither keeps a copy.
"""

from __future__ import annotations

VALIDATION_SEED = 5_000_000_000


def validation_seeds(athletes: int) -> list[int]:
    """Episode seeds of the first ``athletes`` validation athletes (the same for every run:
    configs compare on paired validation athletes)."""
    return [VALIDATION_SEED + i for i in range(athletes)]
