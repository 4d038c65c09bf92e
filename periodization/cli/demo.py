"""``periodize warmup`` and ``periodize demo``: the kernels compiled once; the main job
end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from periodization.cli.base import SeedOpt, app, check_seed, user_errors


@app.command("warmup")
@user_errors
def warmup() -> None:
    """Compile the kernels of a batch recommend into numba's cache (once, after install).

    One athlete's recommend never needs it.
    """
    from periodization.advice.warmup import warm_up

    typer.echo(f"kernels compiled or loaded in {warm_up():.1f} s")


@app.command("demo")
@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Directory for everything the demo writes.")] = Path(
        "runs/demo"),
    quick: Annotated[bool, typer.Option(
        help="Smaller and faster (80 athletes, 60 training episodes, 100 fresh test athletes), for "
        "trying it out; the numbers are noisier.")] = False,
    seed: SeedOpt = 0,
    config: Annotated[Path | None, typer.Option(
        help="Training config: a YAML file or a packaged name (default: the built-in "
        "defaults = sac).")] = None,
) -> None:
    """The main job end to end, from a synthetic cohort to the report (index.html).

    Synthesises a cohort, trains masked SAC, compares it with every baseline on held-out
    athletes and writes the report.
    """
    check_seed(seed)
    from periodization.core import console
    from periodization.core.extras import require

    for module in ("torch", "tensorboard", "matplotlib"):
        require(module, purpose="the demo")
    from periodization.pipeline import run_demo

    index, report = run_demo(out=out, quick=quick, seed=seed, config=config,
                             say=lambda msg: console.status.print(f"[bold]{console.esc(msg)}"),
                             show_cohort=console.print_cohort_summary)
    console.print_comparison(report, index)
