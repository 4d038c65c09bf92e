"""``recommend`` start-up and run time, one athlete's one-year export, and one row per
import format.

In process: the first call and the median of ``--repeats`` more (import → calibration →
features → rules → policy → drivers → 7-day plan), the calibration alone, and the policy
part per athlete (batch of one and of 1000). As a user runs it, ``periodize recommend``
wall time (interpreter start and imports included):

* ``cli_wall_s_median``: warm (bytecode and numba cache present), beside
  ``python_import_pandas_s_median``, a bare interpreter importing numpy and pandas (the
  floor under it on this machine);
* ``cli_first_run_empty_numba_cache_s``: as after a fresh install (numba cache empty;
  one athlete's kernels run as plain Python, so nothing is compiled);
* ``cli_first_run_no_bytecode_s``: also without any ``.pyc`` (the worst case: every
  module of every package compiled from source);
* ``batch8_first_run_no_warmup_s`` / ``batch8_after_warmup_s``: 8 athletes (compiled
  kernels) with an empty numba cache, and after ``periodize warmup``;
* ``formats``: per supported format, the warm CLI wall time on a one-year export written
  with that vendor's layout (``tests/ingest/layouts``).

Goals: warm ≤ 1 s, first run after install ≤ 3 s, policy ≤ 5 ms per athlete. The
machine's load is printed: figures taken while it is busy are slower.

Usage: python benchmarks/recommend_time.py [--repeats 7] [--model RUN_DIR] [--cli-runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import emit, median, repeat_timed
from _recommend_inputs import export_rows, stand_in_model, write_csv

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--model", type=Path, default=None, help="default: an untrained stand-in")
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--skip-formats", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = args.model or stand_in_model(tmp / "model")
        rows = export_rows(athletes=1, days=365, seed=4)
        export = write_csv(tmp / "year.csv", rows.drop(columns="athlete_id"))
        batch = write_csv(tmp / "batch8.csv", export_rows(athletes=8, days=365, seed=5))

        from periodization.advice.recommend import recommend

        t0 = time.perf_counter()
        recommend(export, model=model)
        first = time.perf_counter() - t0
        end_to_end = repeat_timed(lambda: recommend(export, model=model), args.repeats)

        from periodization.calibration.calibrate import calibrate
        from periodization.ingest.inputs import read_inputs
        from periodization.ingest.preprocess import complete_calendar, validate

        table = complete_calendar(validate(read_inputs(export).rows))
        calibration = repeat_timed(lambda: calibrate(table), args.repeats)
        policy = _policy_times(model, args.repeats)
        cli = [_cli(export, model) for _ in range(args.cli_runs)]
        floor = [_python("import numpy, pandas") for _ in range(args.cli_runs)]
        empty = {"NUMBA_CACHE_DIR": str(tmp / "numba_empty")}
        fresh = _cli(export, model, env=empty)
        no_pyc = _cli(export, model, env={**empty, "PYTHONPYCACHEPREFIX": str(tmp / "pyc")})
        cold_cache = {"NUMBA_CACHE_DIR": str(tmp / "numba_batch")}
        batch_cold = _cli(batch, model, env=cold_cache)
        warm_up = _run(["warmup"], env={"NUMBA_CACHE_DIR": str(tmp / "numba_warm")})
        batch_warm = _cli(batch, model, env={"NUMBA_CACHE_DIR": str(tmp / "numba_warm")})
        formats = [] if args.skip_formats else _formats(tmp, model, args.cli_runs)
    emit("recommend_time", {
        "days": 365, "repeats": args.repeats, "model": "stand-in" if args.model is None
        else str(args.model),
        "end_to_end_s_median": median(end_to_end), "end_to_end_s_first": first,
        "end_to_end_s_all": end_to_end, "calibration_s_median": median(calibration),
        **policy, "cli_wall_s_median": median(cli), "cli_wall_s_all": cli,
        "python_import_pandas_s_median": median(floor),
        "cli_first_run_empty_numba_cache_s": fresh, "cli_first_run_no_bytecode_s": no_pyc,
        "batch8_first_run_no_warmup_s": batch_cold, "warmup_s": warm_up,
        "batch8_after_warmup_s": batch_warm, "formats": formats,
        "goal_cli_warm_s": 1.0, "goal_cli_first_run_s": 3.0, "goal_policy_ms_per_athlete": 5.0,
        "meets_goals": median(cli) <= 1.0 and fresh <= 3.0
        and policy["policy_ms_per_athlete_1"] <= 5.0,
    })


def _policy_times(model: Path, repeats: int) -> dict:
    from periodization.advice.coach import Coach
    from periodization.agents.artifacts import load_model

    coach = Coach(load_model(model))
    rng = np.random.default_rng(0)
    out = {}
    for n in (1, 1000):
        raw = coach.model.scaler.inverse(rng.normal(size=(n, coach.model.scaler.n_features)))
        mask = rng.random((n, 6)) < 0.8
        mask[:, 0] = True
        use = np.ones(n, dtype=bool)
        times = repeat_timed(lambda raw=raw, mask=mask, use=use: coach.decide(raw, mask, use),
                             repeats)
        out[f"policy_ms_per_athlete_{n}"] = 1000.0 * median(times) / n
    return out


def _run(argv: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "periodization.cli", *argv],
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - t0


def _python(code: str) -> float:
    """Wall time of a bare interpreter running ``code``: the floor under the CLI's time."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def _cli(export: Path, model: Path, env: dict[str, str] | None = None) -> float:
    return _run(["recommend", "--data", str(export), "--model", str(model), "--json"], env)


def _formats(tmp: Path, model: Path, runs: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from tests.ingest.layouts.registry import WRITERS, write
    from tests.ingest.layouts.truth import make_truth

    truth = make_truth(365, seed=12)
    out = []
    for fmt in WRITERS:
        path = write(fmt, tmp / "formats" / fmt.replace("+", "_"), truth)
        files = sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
        _cli(path, model)  # bytecode of the format's modules
        times = [_cli(path, model) for _ in range(runs)]
        out.append({"format": fmt, "days": 365, "files": files,
                    "cli_wall_s_median": median(times)})
    return out


if __name__ == "__main__":
    main()
