"""``periodize data synth`` and ``periodize simulate``: synthetic cohorts, and a plan played on
simulated athletes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from periodization.cli.base import PriorOpt, SeedOpt, app, check_seed, data_app, user_errors


@data_app.command("synth")
@user_errors
def data_synth(
    out: Annotated[Path, typer.Option(help="Directory to write the cohort into.")],
    athletes: Annotated[int, typer.Option(help="Number of athletes.")] = 200,
    days: Annotated[int, typer.Option(help="Recorded days per athlete.")] = 180,
    seed: SeedOpt = 0,
    prior: PriorOpt = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing cohort in OUT.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Simulate a cohort under a realistic behaviour policy, with wearable gaps.

    Writes observations.parquet (the daily wearable/training table), and, for evaluation
    only, hidden_state.parquet and true_params.parquet, plus meta.json.
    """
    check_seed(seed)
    from periodization.cohort.synth import (
        check_cohort_size,
        cohort_summary,
        save_cohort,
        synthesize,
    )
    from periodization.core.io import ensure_writable_dir
    from periodization.sim.prior import load_prior

    check_cohort_size(athletes=athletes, days=days)
    loaded = load_prior(prior)
    ensure_writable_dir(out)
    cohort = synthesize(athletes=athletes, days=days, seed=seed, prior=loaded)
    save_cohort(cohort, out, force=force)
    summary = cohort_summary(cohort)
    if json_out:
        from periodization.core.io import json_text

        typer.echo(json_text({"out": str(out), **summary}))
        return
    from periodization.core import console

    console.print_cohort_summary(summary, out)


@app.command("simulate")
@user_errors
def simulate(
    plan: Annotated[str, typer.Option(
        help="Sessions, comma-separated (e.g. REST,AE:90,HIIT:30,AE) or a file with one "
        "per line (# comments). Names in any case or R, AR, AE, TE, HI, ST; :MINUTES in "
        "(0, 300] scales the session (default: its typical minutes).")],
    days: Annotated[int | None, typer.Option(
        help="Days to simulate; the plan repeats to fill them (default: its length).")] = None,
    athletes: Annotated[int, typer.Option(help="Number of fresh athletes from the prior.")
                        ] = 1000,
    seed: SeedOpt = 0,
    prior: PriorOpt = None,
    trace: Annotated[Path | None, typer.Option(
        help="Write the daily readings and true state per athlete to this parquet file.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Play a training plan on simulated athletes and report what it does to them.

    Athletes are drawn fresh from the prior and start after 8 weeks of their ordinary
    training, on a Monday. Outcome = change of test performance (after a standard 7-day
    rest) from the first morning to the morning after the last day, in %; the same seed
    gives the same athletes and noise whatever the plan. See docs/simulate.md.
    """
    from periodization.evaluation.simulate_command import simulate_command

    summary = simulate_command(plan=plan, days=days, athletes=athletes, seed=seed,
                               prior=prior, trace=trace)
    if json_out:
        import json

        typer.echo(json.dumps(summary, allow_nan=False))
        return
    from periodization.core import console

    console.print_simulation(summary)
