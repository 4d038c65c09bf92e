"""The main job end to end (``periodize demo``): cohort → training → comparison → report.

Each stage is the same code the individual commands run; this module only chains them
and chooses the sizes (the full demo or ``--quick``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from periodization.cohort.synth import cohort_summary, save_cohort, synthesize


@dataclass(frozen=True)
class DemoSize:
    athletes: int
    days: int
    train_episodes: int
    eval_athletes: int  # fresh athletes of the prior, one block each, as `compare` does


FULL = DemoSize(athletes=200, days=180, train_episodes=300, eval_athletes=1000)
QUICK = DemoSize(athletes=80, days=150, train_episodes=60, eval_athletes=100)


def run_demo(*, out: Path, quick: bool, seed: int, config: Path | None,
             say: Callable[[str], None], show_cohort: Callable[[dict, Path], None]
             ) -> tuple[Path, dict]:
    """Run the demo into ``out``; returns (report index path, report summary). ``say``
    announces each stage; ``show_cohort`` gets the cohort's summary as soon as it exists."""
    import dataclasses

    from periodization.evaluation.athletes import plan_episodes
    from periodization.policies.registry import BASELINES
    from periodization.report.build import compare_and_report
    from periodization.training.config import RunConfig, load_config
    from periodization.training.launch import run_training

    size = QUICK if quick else FULL
    out.mkdir(parents=True, exist_ok=True)
    say(f"1/3 synthesising {size.athletes} athletes × {size.days} days")
    cohort = synthesize(athletes=size.athletes, days=size.days, seed=seed)
    cohort_dir = save_cohort(cohort, out / "cohort", force=True)
    show_cohort(cohort_summary(cohort), cohort_dir)

    say(f"2/3 training masked SAC for {size.train_episodes} episodes")
    run_config = load_config(config) if config is not None else RunConfig()
    run_config = run_config.with_overrides(episodes=size.train_episodes, seed=seed)
    run_config = dataclasses.replace(
        run_config, env=dataclasses.replace(run_config.env, cohort=str(cohort_dir)))
    run_dir = out / "runs" / "sac"
    run_training(out=run_dir, config=run_config, force=True, quiet=False)

    say(f"3/3 comparing with every baseline on {size.eval_athletes} fresh athletes")
    report, index = compare_and_report(
        out=out / "report", runs=[run_dir], baselines=list(BASELINES),
        plan=plan_episodes(seed=seed, athletes=size.eval_athletes), seed=seed,
        cohort=cohort_dir, force=True,
        command=f"periodize demo{' --quick' if quick else ''} --out {out} --seed {seed}",
        progress=say)
    return index, report
