"""``periodize simulate`` from arguments to its JSON summary: validate everything first,
then draw the athletes, play the plan, write the trace, summarise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from periodization.core.errors import UserError
from periodization.evaluation import session_model as SM
from periodization.evaluation.bootstrap import mean_ci
from periodization.evaluation.plan import load_plan
from periodization.evaluation.simulate import Outcome, run
from periodization.evaluation.simulate_start import lived_in
from periodization.sim.prior import load_prior

MAX_ATHLETES = 100_000
MAX_DAYS = 3650
MAX_SEED = 2**63 - 1  # seeds key unsigned 64-bit random streams
BYTES_PER_ATHLETE = 48_000
"""Peak memory per athlete of ``simulate``, with margin: its athletes first live a record of
their own (``lived_in``), whatever the plan's length; measured 35 kB per athlete over a
fixed 250 MB (5000 athletes: 424 MB, 20 000: 945 MB, 100 000: 3.6 GB; 2 or 200 days)."""
PER_ATHLETE = ("outcome_pct", "last_morning_pct", "overreached_days", "ill_days",
               "injured_days", "hard_sessions")


def simulate_command(*, plan: str, days: int | None = None, athletes: int = 1000,
                     seed: int = 0, prior: Path | None = None, trace: Path | None = None
                     ) -> dict[str, Any]:
    """Run ``plan`` (a comma list or a plan file) on ``athletes`` fresh athletes; the
    summary ``--json`` prints. Bad input raises ``UserError`` before anything is written."""
    parsed = load_plan(plan)
    days = len(parsed) if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise UserError(f"--days must be between 1 and {MAX_DAYS}, got {days}")
    if not 0 <= seed <= MAX_SEED:
        raise UserError(f"--seed must be between 0 and {MAX_SEED}, got {seed}")
    if not 1 <= athletes <= MAX_ATHLETES:
        raise UserError(f"--athletes must be between 1 and {MAX_ATHLETES}, got {athletes}")
    if trace is not None:
        from periodization.evaluation.simulate_trace import check_trace_path

        check_trace_path(trace)
    from periodization.core.resources import require_memory

    require_memory(athletes * BYTES_PER_ATHLETE,
                   what=f"simulating {athletes} athletes")
    loaded = load_prior(prior)
    start = lived_in(athletes, seed=seed, prior=loaded)
    outcome = run(start, parsed.actions, minutes=parsed.minutes, days=days,
                  record=trace is not None)
    if trace is not None:
        from periodization.evaluation.simulate_trace import trace_table, write_trace

        write_trace(trace, trace_table(
            outcome, overreached_threshold=loaded.population.overreached_threshold))
    return summarize(outcome, plan=parsed.entries(), seed=seed, prior=loaded.source,
                     trace=None if trace is None else str(trace))


def summarize(outcome: Outcome, *, plan: list[str], seed: int, prior: str,
              trace: str | None = None) -> dict[str, Any]:
    """Means with athlete-bootstrap 95 % CIs, and the per-athlete lists (athlete order)."""
    per = {k: getattr(outcome, k) for k in PER_ATHLETE}

    def figure(x: np.ndarray) -> dict[str, Any]:
        value, (low, high) = mean_ci(x, seed)
        return {"mean": value, "ci95": [low, high]}

    return {
        "athletes": int(outcome.start_test.shape[0]),
        "days": outcome.days,
        "seed": seed,
        "prior": prior,
        "plan": plan,
        "world_version": SM.WORLD_VERSION,
        "outcome_pct": figure(per["outcome_pct"]),
        "last_morning_pct": figure(per["last_morning_pct"]),
        "means": {k: float(per[k].mean()) for k in PER_ATHLETE[2:]},
        "per_athlete": {k: v.tolist() for k, v in per.items()},
        "notes": [] if SM.SEPARATE_INJURY else [SM.INJURY_NOTE],
        "trace": trace,
    }
