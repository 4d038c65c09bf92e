"""``periodize``: the command line. Parses, calls the package, prints; nothing else.

Heavy imports (torch, matplotlib, the simulator) happen inside the commands, so
``periodize --help`` stays instant. Every refusal — a ``UserError``, an OS error such as a
full disk, a bad option value — becomes one ``error: ...`` line on stderr (printable,
under 300 characters; ``core/failures.py``) and exit code 2.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from periodization.core.errors import UserError
from periodization.core.failures import PREFIX, error_line, handled
from periodization.core.validation import SEED_MAX, one_line

F = TypeVar("F", bound=Callable[..., Any])
# Click's base of usage errors (typer may vendor click, so it is found from a public class).
ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
MAX_EPISODES = 100_000  # evaluation episodes per policy: bounds the time and the table


class OneLineErrors(TyperGroup):
    """Click's usage errors (an unknown option, ``--seed abc``, a value out of range) as one
    ``error:`` line and exit 2, like every other refusal, instead of a usage box."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare ``periodize``: the help
                exc.show()
                sys.exit(exc.exit_code)
            typer.echo(PREFIX + one_line(exc.format_message(), 280), err=True)
            sys.exit(2)
        except BrokenPipeError:  # `periodize … | head`: the reader left; not an error to report
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit, never read
            sys.exit(1)
        except typer.Abort:
            typer.echo("interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="periodize",
    help="Adaptive training periodization: simulate athletes, train and evaluate coaching "
    "policies, and recommend today's session from a wearable export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
)
data_app = typer.Typer(help="Synthetic cohorts and data preparation.", no_args_is_help=True)
app.add_typer(data_app, name="data")


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)


def fail(message: str, code: int = 2) -> None:
    typer.echo(PREFIX + one_line(message, 290), err=True)
    raise typer.Exit(code)


