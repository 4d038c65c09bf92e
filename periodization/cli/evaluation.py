"""``periodize evaluate`` and ``periodize compare``: policies on the same held-out athletes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from periodization.cli.base import (
    MAX_EPISODES,
    CohortOpt,
    PriorOpt,
    SeedOpt,
    app,
    check_reward,
    check_seed,
    user_errors,
)
from periodization.core.errors import UserError

AthletesOpt = Annotated[int | None, typer.Option(
    help="Fresh held-out athletes of the prior, one evaluation seed stream each (default "
    "1000; the default mode).")]
BlocksOpt = Annotated[int | None, typer.Option(
    help="90-day blocks per fresh athlete (default 1): the same athlete and start, other "
    "noise; CIs resample athletes.")]
CohortEpisodesOpt = Annotated[int | None, typer.Option(
    help="Cohort mode: this many 90-day episodes on athletes of --split (default 100) "
    "instead of fresh athletes.", max=MAX_EPISODES)]
CohortSplitOpt = Annotated[str | None, typer.Option(
    help="Cohort mode: start episodes on the cohort's train, val or test athletes instead "
    "of fresh athletes.")]


def _plan(*, seed: int, athletes: int | None, blocks: int | None, episodes: int | None,
          split: str | None, prior: Path | None) -> Any:
    """The episodes of ``evaluate`` and ``compare``: fresh athletes unless --episodes or
    --split asks for the cohort; --prior only goes with fresh athletes."""
    from periodization.evaluation.athletes import COHORT, plan_episodes

    plan = plan_episodes(seed=seed, athletes=athletes, blocks=blocks, episodes=episodes,
                         split=split, prior=prior)
    if plan.mode == COHORT and prior is not None:
        raise UserError("--prior draws fresh athletes: it excludes --episodes/--split")
    return plan


@app.command("evaluate")
@user_errors
def evaluate(
    policy: Annotated[list[str], typer.Option(
        "--policy", help="Baseline name (random, rest, rule, whoop, hrv, fixed, cloning, "
        "oracle), default (the packaged model), a trained run directory, sb3:MODEL.zip (a "
        "Stable-Baselines3 model) or module:attr (a Python policy). Repeat to compare "
        "several on the same athletes.")],
    athletes: AthletesOpt = None,
    blocks_per_athlete: BlocksOpt = None,
    split: CohortSplitOpt = None,
    episodes: CohortEpisodesOpt = None,
    seed: SeedOpt = 0,
    cohort: CohortOpt = None,
    prior: PriorOpt = None,
    reward: Annotated[str, typer.Option(help="Reward version: v2, v1 or outcome.")] = "v2",
    json_out: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Run policies on the same held-out athletes and report their outcomes.

    By default 1000 fresh athletes of the prior, one 90-day block each, from a seed stream
    disjoint from training's. Outcome = change in modelled performance over the block, in %
    (mean and 95 % CI resampling athletes), with return, reward components, load, safety
    and action shares; --json adds each athlete's figures (per_athlete, the same athlete
    order for every policy).
    """
    check_seed(seed)
    from periodization.core import console
    from periodization.core.io import json_text
    from periodization.evaluation.evaluate import evaluate_policies
    from periodization.evaluation.metrics import summarize

    check_reward(reward)
    if cohort is not None and not cohort.is_dir():
        raise UserError(f"cohort directory not found: {cohort}")
    plan = _plan(seed=seed, athletes=athletes, blocks=blocks_per_athlete, episodes=episodes,
                 split=split, prior=prior)
    with console.status_line(json_out) as announce:
        table = evaluate_policies(policy, plan=plan, cohort=cohort, reward=reward,
                                  progress=announce)
    summary = summarize(table, seed=seed, athletes=json_out)
    if json_out:
        typer.echo(json_text(summary))
    else:
        console.print_policy_table(summary, title=plan.describe())


@app.command("compare")
@user_errors
def compare(
    out: Annotated[Path, typer.Option(help="Report directory (index.html, summary.json, "
                                           "episodes.csv, figures/).")],
    runs: Annotated[list[str] | None, typer.Option(
        "--runs", help="Trained run directory, or a directory of runs (one per training "
        "seed). Repeat, or separate with commas. Runs with the same group are seeds of one "
        "agent; groups named ablation-* are ablations.")] = None,
    baselines: Annotated[str, typer.Option(
        help="all, none, or a comma list of random, rest, rule, whoop, hrv, fixed, cloning, "
        "oracle.")] = "all",
    policy: Annotated[list[str] | None, typer.Option(
        "--policy", help="default (the packaged model), a model directory (actor.npz and "
        "scaler.json, e.g. from `periodize ensemble`), sb3:MODEL.zip (a Stable-Baselines3 "
        "model) or module:attr (a Python policy), compared as an agent with one seed. "
        "Repeat for several.")] = None,
    ablation: Annotated[list[str] | None, typer.Option(
        "--ablation", help="NAME=RUN_DIR[,RUN_DIR]: runs of an ablation of the default "
        "agent (the first of --runs). Repeat for several.")] = None,
    athletes: AthletesOpt = None,
    blocks_per_athlete: BlocksOpt = None,
    split: CohortSplitOpt = None,
    episodes: CohortEpisodesOpt = None,
    seed: SeedOpt = 0,
    cohort: CohortOpt = None,
    prior: PriorOpt = None,
    reward: Annotated[str, typer.Option(
        help="Reward version for the return column: v2, v1 or outcome.")] = "v2",
    force: Annotated[bool, typer.Option(
        help="Write into OUT even if it already holds files.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print summary.json.")] = False,
) -> None:
    """Every policy on the same held-out athletes, with statistics, plots and an HTML report.

    By default 1000 fresh athletes of the prior, one 90-day block each. Per policy:
    outcome (performance change over the block, %), return and its components, days
    overreached and ill, violations, hard-session share: mean and 95 % CI resampling
    athletes, and a paired Wilcoxon test on athlete means against the best policy. Each
    learned agent (mean over its training seeds) against each baseline: paired Wilcoxon
    test, share of the oracle's outcome, and share of the gap closed from the best
    heuristic.
    """
    check_seed(seed)
    import shlex

    from periodization.core import console
    from periodization.core.extras import require
    from periodization.core.io import json_text
    from periodization.evaluation.compare import parse_baselines

    require("matplotlib", purpose="the comparison report")
    from periodization.report.build import compare_and_report

    check_reward(reward)
    if cohort is not None and not cohort.is_dir():
        raise UserError(f"cohort directory not found: {cohort}")
    names = parse_baselines(baselines)
    plan = _plan(seed=seed, athletes=athletes, blocks=blocks_per_athlete, episodes=episodes,
                 split=split, prior=prior)
    with console.status_line(json_out, "{}") as announce:
        summary, index = compare_and_report(
            out=out, runs=runs or [], ablations=ablation or [], policies=policy or [],
            baselines=names, plan=plan, cohort=cohort, reward=reward,
            force=force, command=shlex.join(["periodize", *sys.argv[1:]]), progress=announce)
    if json_out:
        typer.echo(json_text(summary))
        return
    console.print_comparison(summary, index)
