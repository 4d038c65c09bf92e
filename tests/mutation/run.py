"""Mutation testing (cosmic-ray) of the safety rules, the reward, the world, the SAC update,
masks and replay, the trainer, the oracle and the projection; ``make mutation``.

Each target is one file (optionally some of its functions) and the tests that should kill
its mutants. The tracked tree is copied to a scratch directory first (cosmic-ray rewrites
source files in place), numba's JIT is disabled so that mutants inside compiled kernels
run, and each target gets its own cosmic-ray session. Operators: comparisons (without
``is``), + ↔ −, × ↔ ÷, numbers, unary minus, not, and/or, True/False, break/continue,
zero-iteration loops and exception replacement; the full cross-product of arithmetic
operators (x + y → x << y …) and decorator removal are left out. Prints a JSON summary
(killed / total per target, the survivors) and writes it to ``--out``.

    python tests/mutation/run.py [--targets rules,sac] [--out mutation.json]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# name → (file, functions (None: the whole file), tests)
TARGETS = {
    "rules": ("periodization/env/kernels.py", ["reading_rules", "plan_rules", "fired_rules",
                                               "allowed", "plan_allows", "rules"],
              ["tests/env/test_safety_rules.py", "tests/env/test_env.py",
               "tests/policies/test_planner.py"]),
    "constraints": ("periodization/env/constraints.py", None,
                    ["tests/env/test_safety_rules.py", "tests/env/test_env.py"]),
    "reward": ("periodization/env/kernels.py", ["soft_penalty", "reward_components"],
               ["tests/env"]),
    "reward_config": ("periodization/env/reward.py", None, ["tests/env"]),
    "world": ("periodization/env/world.py", None, ["tests/env"]),
    "vector_env": ("periodization/env/vector_env.py", None, ["tests/env"]),
    "sac": ("periodization/agents/sac.py", None,
            ["tests/agents/test_losses.py", "tests/agents/test_masking.py",
             "tests/agents/test_persistence.py", "tests/agents/test_numpy_policy.py"]),
    "masks": ("periodization/agents/masks.py", None, ["tests/agents"]),
    "replay": ("periodization/agents/replay.py", None, ["tests/agents/test_replay.py",
                                                        "tests/agents/test_masking.py"]),
    "trainer": ("periodization/training/trainer.py", None,
                ["tests/training/test_trainer_transitions.py"]),
    "planner": ("periodization/policies/planner.py", None, ["tests/policies/test_planner.py"]),
    "projection": ("periodization/sim/projection.py", None,
                   ["tests/env/test_projection_terms.py"]),
    "projection_kernel": ("periodization/sim/kernels.py", ["project"],
                          ["tests/env/test_projection_terms.py"]),
    "days_lost": ("periodization/sim/kernels.py", ["expected_days_lost"],
                  ["tests/sim/test_days_lost.py"]),
}
EXCLUDED_OPERATORS = [
    r"core/ReplaceBinaryOperator_(?!(Add_Sub|Sub_Add|Mul_Div|Div_Mul)$).*",
    r"core/ReplaceComparisonOperator_.*Is.*",
    r"core/ReplaceUnaryOperator_(UAdd|Invert|Delete_Invert).*",
    r"core/RemoveDecorator", r"core/VariableReplacer", r"core/VariableInserter",
]


def function_lines(path: Path, names: list[str]) -> list[str]:
    """Line ranges ('a-b') of the named top-level functions of ``path``."""
    tree = ast.parse(path.read_text())
    found = {n.name: f"{n.lineno}-{n.end_lineno}" for n in tree.body
             if isinstance(n, ast.FunctionDef)}
    missing = set(names) - set(found)
    if missing:
        raise SystemExit(f"{path}: no function {sorted(missing)}")
    return [found[n] for n in names]


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def run_target(name: str, work: Path, timeout: float, *, count_only: bool = False) -> dict:
    rel, functions, tests = TARGETS[name]
    config = work / f"cr-{name}.toml"
    session = work / f"cr-{name}.sqlite"
    test_command = (f"{sys.executable} -m pytest -x -q -p no:cacheprovider "
                    f"-W ignore::RuntimeWarning {' '.join(tests)}")
    text = [
        "[cosmic-ray]", f"module-path = {json.dumps(rel)}", f"timeout = {timeout}",
        "excluded-modules = []", f"test-command = {json.dumps(test_command)}", "",
        "[cosmic-ray.distributor]", 'name = "local"', "",
        "[cosmic-ray.filters.operators-filter]",
        f"exclude-operators = {toml_list(EXCLUDED_OPERATORS)}", "",
    ]
    if functions:
        lines = function_lines(work / rel, functions)
        text += ["[cosmic-ray.filters.line-filter.lines]",
                 f"{json.dumps(rel)} = {toml_list(lines)}"]
    config.write_text("\n".join(text) + "\n")
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(work)}
    t0 = time.perf_counter()
    steps = [[str(BIN / "cosmic-ray"), "init", str(config), str(session), "--force"],
             [str(BIN / "cr-filter-operators"), str(session), str(config)]]
    if functions:
        steps.append([str(BIN / "cr-filter-lines"), "--config", str(config), str(session)])
    if not count_only:
        steps.append([str(BIN / "cosmic-ray"), "exec", str(config), str(session)])
    for step in steps:
        subprocess.run(step, cwd=work, env=env, check=True, capture_output=True)
    return {"target": name, "file": rel, "functions": functions, "tests": tests,
            **summarise(session), "wall_s": round(time.perf_counter() - t0, 1)}


def summarise(session: Path) -> dict:
    """Killed / total from a session database, and the surviving mutants."""
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT m.module_path, m.operator_name, m.occurrence, m.start_pos_row, "
            "r.worker_outcome, r.test_outcome FROM mutation_specs m "
            "LEFT JOIN work_results r ON r.job_id = m.job_id").fetchall()
    pending = sum(r[4] is None for r in rows)
    rows = [r for r in rows if r[4] is not None] if not pending else [
        (*r[:4], r[4] or "PENDING", r[5]) for r in rows]
    ran = [r for r in rows if r[4] != "SKIPPED"]
    # killed: a test failed; incompetent: the mutant broke the run outright (an error on
    # import, a type error); abnormal: it hung past the timeout. All three are caught.
    survived = [r for r in ran if r[5] == "SURVIVED" and r[4] == "NORMAL"]
    incompetent = [r for r in ran if r[5] == "INCOMPETENT"]
    return {"killed": len(ran) - len(survived), "total": len(ran),
            "incompetent": len(incompetent), "skipped": len(rows) - len(ran),
            "score": round(1 - len(survived) / len(ran), 4) if ran else None,
            "survivors": [{"line": r[3], "operator": r[1], "occurrence": r[2]}
                          for r in sorted(survived, key=lambda r: (r[3], r[1]))]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    ap.add_argument("--count", action="store_true", help="count the mutants, run none")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the copied tree and the sessions here (default: a temp dir)")
    args = ap.parse_args()
    names = [t for t in args.targets.split(",") if t]
    unknown = set(names) - set(TARGETS)
    if unknown:
        raise SystemExit(f"unknown targets {sorted(unknown)}; known: {', '.join(TARGETS)}")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    results = []
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        work = args.work or Path(tmp)
        for f in files:
            if (ROOT / f).is_file():
                (work / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / f, work / f)
        for name in names:
            results.append(run_target(name, work, args.timeout, count_only=args.count))
            print(json.dumps({k: v for k, v in results[-1].items() if k != "survivors"}),
                  file=sys.stderr, flush=True)
    summary = {"targets": results,
               "killed": sum(r["killed"] for r in results),
               "total": sum(r["total"] for r in results)}
    text = json.dumps(summary, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