def _from_interrupt(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised while handling, a Ctrl-C (numba and numpy turn a
    KeyboardInterrupt during compilation or import into errors of their own)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def user_errors(fn: F) -> F:
    """Turn every failure a user can act on (``core/failures.py``) into a one-line message
    and exit code 2, and Ctrl-C (however it surfaces) into ``interrupted`` and exit 130."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _ctrl_c_raises()
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except Exception as exc:
            if _from_interrupt(exc):
                typer.echo("interrupted", err=True)
                raise typer.Exit(INTERRUPTED) from None
            if not handled(exc) or isinstance(exc, BrokenPipeError):
                raise
            fail(error_line(exc))

    return wrapper  # type: ignore[return-value]


def _ctrl_c_raises() -> None:
    """From here on Ctrl-C raises ``KeyboardInterrupt`` (the ``periodize`` shim exits at once
    until a command starts; a command cleans up first)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() \
            and getattr(signal.getsignal(signal.SIGINT), "start_up", False):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _print_version(value: bool) -> None:
    if value:
        from periodization import __version__

        typer.echo(f"periodize {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """Adaptive training periodization: simulate athletes, train and evaluate coaching
    policies, and recommend today's session from a wearable export."""


SeedOpt = Annotated[int, typer.Option(help="Random seed: the same seed gives the same numbers.")]
CohortOpt = Annotated[
    Path | None, typer.Option(help="Cohort directory (default: the cached default cohort).")]
PriorOpt = Annotated[
    Path | None,
    typer.Option(help="Population prior YAML (default: the packaged prior.yaml)."),
]


def _check_seed(seed: int | None) -> None:
    if seed is not None and not 0 <= seed <= SEED_MAX:
        raise UserError(f"--seed must be between 0 and {SEED_MAX}, got {seed}")


def _check_reward(version: str) -> None:
    from periodization.env.reward import VERSIONS

    if version not in VERSIONS:
        raise UserError(f"--reward must be one of {', '.join(VERSIONS)}, got {version!r}")


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
    _check_seed(seed)
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
    _check_seed(seed)
    from periodization.core import console
    from periodization.core.io import json_text
    from periodization.evaluation.evaluate import evaluate_policies
    from periodization.evaluation.metrics import summarize

    _check_reward(reward)
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
        "--policy", help="default (the packaged model), sb3:MODEL.zip (a Stable-Baselines3 "
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
    _check_seed(seed)
    import shlex

    from periodization.core import console
    from periodization.core.extras import require
    from periodization.core.io import json_text
    from periodization.evaluation.compare import parse_baselines

    require("matplotlib", purpose="the comparison report")
    from periodization.report.build import compare_and_report

    _check_reward(reward)
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
    _check_seed(seed)
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
    _check_seed(seed)
    from periodization.core.io import json_text
    from periodization.training.tune import tune as run_study

    def progress(line: str) -> None:
        typer.echo(line, err=True)

    if on_ray:
        from periodization.scale.tune_ray import tune_on_ray as run_study
    elif workers is not None or address is not None:
        raise UserError("--workers and --address are for --ray")
    extra = {"workers": workers, "address": address} if on_ray else {}
    summary = run_study(config=config, trials=trials, out=out, storage=storage, study=study,
                        space=space, seed=seed, progress=None if quiet else progress, **extra)
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
        _check_seed(s)
    summary = run_sweep(configs=config, seeds=seed_list, out=out, name=name, address=address,
                        workers=workers, force=force,
                        progress=None if quiet or json_out else _stderr_line)
    if json_out:
        from periodization.core.io import json_text

        typer.echo(json_text(summary))
    elif not quiet:
        typer.echo(f"sweep: {len(summary['trained'])} trained, {len(summary['skipped'])} "
                   f"complete before, in {summary['wall_s']:.0f} s -> {summary['out']}")


def _stderr_line(line: str) -> None:
    typer.echo(line, err=True)


@app.command("recommend")
@user_errors
def recommend(
    data: Annotated[Path, typer.Option(
        "--data", help="A wearable export (file, folder or zip: WHOOP, Oura, Garmin, Fitbit, "
        "Polar, Apple Health, intervals.icu, HRV4Training, Elite HRV or the generic CSV; "
        "several sources of one athlete in one folder are merged), a folder holding one "
        "export per athlete, or a CSV with an athlete_id column.")],
    model: Annotated[Path | None, typer.Option(
        help="Trained run directory (default: the model shipped with the package).")] = None,
    plan_days: Annotated[int, typer.Option(
        help="Days to plan, today included (1-28).")] = 7,
    ill: Annotated[bool, typer.Option(
        "--ill", help="You are ill or injured today: only rest or active recovery.")] = False,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print JSON (one object; a batch prints one object per line).")] = False,
    seed: SeedOpt = 0,
    on_ray: Annotated[bool, typer.Option(
        "--ray", help="A batch sharded across Ray workers (the ray extra), streamed to "
        "--out; docs/scale.md.")] = False,
    out: Annotated[Path | None, typer.Option(
        help="With --ray: the results file, .jsonl or .parquet.")] = None,
    workers: Annotated[int | None, typer.Option(
        help="With --ray: shards at once (default: the cluster's CPUs).")] = None,
    address: Annotated[str | None, typer.Option(
        help="With --ray: the cluster to join (default: a local one).")] = None,
    shard_athletes: Annotated[int, typer.Option(
        help="With --ray: athletes per shard.", min=1)] = 2000,
) -> None:
    """Today's session from your wearable export, with the reasons and a plan.

    For the morning of the export's last day: the session (action, zone, minutes, target
    load), the coach's probabilities, the actions the safety rules rule out and why, what
    stands out in your data, and the next days simulated with your calibrated model. The
    recommendation is deterministic (--seed is accepted for uniformity). Not medical advice.
    """
    _check_seed(seed)
    from periodization.advice.recommend import recommend_any
    from periodization.core import console
    from periodization.core.io import json_text

    if not 1 <= plan_days <= 28:
        raise UserError(f"--plan-days must be between 1 and 28, got {plan_days}")
    if out is not None and not on_ray:
        raise UserError("--out is for --ray (without it, --json prints the results)")
    if on_ray:
        _recommend_on_ray(data, out=out, model=model, plan_days=plan_days, ill=ill,
                          workers=workers, address=address, shard_athletes=shard_athletes,
                          json_out=json_out)
        return
    results, batch = recommend_any(data, model=model, plan_days=plan_days, ill=ill)
    if json_out and batch:
        typer.echo("\n".join(json_text(r, indent=None) for r in results))
    elif json_out:
        typer.echo(json_text(results[0]))
    elif batch:
        console.print_recommendation_batch(results)
    else:
        console.print_recommendation(results[0])
    if all("error" in r for r in results):
        raise typer.Exit(2)


def _recommend_on_ray(data: Path, *, out: Path | None, json_out: bool,
                      **options: Any) -> None:
    from periodization.core.io import json_text
    from periodization.scale.batch import recommend_on_ray

    if out is None:
        raise UserError("--ray writes its results to a file: give --out FILE.jsonl or "
                        "FILE.parquet")
    summary = recommend_on_ray(data, out=out, progress=None if json_out else _stderr_line,
                               **options)
    if json_out:
        typer.echo(json_text({k: v for k, v in summary.items() if k != "per_shard"}))
    else:
        typer.echo(f"{summary['advised']} of {summary['athletes']} athletes advised in "
                   f"{summary['wall_s']:.1f} s ({summary['shards']} shards) -> {out}")
    if summary["athletes"] and not summary["advised"]:
        raise typer.Exit(2)


@app.command("serve")
@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                      "only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    db: Annotated[str | None, typer.Option(
        "--db", help="Store URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
        "(default: SQLite in your user data directory).")] = None,
    model: Annotated[Path | None, typer.Option(
        help="Trained run directory (default: the model shipped with the package).")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Seed a few synthetic athletes and a coach (in a demo store of its "
        "own unless --db is given) and print their sign-ins.")] = False,
    workers: Annotated[int, typer.Option(
        help="Server processes on the port (uvicorn workers; they share the store). More "
        "than 1 uses more cores; each holds its own copy of the model.", min=1, max=64)] = 1,
) -> None:
    """The coach as a local web app and JSON API: accounts, uploads, today's session,
    charts, the plan as a calendar feed, a coach's team view (docs/serve.md)."""
    from periodization.serve.deps import require_serve

    require_serve()
    from periodization.serve.run import serve as run_server

    run_server(host=host, port=port, db=db, model=model, demo=demo, workers=workers,
               say=lambda msg: typer.echo(msg, err=True))


@app.command("warmup")
@user_errors
def warmup() -> None:
    """Compile the kernels a batch recommend uses into numba's cache (run once after
    installing; one athlete's recommend never needs it)."""
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
    """The main job end to end: synthesise a cohort, train masked SAC, compare it with
    every baseline on held-out athletes and write the report (index.html)."""
    _check_seed(seed)
    from periodization.core import console
    from periodization.core.extras import require

    for module in ("torch", "tensorboard", "matplotlib"):
        require(module, purpose="the demo")
    from periodization.pipeline import run_demo

    index, report = run_demo(out=out, quick=quick, seed=seed, config=config,
                             say=lambda msg: console.status.print(f"[bold]{console.esc(msg)}"),
                             show_cohort=console.print_cohort_summary)
    console.print_comparison(report, index)


def main() -> None:
    """``periodize`` (through ``_periodize``, which covers start-up) and ``python -m
    periodization``. Inside a command, Ctrl-C is ``user_errors``' one line and exit 130."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - only between parsing and the command
        typer.echo("interrupted", err=True)
        sys.exit(INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()
