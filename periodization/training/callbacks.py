"""Small hook objects around the training loop: evaluation, early stopping, metrics,
TensorBoard, progress and checkpoints. Each does one thing.

The loop calls ``on_training_start``, ``on_step`` after every lockstep day, ``on_round_end``
after every round (``num_envs`` episodes of one block) and ``on_training_end``. A round's
figures travel in a ``RoundReport``, which callbacks read and annotate in list order:
``EvalCallback`` adds the validation figures, ``EarlyStopping`` may set ``stop``,
``CheckpointCallback`` (last in the list) saves with everyone's state up to date.

A learner offers callbacks: ``config``, ``run`` (``RunDir``), ``prepared`` (the cohort),
``env_steps``, ``eval_policy()`` (greedy), ``save_best(report)`` and
``save_last(callback_state)``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from periodization.agents.artifacts import METRICS, TB
from periodization.core.io import atomic_write_text, fault_point, naming

CSV_COLUMNS = ("env_steps", "episodes", "updates", "wall_s", "train_return",
               "train_outcome_pct", "train_violations", "eval_outcome_pct", "eval_return",
               "eval_violations", "alpha", "entropy", "critic_loss", "q_mean",
               "env_steps_per_s", "updates_per_s", "cost_overreached", "cost_ill",
               "lambda_overreached", "lambda_ill", "eval_days_overreached", "eval_days_ill")


@dataclass
class RoundReport:
    """One round's figures. Totals so far: ``episodes``, ``env_steps``, ``updates``,
    ``wall_s``; the rest are means over this round's episodes (per episode, not per day)."""

    episodes: int
    env_steps: int
    updates: int
    wall_s: float
    train_return: float
    train_outcome_pct: float  # true performance change over the block, %
    train_violations: float
    reward: dict[str, float]  # each reward component summed over an episode
    losses: dict[str, float]  # learner statistics averaged over the round's updates
    env_steps_per_s: float  # over the round, collection and updates included
    updates_per_s: float  # gradient updates per second spent updating
    final: bool  # the budget's last round
    eval: dict[str, float] | None = None  # outcome_pct, return, violations, … (validation)
    new_best: bool = False
    stop: bool = False

    @property
    def last(self) -> bool:
        return self.final or self.stop


class Callback:
    """No-op hooks; subclasses override what they need. ``state_dict`` is saved with
    ``checkpoints/last.pt`` so a resumed run continues with the same callback state."""

    def on_training_start(self, learner: Any) -> None: ...

    def on_step(self, learner: Any) -> None: ...

    def on_round_end(self, learner: Any, report: RoundReport) -> None: ...

    def on_training_end(self, learner: Any) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


class CallbackList(Callback):
    def __init__(self, callbacks: list[Callback]) -> None:
        self.callbacks = callbacks

    def on_training_start(self, learner: Any) -> None:
        for c in self.callbacks:
            c.on_training_start(learner)

    def on_step(self, learner: Any) -> None:
        for c in self.callbacks:
            c.on_step(learner)

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        for c in self.callbacks:
            c.on_round_end(learner, report)

    def on_training_end(self, learner: Any) -> None:
        for c in self.callbacks:
            c.on_training_end(learner)

    def state_dict(self) -> dict[str, Any]:
        return {type(c).__name__: c.state_dict() for c in self.callbacks}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for c in self.callbacks:
            c.load_state_dict(state.get(type(c).__name__, {}))


class EvalCallback(Callback):
    """Greedy policy on validation athletes every ``eval_every_episodes`` and at the end,
    measuring the true outcome (performance change, %), return and violations. The same
    episodes every time (fixed seed), so evaluations compare on paired episodes."""

    def __init__(self) -> None:
        self.best_outcome = -math.inf
        self.best_episodes = 0

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        from periodization.policies.rollout import run_episodes

        train, env = learner.config.train, learner.config.env
        if report.episodes % train.eval_every_episodes and not report.last:
            return
        from periodization.core.seeds import validation_seeds
        from periodization.training.population import validation_prior

        prior = validation_prior(train)
        seeds = train.seed if prior is None else validation_seeds(train.eval_episodes)
        table = run_episodes(learner.eval_policy(), episodes=train.eval_episodes,
                             seed=seeds, split="val",
                             cohort=learner.prepared, prior=prior, reward=env.reward,
                             safety=env.safety, block_days=env.block_days,
                             scaler=learner.scaler)
        report.eval = {"outcome_pct": float(table["outcome_pct"].mean()),
                       "return": float(table["return"].mean()),
                       "violations": float(table["violations"].mean()),
                       "days_overreached": float(table["days_overreached"].mean()),
                       "days_ill": float(table["days_ill"].mean())}
        if hasattr(learner, "on_evaluation"):  # Lagrangian SAC may price from it
            learner.on_evaluation(report.eval)
        score = selection_score(report.eval, learner.config.constraints)
        if score > self.best_outcome:
            self.best_outcome, self.best_episodes = score, report.episodes
            report.new_best = True

    def state_dict(self) -> dict[str, Any]:
        return {"best_outcome": self.best_outcome, "best_episodes": self.best_episodes}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_outcome = state.get("best_outcome", -math.inf)
        self.best_episodes = state.get("best_episodes", 0)


