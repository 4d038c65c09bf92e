"""The validation harness: published training-study findings run as protocols through
``periodize simulate``'s Python API (``evaluation.simulate``), each with a computed verdict.

``FINDINGS`` lists them in the issue's order; ``make_context`` draws the athletes every
protocol shares (paired: the same athletes and noise for every arm); ``run_findings`` runs
them; ``report.table`` renders the markdown table of ``docs/validation.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from periodization.evaluation.simulate_start import lived_in
from periodization.evaluation.studies.common import Context, Finding
from periodization.evaluation.studies.hrv import hrv_recovery, readiness
from periodization.evaluation.studies.intensity import best_share, stoggl, too_much_intensity
from periodization.evaluation.studies.load import functional, inverted_u, non_functional
from periodization.evaluation.studies.strength import strength
from periodization.evaluation.studies.taper import detraining, taper
from periodization.sim.prior import Prior, load_prior

FINDINGS: dict[int, Callable[[Context], Finding]] = {
    1: stoggl, 2: best_share, 3: taper, 4: detraining, 5: inverted_u, 6: functional,
    7: non_functional, 8: hrv_recovery, 9: readiness, 10: strength, 11: too_much_intensity,
}


def make_context(athletes: int = 1000, *, seed: int = 0,
                 prior: Prior | str | Path | None = None,
                 search_per_hard_count: int = 4) -> Context:
    """``athletes`` lived-in athletes of ``prior`` and its median athlete (expected world)."""
    loaded = prior if isinstance(prior, Prior) else load_prior(prior)
    return Context(athletes=lived_in(athletes, seed=seed, prior=loaded),
                   median=lived_in(params=loaded.typical(1), seed=seed, noise=False),
                   seed=seed, search_per_hard_count=search_per_hard_count)


def run_findings(ctx: Context, numbers: list[int] | None = None) -> list[Finding]:
    return [FINDINGS[k](ctx) for k in (numbers or list(FINDINGS))]
