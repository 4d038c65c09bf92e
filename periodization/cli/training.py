"""``periodize train``, ``tune``, ``sweep`` and ``ensemble``: one run, a tuning study, a grid
of runs, several runs served as one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from periodization.cli.base import app, check_seed, stderr_line, user_errors
from periodization.core.errors import UserError


@app.command("train")
@user_errors
def train(
    out: Annotated[Path, typer.Option(help="Run directory to write (or to resume).")],
    config: Annotated[Path | None, typer.Option(
        help="Run config: a YAML file or a packaged config's name (sac, ppo, "
        "ablation-v2, ...; default: the built-in defaults, which equal sac).")] = None,
    episodes: Annotated[int | None, typer.Option(
        help="Training episodes (90-day blocks); overrides train.episodes.")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Random seed (overrides train.seed): the same seed gives the same numbers.")
    ] = None,
    algo: Annotated[str | None, typer.Option(
        help="sac (masked discrete SAC) or ppo (MaskablePPO, needs the [ppo] extra); "
        "overrides train.algo.")] = None,
    resume: Annotated[bool, typer.Option(
        help="Continue an interrupted run in OUT from its last checkpoint.")] = False,
    force: Annotated[bool, typer.Option(help="Start over, replacing a run in OUT.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar or summary.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Train a coaching agent in the simulated world and write a run directory.

    The run directory holds config.yaml, run.json, scaler.json, actor.npz (the best actor),
    metrics.csv, TensorBoard events (tb/) and checkpoints/ (best and last): pass it to
    `periodize evaluate --policy RUN_DIR`.
    """
    check_seed(seed)
    from periodization.training.launch import run_training

    if resume and force:
        raise UserError("--resume and --force exclude each other")
    if episodes is not None and episodes < 1:
        raise UserError(f"--episodes must be at least 1, got {episodes}")
    summary = run_training(out=out, config_path=config, episodes=episodes, seed=seed,
                           algo=algo, resume=resume, force=force, quiet=quiet or json_out)
    if json_out:
        from periodization.core.io import json_text

        typer.echo(json_text(summary))
    elif not quiet:
        from periodization.core import console

        console.print_training_summary(summary)


@app.command("tune")
@user_errors
def tune(
    config: Annotated[Path, typer.Option(
        help="Run config to tune: a YAML file or a packaged config's name (sac, ppo, ...).")],
    trials: Annotated[int, typer.Option(
        help="Finished trials (complete or pruned) the study should hold; a rerun continues "
        "it.", min=1, max=100_000)],
    storage: Annotated[str | None, typer.Option(
        help="Optuna storage URL (default: sqlite:///OUT/tune.db).")] = None,
    study: Annotated[str | None, typer.Option(
        help="Study name (default: the config's name).")] = None,
    out: Annotated[Path, typer.Option(
        help="Directory for trial-<n>/ runs, best.yaml and study.json.")] = Path("tune"),
    space: Annotated[Path | None, typer.Option(
        help="Search space YAML (default: NAME.space.yaml next to the config; "
        "docs/training.md).")] = None,
    seed: Annotated[int, typer.Option(
        help="Seeds the sampler (trials train with the config's train.seed).")] = 0,
    quiet: Annotated[bool, typer.Option(help="No line per trial.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    on_ray: Annotated[bool, typer.Option(
        "--ray", help="Run trials in parallel Ray workers sharing the storage (the ray "
        "extra; docs/scale.md).")] = False,
    workers: Annotated[int | None, typer.Option(
        help="With --ray: parallel workers (default: the cluster's CPUs).")] = None,
    address: Annotated[str | None, typer.Option(
        help="With --ray: the cluster to join (default: a local one).")] = None,
) -> None:
    """Tune a run config with Optuna: each trial one training run, pruned on validation.

    The objective is the best validation outcome of the run (validation athletes, never the
    return or test athletes). Needs optuna (the tune extra). Writes OUT/best.yaml, loadable
    by `periodize train --config OUT/best.yaml`; rerunning continues the study.
    """
    check_seed(seed)
    from periodization.core.io import json_text
    from periodization.training.tune import tune as run_study

    if on_ray:
        from periodization.scale.tune_ray import tune_on_ray as run_study
    elif workers is not None or address is not None:
        raise UserError("--workers and --address are for --ray")
    extra = {"workers": workers, "address": address} if on_ray else {}
    summary = run_study(config=config, trials=trials, out=out, storage=storage, study=study,
                        space=space, seed=seed, progress=None if quiet else stderr_line, **extra)
    if json_out:
        typer.echo(json_text(summary))
        return
    counts = summary["trials"]
    typer.echo(f"study {summary['study']}: {counts['complete']} complete, {counts['pruned']} "
               f"pruned, {counts['fail']} failed ({summary['storage']})")
    best = summary["best"]
    if best is None:
        typer.echo("no trial completed: no best.yaml")
        return
    typer.echo(f"best: trial {best['number']}, validation outcome {best['value']:+.3f} % "
               f"-> {best['config']}")
    for key, value in best["params"].items():
        typer.echo(f"  {key}: {value}")


