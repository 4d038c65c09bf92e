"""The report's figure set: chooses what to draw from a comparison and its statistics,
gathers the data (learning curves, a replayed episode, policy maps) and calls ``plots``.

A figure that has nothing to show (no learning curves without runs, no PMC chart without
any of agent, best heuristic and oracle) is left out rather than drawn empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from periodization.evaluation.analysis import ORACLE, headline_order, with_aggregates
from periodization.evaluation.compare import Comparison
from periodization.evaluation.policy_map import consensus, policy_map
from periodization.evaluation.runs import read_metrics
from periodization.evaluation.trajectory import record_episode
from periodization.report import plots
from periodization.report.plot_style import policy_colours


@dataclass(frozen=True)
class Figure:
    key: str  # file stem and HTML anchor
    title: str
    caption: str
    path: Path


def representative_episode(comparison: Comparison, label: str) -> int:
    """The episode whose outcome under ``label`` is closest to that policy's median."""
    rows = comparison.episodes[comparison.episodes["policy"] == label]
    x = rows["outcome_pct"].to_numpy()
    return int(rows["episode"].to_numpy()[np.argmin(np.abs(x - np.median(x)))])


def pmc_subjects(comparison: Comparison, summary: dict) -> tuple[dict[str, str], int, str]:
    """Who is shown in the PMC chart (display name → policy label), on which episode, and
    why that episode. The agent is the first learned agent's first training seed."""
    subjects: dict[str, str] = {}
    agents = comparison.roster.agents
    if agents:
        first = next(iter(agents))
        subjects[agents[first][0]] = agents[first][0]
    best = summary["best_heuristic"]
    if best:
        subjects[f"{best} (best heuristic)"] = best
    if ORACLE in comparison.roster.baselines:
        subjects[ORACLE] = ORACLE
    if not subjects:
        return {}, 0, ""
    anchor = next(iter(subjects.values()))
    episode = representative_episode(comparison, anchor)
    return subjects, episode, f"the episode closest to {anchor}'s median outcome"


def build_figures(comparison: Comparison, summary: dict, out_dir: Path, *,
                  progress: Callable[[str], None] | None = None) -> list[Figure]:
    """Draw every figure into ``out_dir`` (PNG) and return them in report order."""
    say = progress or (lambda _: None)
    names = headline_order(summary)
    colours = policy_colours([*names, *comparison.runs])
    out: list[Figure] = []

    say("figures: learning curves")
    curves = {g: [(r.label, t) for r in (comparison.runs[lbl] for lbl in labels)
                  if (t := read_metrics(r)) is not None]
              for g, labels in comparison.roster.agents.items()}
    curves = {g: c for g, c in curves.items() if c}
    if curves:
        out.append(Figure("learning_curves", "Learning curves", (
            "Training return and validation outcome against environment steps, one line per "
            "training seed (from each run's metrics.csv). The outcome should rise with the "
            "return; a return that rises while the outcome does not is a reward that "
            "is being gamed."), plots.learning_curves(curves, out_dir / "learning_curves.png",
                                                       colours=colours)))

    subjects, episode, why = pmc_subjects(comparison, summary)
    if subjects:
        say("figures: performance-management chart")
        traj = {name: record_episode(comparison.policies[label], episode,
                                     plan=comparison.plan, cohort=comparison.prepared,
                                     reward=comparison.reward)
                for name, label in subjects.items()}
        athlete = next(iter(traj.values()))["athlete_id"].iloc[0]
        pmc_colours = {name: colours.get(label, "black") for name, label in subjects.items()}
        out.append(Figure("pmc", "The same athlete under each policy", (
            f"Held-out athlete {athlete}, episode {episode} ({why}), replayed under each "
            "policy (one athlete, to show how; the tables rest on every athlete): "
            "chronic (CTL) and acute (ATL) training load and their difference, the training "
            "stress balance (TSB), from the athlete's true state each morning; the strip "
            "underneath is the session carried out each day."),
            plots.pmc_chart(traj, out_dir / "pmc.png", colours=pmc_colours,
                            title=f"Athlete {athlete}, episode {episode}: how each policy "
                                  "builds fitness (CTL) and manages fatigue (ATL)")))

    say("figures: policy maps")
    maps = {g: consensus([policy_map(comparison.policies[lbl], comparison.prepared)
                          for lbl in labels])
            for g, labels in comparison.roster.agents.items()}
    if summary["best_heuristic"]:
        best = summary["best_heuristic"]
        maps[f"{best} (best heuristic)"] = policy_map(comparison.policies[best],
                                                      comparison.prepared)
    if maps:
        out.append(Figure("policy_map", "Policy map", (
            "The session chosen on a grid of mornings: recovery score across, training "
            "stress balance (TSB) up; every other feature at the training athletes' median "
            "(ATL = median CTL − TSB), on a Wednesday, with every session allowed. Dashed "
            "lines: the red / yellow / green recovery zones (33, 67). A learned agent's "
            "panel is the most common choice over its training seeds."),
            plots.policy_maps(maps, out_dir / "policy_map.png")))

    say("figures: actions and outcomes")
    shares = {n: summary["policies"][n]["action_share"] for n in names}
    out.append(Figure("actions", "Action distributions", (
        "Share of days each policy prescribed each session, over all evaluation episodes "
        f"({summary['athletes']} athletes; learned agents: mean over training seeds)."),
        plots.action_distribution(shares, out_dir / "actions.png")))
    full = with_aggregates(comparison.episodes, comparison.roster)
    out.append(Figure("outcome_vs_overreached", "Outcome against overreaching", (
        "Each episode's performance change against its days of non-functional "
        "overreaching (faint points, jittered sideways), and each policy's mean with 95 % "
        f"bootstrap confidence intervals over its {summary['athletes']} athletes."),
        plots.outcome_vs_overreached(full, out_dir / "outcome_vs_overreached.png", names=names,
                                     colours=colours, seed=comparison.settings["seed"])))
    return out
