"""The simulated world: a pure, batched athlete model and its population prior.

Owns: the six actions, per-athlete parameters and the prior they are drawn from
(``prior.yaml``), the true state and what a wearable shows of it, the daily dynamics
(``dynamics``: ``initial``, ``transition``, ``observe``, ``test_performance``), the compiled
kernels behind them, counter-based noise, the projection used by the reward, and struct-of-
arrays helpers (``batch``).
May import: ``core``. Knows nothing of Gymnasium, torch, pandas or files beyond its prior.
"""
