"""Shared pieces of the study protocols: the context (athletes, seed), weekly plans, minute
scaling (matched time, matched load) and the result rows (CIs: ``evaluation.bootstrap``).

Every number a verdict reads is computed here or in the protocol modules, and every verdict
is a comparison of that number with the thresholds of the finding, written once as a
``Check``. Nothing is typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from periodization.evaluation import session_model as SM
from periodization.evaluation.simulate_start import Athletes
from periodization.sim.actions import SESSION_MINUTES, Action

R, AR, AE, TE, HI, ST = (int(a) for a in Action)
HARD_ACTIONS = (TE, HI)
# Weekly plans, Monday first (the behaviour policy's "moderate" and "polarised" weeks).
MODERATE_WEEK = np.array([R, AE, TE, AE, AR, HI, AE])
POLARIZED_WEEK = np.array([R, AE, HI, AE, AR, HI, AE])
LOW_FACTOR = np.array([SESSION_MINUTES[a][0] / max(SM.TYPICAL_MINUTES[a], 1) for a in Action])
HIGH_FACTOR = np.array([SESSION_MINUTES[a][1] / max(SM.TYPICAL_MINUTES[a], 1) for a in Action])


@dataclass(frozen=True)
class Context:
    """What every protocol runs on: ``athletes`` lived-in athletes of the prior (the same
    for every arm of every finding), the seed, and the prior's median athlete."""

    athletes: Athletes
    median: Athletes  # one median athlete (``Prior.typical``) in the expected world
    seed: int
    search_per_hard_count: int = 4  # per-athlete search: candidates per number of hard days


@dataclass(frozen=True)
class Check:
    """A threshold test of one number: ``low ≤ value ≤ high`` (either side optional)."""

    low: float | None = None
    high: float | None = None
    strict: bool = False  # < and > instead of ≤ and ≥
    ci_excludes_zero: bool = False  # also require the CI on the value's side of 0

    def passes(self, value: float, ci: tuple[float, float] | None) -> bool:
        if not np.isfinite(value):
            return False
        lo_ok = self.low is None or (value > self.low if self.strict else value >= self.low)
        hi_ok = self.high is None or (value < self.high if self.strict else value <= self.high)
        ok = lo_ok and hi_ok
        if self.ci_excludes_zero:
            ok = ok and ci is not None and (ci[0] > 0 or ci[1] < 0)
        return bool(ok)

    def text(self, unit: str) -> str:
        u = {"": "", "share": " %"}.get(unit, f" {unit}")
        lt, gt = ("<", ">") if self.strict else ("≤", "≥")
        if self.low is not None and self.high is not None:
            base = f"{self.low:g} to {self.high:g}{u}"
        elif self.low is not None:
            base = f"{gt} {self.low:g}{u}"
        else:
            base = f"{lt} {self.high:g}{u}"
        return base + (", CI excludes 0" if self.ci_excludes_zero else "")


@dataclass(frozen=True)
class Row:
    """One measured quantity of a finding, with its published figure and its verdict."""

    protocol: str
    published: str
    value: float
    ci: tuple[float, float] | None
    unit: str
    check: Check

    @property
    def passed(self) -> bool:
        return self.check.passes(self.value, self.ci)

    def as_dict(self) -> dict:
        return {"protocol": self.protocol, "published": self.published, "value": self.value,
                "ci95": None if self.ci is None else list(self.ci), "unit": self.unit,
                "criterion": self.check.text(self.unit), "pass": self.passed}


@dataclass
class Finding:
    """One finding of the issue: its rows, what was run (one paragraph), and extra figures."""

    number: int
    title: str
    study: str
    rows: list[Row]
    method: str
    figures: dict = field(default_factory=dict)
    # The finding holds when every row passes, unless ``rule`` says otherwise (e.g. "either
    # taper length"): a function of the rows' verdicts.
    rule: Callable[[list[bool]], bool] | None = None

    @property
    def passed(self) -> bool:
        verdicts = [r.passed for r in self.rows]
        return self.rule(verdicts) if self.rule is not None else all(verdicts)

    def as_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "study": self.study,
                "pass": self.passed, "rows": [r.as_dict() for r in self.rows],
                "method": self.method, "figures": self.figures}


# --- minutes -------------------------------------------------------------------------------
def week_minutes(actions: np.ndarray) -> float:
    """Typical minutes of a plan cycle, per week."""
    return float(SM.TYPICAL_MINUTES[actions].sum() * 7.0 / len(actions))


def minutes_at(actions: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """(N, P) minutes: each session's typical minutes × the athlete's ``factor`` (N,)."""
    f = np.atleast_1d(np.asarray(factor, dtype=np.float64))
    return SM.TYPICAL_MINUTES[actions][None, :] * f[:, None]


def time_factor(athletes: Athletes, actions: np.ndarray, share: float = 1.0) -> np.ndarray:
    """(N,) factor on typical minutes that makes the cycle last ``share`` × each athlete's
    usual weekly time."""
    return share * athletes.usual_weekly_minutes / week_minutes(actions)


def load_factor(athletes: Athletes, actions: np.ndarray, weekly_load: np.ndarray
                ) -> np.ndarray:
    """(N,) factor on typical minutes that makes the cycle's expected load ``weekly_load``
    (N,) TSS per week, from the model's per-minute loads."""
    n = athletes.n
    typical = np.broadcast_to(SM.TYPICAL_MINUTES[actions], (n, len(actions)))
    per_cycle = SM.expected_load(athletes.params, np.broadcast_to(actions, (n, len(actions))),
                                 typical).sum(axis=1)
    return weekly_load * len(actions) / 7.0 / per_cycle


def hard_count(actions: np.ndarray) -> np.ndarray:
    """Tempo and HIIT sessions per row of an (…, P) array of action ids."""
    return np.isin(actions, HARD_ACTIONS).sum(axis=-1)


def pct(value: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """100 · (value − reference) / reference."""
    return 100.0 * (value - reference) / reference
