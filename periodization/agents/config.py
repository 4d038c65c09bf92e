"""The one configuration of the masked discrete SAC learner.

Defaults for learning rates, widths, γ, τ, α, batch and buffer are the seed's
(LEARNING_GUIDE.md, ``sac:``); the rest are this package's additions, each justified below.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from periodization.core.validation import SCHEMA, Count, Real, StrictBool

LearningRate = Real(gt=0.0, le=1.0)
Width = Count(1, 4096)
Hidden = Annotated[tuple[Width, ...], Field(min_length=1, max_length=8)]
"""Hidden widths: 1–8 layers of 1–4096 units (a 4096² float32 layer is 64 MB)."""
MAX_THREADS = 64


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class SACConfig:
    lr_actor: LearningRate = 3e-4
    """Adam learning rate of the actor (per gradient update)."""

    lr_critic: LearningRate = 3e-4
    """Adam learning rate of both critics (the twin ensemble)."""

    lr_alpha: LearningRate = 3e-4
    """Adam learning rate of log α, the temperature's logarithm (used when ``auto_alpha``)."""

    hidden: Hidden = (256, 256)
    """Hidden layer widths, shared by actor and critics (ReLU between layers, no dropout)."""

    gamma: Real(gt=0.0, le=1.0) = 0.99
    """Discount per environment step (one day): a 100-day effective horizon."""

    tau: Real(gt=0.0, le=1.0) = 0.005
    """Polyak rate of the target critics per update: target ← (1 − τ)·target + τ·online."""

    alpha_init: Real(gt=0.0, le=1000.0) = 0.2
    """Initial temperature α (reward units per nat of entropy); fixed if not ``auto_alpha``."""

    auto_alpha: StrictBool = True
    """Tune α by gradient descent so the policy's entropy tracks the target entropy."""

    target_entropy_ratio: Real(0.0, 1.0) = 0.5
    """Target entropy per state, as a fraction of its maximum: H̄(s) = ratio·log n_valid(s).

    Per state because a fixed 0.98·log 6 (the paper) or 0.89·log 6 (CleanRL) is infeasible
    whenever ≤ 4 actions are valid, and α then grows without bound. 0.7 because, if the
    other valid actions share the remainder evenly, it leaves the best action a
    probability of 0.63 with 6 valid actions and 0.81 with 2: exploration that still
    follows a recognisable plan over a 90-day block. 0.89 leaves it 0.44 with 6 valid,
    near uniform, while categorical policies collapse easily at low targets (0.5 → 0.78,
    toshikwa/sac-discrete.pytorch#15). Issue threads and pomdp-baselines report 0.7–0.8
    working (research/rl-notes.md §1.2); on this environment 0.5 did better than 0.7 with
    the same seed and budget (validation outcome 7.0 vs 6.6 %) and did not collapse, so it
    is the default."""

    alpha_min: Real(gt=0.0, le=1000.0) | None = None
    """Lower clamp on α after each temperature step (None: no clamp)."""

    alpha_max: Real(gt=0.0, le=1000.0) | None = None
    """Upper clamp on α after each temperature step (None: no clamp)."""

    adam_eps: Real(gt=0.0, le=1.0) = 1e-4
    """Adam ε of all three optimisers. CleanRL's discrete-SAC value: larger than torch's
    1e-8, it damps the steps of parameters whose gradients are tiny and noisy."""

    batch_size: Count(1, 65_536) = 256
    """Transitions per gradient update (used by the training loop when sampling)."""

    buffer_size: Count(1, 100_000_000) = 1_000_000
    """Replay capacity in transitions (≈ 150 MB at 17 float32 features, see ``replay.py``);
    at most 10⁸, and the training run checks it against the memory available."""

    torch_threads: Count(1, MAX_THREADS) | None = 1
    """``torch.set_num_threads`` applied when an agent is built; None leaves torch's default.
    One thread: the nets are small, and the second core is worth more as a second worker."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))  # a YAML list becomes a tuple
        lo, hi = self.alpha_min, self.alpha_max
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("need alpha_min ≤ alpha_max")