@app.command("sweep")
@user_errors
def sweep(
    config: Annotated[list[Path], typer.Option(
        help="Run config (file or packaged name); repeat for several.")],
    seeds: Annotated[str, typer.Option(help="Seeds: 0,1,2 or 0-4.")] = "0",
    out: Annotated[Path, typer.Option(help="Directory of the sweep's runs.")] = Path("runs"),
    name: Annotated[str, typer.Option(
        help="Run directory under OUT, from {config} (file name) and {seed}.")
    ] = "{config}/seed{seed}",
    address: Annotated[str | None, typer.Option(
        help="Ray cluster to join (HOST:PORT of `ray start --head`, or auto); default: a "
        "local cluster.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Runs at once (default: the cluster's CPUs).")] = None,
    force: Annotated[bool, typer.Option(help="Train complete runs again.")] = False,
    quiet: Annotated[bool, typer.Option(help="No line per run.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Train a grid of (config x seed) runs as Ray tasks, one CPU each (needs the ray extra).

    Each run is `periodize train --config C --seed S --out OUT/NAME` (same numbers as alone).
    Run it again after an interruption: complete runs are skipped. docs/scale.md.
    """
    from periodization.scale.sweep import parse_seeds
    from periodization.scale.sweep import sweep as run_sweep

    seed_list = parse_seeds(seeds)
    for s in seed_list:
        check_seed(s)
    summary = run_sweep(configs=config, seeds=seed_list, out=out, name=name, address=address,
                        workers=workers, force=force,
                        progress=None if quiet or json_out else stderr_line)
    if json_out:
        from periodization.core.io import json_text

        typer.echo(json_text(summary))
    elif not quiet:
        typer.echo(f"sweep: {len(summary['trained'])} trained, {len(summary['skipped'])} "
                   f"complete before, in {summary['wall_s']:.0f} s -> {summary['out']}")


@app.command("ensemble")
@user_errors
def ensemble(
    run: Annotated[list[Path], typer.Option(
        help="Run or model directory of a member; repeat for each (2-16).")],
    out: Annotated[Path, typer.Option(help="Model directory to write.")],
    note: Annotated[str | None, typer.Option(
        help="What the ensemble is, kept in OUT/model.json.")] = None,
    force: Annotated[bool, typer.Option(help="Replace a model already in OUT.")] = False,
) -> None:
    """Serve several trained actors as one: the mean of their logits, masked argmax.

    Writes a model directory (actor.npz, scaler.json, model.json) that `periodize evaluate
    --policy OUT` and `periodize recommend --model OUT` take like any model; it is one
    wider numpy MLP, so serving stays torch-free. Members must share one feature scaler
    (runs of the packaged configs do). docs/training.md, "Several seeds as one coach".
    """
    from periodization.agents.ensemble import write_ensemble

    info = write_ensemble(run, out, force=force, note=note)
    typer.echo(f"ensemble of {len(info['members'])} actors (layers {info['layer_widths']}) "
               f"-> {out}")
