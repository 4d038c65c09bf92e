"""``periodize compare``: every policy on the same episodes, then statistics and the report.

Baselines, each training seed of each learned agent and each ablation run are evaluated on
the rows of one ``EpisodePlan`` (by default 1000 fresh athletes of the prior; the same
athletes, start days and noise for all), so every comparison is paired by athlete. The
policies are kept, so the report can replay an episode or draw a
policy map without building them again (behaviour cloning trains on construction).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from periodization.agents.artifacts import ACTOR, RUN_JSON, default_model_dir
from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.evaluation.analysis import Roster
from periodization.evaluation.athletes import COHORT, EpisodePlan, plan_episodes
from periodization.evaluation.evaluate import DEFAULT_POLICY, default_policy
from periodization.evaluation.play import play
from periodization.evaluation.runs import (
    ABLATION_PREFIX,
    RunInfo,
    expand_run_paths,
    group_runs,
    load_run,
    parse_ablation,
)
from periodization.policies.base import BasePolicy
from periodization.policies.external import SB3_PREFIX, is_reference, spec_name
from periodization.policies.registry import BASELINES

PACKAGED = "packaged"  # the algo of ``--policy default``: the model shipped with the package
MODEL_DIR = "model"  # the algo of ``--policy DIR``: a model directory (``periodize ensemble``)
PolicyFactory = Callable[[str], BasePolicy]  # baseline name or run directory → policy


@dataclass
class Comparison:
    """What was run: per-episode rows (per-seed for agents), who is who, and the policies."""

    episodes: pd.DataFrame
    roster: Roster
    runs: dict[str, RunInfo]  # per-seed label → its run
    policies: dict[str, BasePolicy]  # label → the policy that produced its rows
    prepared: PreparedCohort
    settings: dict[str, Any]  # the plan's settings and the reward version (for reports)
    reward: Any = None  # the evaluation reward as given (None: the default, v2)
    plan: EpisodePlan | None = None  # the episodes every policy played


def parse_baselines(spec: str) -> list[str]:
    """``all``, ``none`` or a comma list of baseline names (in the canonical order)."""
    spec = spec.strip().lower()
    if spec == "all":
        return list(BASELINES)
    if spec in ("none", ""):
        return []
    names = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise UserError(f"unknown baseline {unknown[0]!r}: expected all, none or a comma list "
                        f"of {', '.join(BASELINES)}")
    return [b for b in BASELINES if b in names]


def collect_runs(runs: list[str | Path], ablations: list[str], policies: Sequence[str] = ()
                 ) -> tuple[dict[str, list[RunInfo]], dict[str, list[RunInfo]]]:
    """Agents and ablations (name → runs) from ``--runs``, ``--ablation NAME=DIRS`` and
    ``--policy SPEC`` (``default``, the packaged model, a model directory such as
    ``periodize ensemble`` writes, ``sb3:PATH`` or ``module:attr``: an agent with a single
    seed).

    A run in ``--runs`` whose group begins with ``ablation-`` is an ablation; an
    ``--ablation`` name overrides the runs' own group names.
    """
    groups = group_runs([load_run(p) for p in expand_run_paths(runs)])
    for spec in policies:
        if spec == DEFAULT_POLICY:  # the packaged model, as ``recommend`` loads it
            if DEFAULT_POLICY in groups:
                raise UserError("two agents are named 'default': give each policy once")
            groups[DEFAULT_POLICY] = [RunInfo(path=default_model_dir(),
                                              group=DEFAULT_POLICY, seed=0, algo=PACKAGED,
                                              meta={"policy": spec})]
            continue
        model_dir = (Path(spec) / ACTOR).is_file() and not os.path.lexists(Path(spec) / RUN_JSON)
        if not (model_dir or spec.startswith(SB3_PREFIX) or is_reference(spec)):
            raise UserError(f"--policy expects a model directory, sb3:MODEL.zip or "
                            f"module:attr (or default, the packaged model), got {spec!r} "
                            "(run directories go to --runs, baselines to --baselines)")
        name = Path(spec).name if model_dir else spec_name(spec)
        if name in groups:
            raise UserError(f"two agents are named {name!r}: give each policy once")
        algo = MODEL_DIR if model_dir else "sb3" if spec.startswith(SB3_PREFIX) else "python"
        groups[name] = [RunInfo(path=Path(spec), group=name, seed=0, algo=algo,
                                meta={"policy": spec})]
    agents = {g: r for g, r in groups.items() if not g.startswith(ABLATION_PREFIX)}
    ablation = {g: r for g, r in groups.items() if g.startswith(ABLATION_PREFIX)}
    for spec in ablations:
        name, paths = parse_ablation(spec)
        if name in agents or name in ablation:
            raise UserError(f"--ablation name {name!r} is already the name of an agent")
        members = [dataclasses.replace(load_run(p), group=name) for p in paths]
        ablation.update(group_runs(members))
    # An agent named like a baseline would share its rows in every table.
    clash = next((g for g in (*agents, *ablation) if g in BASELINES), None)
    if clash:
        raise UserError(f"agent name {clash!r} is a baseline's name: set another group in "
                        "run.json or name the ablation differently")
    return agents, ablation


def run_comparison(*, baselines: list[str], agents: dict[str, list[RunInfo]],
                   ablations: dict[str, list[RunInfo]] | None = None,
                   plan: EpisodePlan | None = None, episodes: int | None = None,
                   seed: int = 0, split: str | None = None,
                   cohort: str | Path | PreparedCohort | None = None, reward: Any = None,
                   factory: PolicyFactory | None = None,
                   progress: Callable[[str], None] | None = None) -> Comparison:
    """Evaluate every policy on the rows of ``plan`` (without one: ``episodes`` on the
    cohort's ``split`` when either is given, else 1000 fresh athletes of ``seed``).

    ``factory`` builds a policy from a baseline name or a run directory (default: the
    registry's ``make_policy`` on this cohort).
    """
    from periodization.cohort.cache import prepared_cohort
    from periodization.policies.registry import make_policy

    ablations = ablations or {}
    if not baselines and not agents and not ablations:
        raise UserError("no policy to compare: give --runs or --baselines")
    if plan is None:
        plan = plan_episodes(seed=seed, episodes=episodes, split=split)
    prepared = prepared_cohort(cohort)
    if plan.mode == COHORT:
        prepared.athletes(plan.split)  # a one-line error for an unknown or empty split
    if factory is None:
        def factory(name: str) -> BasePolicy:
            return make_policy(name, prepared=prepared, seed=plan.seed)

    runs = {r.label: r for members in (*agents.values(), *ablations.values()) for r in members}
    jobs = [(b, b) for b in baselines] + [(label, str(r.path)) for label, r in runs.items()]
    tables, policies = [], {}
    for label, source in jobs:
        if progress is not None:
            progress(label)
        packaged = label in runs and runs[label].algo == PACKAGED
        policy = policies[label] = default_policy(prepared) if packaged else factory(source)
        tables.append(play(policy, plan, prepared=prepared, reward=reward, name=label))
    roster = Roster(baselines=list(baselines),
                    agents={g: [r.label for r in m] for g, m in agents.items()},
                    ablations={g: [r.label for r in m] for g, m in ablations.items()})
    settings = {**plan.settings(), "reward": str(getattr(reward, "version", reward) or "v2")}
    return Comparison(episodes=pd.concat(tables, ignore_index=True), roster=roster, runs=runs,
                      policies=policies, prepared=prepared, settings=settings, reward=reward,
                      plan=plan)
