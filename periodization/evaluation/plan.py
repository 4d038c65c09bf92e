"""Plans for ``periodize simulate``: a list of daily sessions, each an action and minutes.

Syntax: entries separated by commas (``"REST,HIIT:30,AE:90"``), or a file with one entry
per line where ``#`` starts a comment and blank lines are skipped. An entry is an action
name in any case (full name, or REST/R, ACTIVE_RECOVERY/AR, AEROBIC_BASE/AE, TEMPO/TE,
HIIT/HI, STRENGTH/ST) with an optional ``:MINUTES`` (a number in (0, 300]); without it the
session lasts the athlete's own usual minutes of it (``AthleteParams.session_minutes``;
``minutes`` holds NaN there). REST takes no minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from periodization.core.errors import UserError
from periodization.sim.actions import ACTION_NAMES, Action, action_from_name

MAX_MINUTES = 300.0
ABBREVIATIONS = {"R": Action.REST, "AR": Action.ACTIVE_RECOVERY, "AE": Action.AEROBIC_BASE,
                 "TE": Action.TEMPO, "HI": Action.HIIT, "ST": Action.STRENGTH}


@dataclass(frozen=True)
class Plan:
    """One cycle of a plan: ``actions`` (P,) int64 ids and ``minutes`` (P,) float64 (NaN:
    the athlete's usual minutes of that session)."""

    actions: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return int(self.actions.shape[0])

    def fill(self, days: int) -> Plan:
        """The plan repeated (and cut) to ``days`` days."""
        index = np.arange(days) % len(self)
        return Plan(actions=self.actions[index], minutes=self.minutes[index])

    def entries(self) -> list[str]:
        """Canonical text of each day, e.g. ``AEROBIC_BASE:90`` (``AEROBIC_BASE``: usual)."""
        return [ACTION_NAMES[a] if a == Action.REST or m != m else f"{ACTION_NAMES[a]}:{m:g}"
                for a, m in zip(self.actions.tolist(), self.minutes.tolist(), strict=True)]


def parse_entry(text: str) -> tuple[Action, float]:
    """One entry → (action, minutes); ``UserError`` naming the entry when it is wrong."""
    name, sep, minutes_text = text.strip().partition(":")
    key = name.strip().upper()
    if key in ABBREVIATIONS:
        action = ABBREVIATIONS[key]
    else:
        try:
            action = action_from_name(name)
        except ValueError:
            raise UserError(
                f"unknown action {name.strip()!r} in plan entry {text.strip()!r}; expected "
                f"one of {', '.join(ACTION_NAMES)} or R, AR, AE, TE, HI, ST") from None
    if not sep:
        # REST lasts nothing; any other session the athlete's own usual minutes
        return action, 0.0 if action == Action.REST else float("nan")
    try:
        minutes = float(minutes_text)
    except ValueError:
        raise UserError(f"plan entry {text.strip()!r}: minutes must be a number") from None
    if action == Action.REST:
        raise UserError(f"plan entry {text.strip()!r}: REST takes no minutes")
    if not 0.0 < minutes <= MAX_MINUTES:  # also rejects NaN
        raise UserError(f"plan entry {text.strip()!r}: minutes must be in (0, "
                        f"{MAX_MINUTES:g}], got {minutes_text.strip()}")
    return action, minutes


def parse_plan_text(text: str, *, lines: bool = False, source: str = "plan") -> Plan:
    """Parse comma-separated entries, or (``lines``) one entry per line with # comments."""
    if lines:
        raw = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        items = [item for item in raw if item]
    else:
        items = [item.strip() for item in text.split(",")]
        if any(not item for item in items):
            raise UserError(f"{source}: empty entry in {text!r}")
    if not items:
        raise UserError(f"{source}: no sessions")
    parsed = [parse_entry(item) for item in items]
    return Plan(actions=np.array([int(a) for a, _ in parsed], dtype=np.int64),
                minutes=np.array([m for _, m in parsed], dtype=np.float64))


MAX_PLAN_BYTES = 1_000_000


def load_plan(spec: str) -> Plan:
    """``spec`` is a file (one entry per line) if such a file exists, else a comma list."""
    path = Path(spec)
    if spec.strip() and path.is_file():
        if path.stat().st_size > MAX_PLAN_BYTES:  # 3650 days fit in a few kB
            raise UserError(f"plan file {path} is larger than {MAX_PLAN_BYTES // 1000} kB")
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read plan file {path}: {exc}") from None
        return parse_plan_text(text, lines=True, source=f"plan file {path}")
    if path.suffix.lower() in {".txt", ".plan", ".csv"} or "/" in spec:
        raise UserError(f"plan file not found: {spec}")
    return parse_plan_text(spec)
