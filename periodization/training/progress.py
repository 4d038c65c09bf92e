"""The training progress bar (rich): athlete-days done, ETA, episodes, validation outcome."""

from __future__ import annotations

from typing import Any

from periodization.training.callbacks import Callback, RoundReport


class ProgressBar(Callback):
    """A rich progress bar over athlete-days (env steps) with ETA, episodes and the latest
    validation outcome; silent when ``quiet`` or when stderr is not a terminal."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Any = None
        self.last_eval = ""

    def on_training_start(self, learner: Any) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True)
        if self.quiet or not console.is_terminal:
            return
        cfg = learner.config
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(bar_width=24),
            MofNCompleteColumn(), TextColumn("days"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), TextColumn("{task.fields[status]}"), console=console)
        total = cfg.train.episodes * cfg.env.block_days
        self.task = self.progress.add_task(cfg.train.algo, total=total,
                                           completed=learner.env_steps, status="")
        self.progress.start()

    def on_step(self, learner: Any) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=learner.env_steps)

    def on_round_end(self, learner: Any, report: RoundReport) -> None:
        if self.progress is None:
            return
        if report.eval is not None:
            self.last_eval = f"val {report.eval['outcome_pct']:+.2f} %"
        self.progress.update(self.task, completed=report.env_steps,
                             status=f"ep {report.episodes} {self.last_eval}")

    def on_training_end(self, learner: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
