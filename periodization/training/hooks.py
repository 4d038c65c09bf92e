"""A callback that hands each round's validation figures to a function of the caller's.

``periodize tune`` passes one to ``launch.run_training(hooks=...)`` so that an Optuna
trial can report the validation outcome after every evaluation and stop a poor trial
early. The function knows nothing of the learner and training knows nothing of Optuna:
a trial runner on another scheduler (Ray) can pass its own function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from periodization.training.callbacks import Callback, RoundReport

OnValidation = Callable[[int, dict[str, float]], None]
"""Called as ``fn(episodes, eval)``: training episodes so far and the validation figures
of ``EvalCallback`` (``outcome_pct``, ``return``, ``violations``, …). It may raise to stop
the run (the exception propagates out of ``run_training``)."""


class ValidationHook(Callback):
    """Calls ``fn`` on every round that was evaluated (placed right after ``EvalCallback``)."""

    def __init__(self, fn: OnValidation) -> None:
        self.fn = fn

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        if report.eval is not None:
            self.fn(report.episodes, dict(report.eval))