# A constrained run's evaluation over its overreached-days budget ranks below every one
# within it: its score is shifted down by this much per day over.
_OVER_BUDGET = 1000.0


def selection_score(evaluation: dict[str, float], constraints: Any) -> float:
    """What "best" maximises: the validation outcome (%), and for a constrained run the
    outcome of evaluations whose overreached days per block are within budget, ahead of
    any over it (those ranked by how far over). The ill-days budget is left out: illness
    has a base rate that validation noise alone can push over it."""
    outcome = evaluation["outcome_pct"]
    if constraints is None or not constraints.enabled:
        return outcome
    over = evaluation["days_overreached"] - constraints.overreached_days
    return outcome if over <= 0 else -_OVER_BUDGET * (1.0 + over)


class EarlyStopping(Callback):
    """Stop after ``patience`` evaluations without a new best validation outcome."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.stale = 0

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        if report.eval is None:
            return
        self.stale = 0 if report.new_best else self.stale + 1
        report.stop = report.stop or self.stale >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {"stale": self.stale}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.stale = state.get("stale", 0)


class CsvLogger(Callback):
    """``metrics.csv``: one row per round (eval columns empty between evaluations).

    On a resume, rows after the checkpoint being resumed are dropped first: they belong to
    the interrupted future that is about to be recomputed.
    """

    def on_training_start(self, learner: Any) -> None:
        path = learner.run / METRICS
        rows: list[dict[str, str]] = []
        if path.is_file():
            with path.open(newline="") as fh:
                rows = [r for r in csv.DictReader(fh) if int(r["env_steps"]) <= learner.env_steps]
        text = io.StringIO()
        writer = csv.DictWriter(text, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(path, text.getvalue())

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        row = {k: _fmt(v) for k, v in flat_metrics(report).items() if k in CSV_COLUMNS}
        fault_point("metrics: before append")
        with naming(learner.run / METRICS), (learner.run / METRICS).open("a", newline="") as fh:
            csv.DictWriter(fh, CSV_COLUMNS, lineterminator="\n").writerow(row)


class TensorBoardLogger(Callback):
    """Namespaced scalars at global step = env steps: ``train/*`` (learner statistics,
    training episodes), ``reward/<component>``, ``eval/*``, ``perf/*``."""

    def __init__(self) -> None:
        self.writer: Any = None

    def on_training_start(self, learner: Any) -> None:
        from torch.utils.tensorboard import SummaryWriter

        # purge_step drops events an interrupted session wrote after the resumed checkpoint
        self.writer = SummaryWriter(str(learner.run / TB),
                                    purge_step=learner.env_steps + 1 if learner.env_steps else None)

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        step = report.env_steps
        for key, value in report.losses.items():
            self.writer.add_scalar(f"train/{key}", value, step)
        self.writer.add_scalar("train/return", report.train_return, step)
        self.writer.add_scalar("train/outcome_pct", report.train_outcome_pct, step)
        self.writer.add_scalar("train/violations", report.train_violations, step)
        self.writer.add_scalar("train/episodes", report.episodes, step)
        for key, value in report.reward.items():
            self.writer.add_scalar(f"reward/{key}", value, step)
        for key, value in (report.eval or {}).items():
            self.writer.add_scalar(f"eval/{key}", value, step)
        self.writer.add_scalar("perf/env_steps_per_s", report.env_steps_per_s, step)
        self.writer.add_scalar("perf/updates_per_s", report.updates_per_s, step)
        self.writer.flush()

    def on_training_end(self, learner: Any) -> None:
        if self.writer is not None:
            self.writer.close()


class CheckpointCallback(Callback):
    """``best`` (and ``actor.npz``) whenever validation improves; ``last`` (with what a
    resume needs) every ``checkpoint_every_episodes`` and when training ends."""

    def __init__(self, callbacks: CallbackList) -> None:
        self.callbacks = callbacks  # whose state goes into ``last``

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        if report.new_best:
            learner.save_best(report)
        every = learner.config.train.checkpoint_every_episodes
        if report.episodes % every == 0 or report.last:
            learner.save_last(self.callbacks.state_dict())


def flat_metrics(report: RoundReport) -> dict[str, Any]:
    """The report as one flat dict (eval values prefixed ``eval_``)."""
    flat: dict[str, Any] = {k: getattr(report, k) for k in (
        "env_steps", "episodes", "updates", "wall_s", "train_return", "train_outcome_pct",
        "train_violations", "env_steps_per_s", "updates_per_s")}
    flat.update(report.losses)
    flat.update({f"eval_{k}": v for k, v in (report.eval or {}).items()})
    return flat


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return str(value)

