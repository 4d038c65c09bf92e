"""The comparison report: ``REPORT_DIR/index.html`` (self-contained), ``summary.json`` (every
figure in its tables), ``episodes.csv`` (every per-episode row with its athlete, to redo
any statistic) and ``figures/*.png``.

``compare_and_report`` is what ``periodize compare`` calls: check the inputs, run every
policy on the same episodes, analyse, draw, write; the output directory is written
atomically (``io.staged_directory``), so a failure leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.core.io import fault_point, json_text, staged_directory
from periodization.core.spreadsheet import formula_safe
from periodization.evaluation.analysis import HEURISTICS, analyse, headline_order
from periodization.evaluation.athletes import EpisodePlan
from periodization.evaluation.compare import (
    Comparison,
    PolicyFactory,
    collect_runs,
    run_comparison,
)
from periodization.report import sections as S
from periodization.report.figures import build_figures
from periodization.report.verdicts import agent_sentences

REPORT_FILES = ("index.html", "summary.json", "episodes.csv", "figures")
VERSIONED = ("periodization", "torch", "numpy", "scipy", "pandas", "gymnasium", "matplotlib")


def versions() -> dict[str, str]:
    """Installed versions of the package and what the numbers depend on (without importing
    torch: ``importlib.metadata`` reads the installed metadata)."""
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def method_info(comparison: Comparison, *, cohort: Any, command: str | None) -> dict:
    """How the numbers were made: enough to run the same comparison again."""
    meta = comparison.prepared.cohort.meta
    settings = comparison.settings
    split = settings.get("split")
    if settings.get("mode") == "prior":
        blocks = settings["blocks_per_athlete"]
        population = (f"{settings['athletes']} fresh athletes of {settings['prior']}, "
                      + ("one 90-day block each" if blocks == 1 else
                         f"{blocks} 90-day blocks each (the same start, other noise)"))
    else:
        population = f"{settings['episodes']} episodes of the cohort's {split} athletes"
    return {
        **settings,
        "population": population,
        "episode_seeds": "each athlete (and block) has its own seed stream, spawned from "
                         "SeedSequence(seed, spawn_key=(evaluation tag,)): disjoint from "
                         "training's and validation's, and from other evaluation seeds",
        "cohort": {"path": "the default cached cohort" if cohort is None
                   else ("(in memory)" if isinstance(cohort, PreparedCohort) else str(cohort)),
                   "athletes": meta.get("athletes"), "days": meta.get("days"),
                   "seed": meta.get("seed"),
                   "split_athletes": len(comparison.prepared.splits[split]) if split else None},
        "baselines": comparison.roster.baselines,
        "agents": {g: [{"label": lbl, "run": str(comparison.runs[lbl].path),
                        "seed": comparison.runs[lbl].seed, "algo": comparison.runs[lbl].algo}
                       for lbl in labels]
                   for g, labels in {**comparison.roster.agents,
                                     **comparison.roster.ablations}.items()},
        "statistics": {
            "unit": "the athlete: every figure rests on the same athletes, counted in "
                    "'athletes'",
            "confidence_intervals": "percentile bootstrap of the mean resampling athletes "
                                    "(all blocks of an athlete together), 2000 resamples",
            "paired_test": "two-sided Wilcoxon signed-rank on paired athlete-mean outcomes "
                           "(scipy, zero differences dropped)",
            "training_seeds": "a learned agent's per-episode value is the mean over its "
                              "training seeds; its CI and tests use that mean",
            "share_of_oracle": "mean agent outcome / mean oracle outcome",
            "gap_closed": "(agent − best heuristic) / (oracle − best heuristic), mean "
                          "outcomes; best heuristic = highest mean outcome of "
                          + ", ".join(HEURISTICS),
            "ratio_intervals": "share of oracle and gap closed: paired bootstrap over "
                               "athletes, 2000 resamples",
        },
        "versions": versions(),
        "command": command,
        "generated_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }


def write_report(comparison: Comparison, out_dir: Path, *, cohort: Any = None,
                 command: str | None = None,
                 progress: Callable[[str], None] | None = None) -> dict:
    """Analyse ``comparison`` and write the report files into ``out_dir``; returns the
    summary (``summary.json``'s content)."""
    say = progress or (lambda _: None)
    say("statistics")
    summary = analyse(comparison.episodes, comparison.roster, seed=comparison.settings["seed"])
    summary["headline"] = headline_order(summary)
    summary["sentences"] = {g: agent_sentences(g, summary) for g in summary["agents"]}
    summary["method"] = method_info(comparison, cohort=cohort, command=command)
    figures_dir = out_dir / "figures"
    figures_dir.mkdir(exist_ok=True)
    figures = build_figures(comparison, summary, figures_dir, progress=progress)
    summary["figures"] = [{"key": f.key, "title": f.title, "caption": f.caption,
                           "file": f"figures/{f.path.name}"} for f in figures]
    fault_point("report: figures drawn")
    say("writing the report")
    (out_dir / "index.html").write_text(S.page(summary, figures), encoding="utf-8")
    fault_point("report: index.html written")
    # The staging directory makes the whole report atomic; plain writes suffice inside it.
    (out_dir / "summary.json").write_text(json_text(summary) + "\n", encoding="utf-8")
    fault_point("report: summary.json written")
    formula_safe(comparison.episodes).to_csv(out_dir / "episodes.csv", index=False)
    return summary


def compare_and_report(*, out: str | Path, runs: Sequence[str | Path] = (),
                       ablations: Sequence[str] = (), policies: Sequence[str] = (),
                       baselines: list[str], plan: EpisodePlan | None = None,
                       episodes: int | None = None, seed: int = 0, split: str | None = None,
                       cohort: str | Path | PreparedCohort | None = None, reward: Any = None,
                       force: bool = False, command: str | None = None,
                       factory: PolicyFactory | None = None,
                       progress: Callable[[str], None] | None = None
                       ) -> tuple[dict, Path]:
    """``periodize compare``: returns the summary and the path of ``index.html``. The
    episodes: ``plan``, else ``episodes`` on the cohort's ``split`` when either is given,
    else 1000 fresh athletes of ``seed``.

    Inputs are checked before anything runs (run directories, a non-empty policy list,
    the output directory); ``UserError`` for any of them.
    """
    agents, ablation_runs = collect_runs(list(runs), list(ablations), policies)
    if not baselines and not agents and not ablation_runs:
        raise UserError("no policy to compare: give --runs, --policy or --baselines")
    with staged_directory(out, force=force) as stage:
        comparison = run_comparison(baselines=baselines, agents=agents,
                                    ablations=ablation_runs, plan=plan, episodes=episodes,
                                    seed=seed, split=split, cohort=cohort,
                                    reward=reward,
                                    factory=factory,
                                    progress=progress and (lambda p: progress(f"evaluating {p}")))
        summary = write_report(comparison, stage, cohort=cohort, command=command,
                               progress=progress)
    return summary, Path(out) / "index.html"
