"""``recommend`` on one athlete's one-year export, end to end (import → calibration →
features → rules → policy → drivers → 7-day plan → JSON-able result), in process.

Reports the median of ``--repeats`` runs after the first and the first run alone (which
also loads the compiled kernels from numba's cache), the calibration alone, the policy
part per athlete (scaling + masked actor forward pass + choice, batch of one and a batch
of 1000) and, for reference, the wall time of the ``periodize recommend`` command
(interpreter start and imports included). Goals: ≤ 1 s end to end; policy ≤ 5 ms/athlete.

Usage: python benchmarks/recommend_time.py [--repeats 7] [--model RUN_DIR] [--cli-runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import emit, median, repeat_timed
from _recommend_inputs import export_rows, stand_in_model, write_csv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--model", type=Path, default=None, help="default: an untrained stand-in")
    ap.add_argument("--cli-runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or stand_in_model(Path(tmp) / "model")
        rows = export_rows(athletes=1, days=365, seed=4)
        export = write_csv(Path(tmp) / "year.csv", rows.drop(columns="athlete_id"))

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
        cli = _cli_times(export, model, args.cli_runs)
    emit("recommend_time", {
        "days": 365, "repeats": args.repeats, "model": "stand-in" if args.model is None
        else str(args.model),
        "end_to_end_s_median": median(end_to_end), "end_to_end_s_first": first,
        "end_to_end_s_all": end_to_end, "calibration_s_median": median(calibration),
        **policy, "cli_wall_s_median": median(cli) if cli else None, "cli_wall_s_all": cli,
        "goal_end_to_end_s": 1.0, "goal_policy_ms_per_athlete": 5.0,
        "meets_goals": median(end_to_end) <= 1.0 and policy["policy_ms_per_athlete_1"] <= 5.0,
    })


def _policy_times(model: Path, repeats: int) -> dict:
    from periodization.advice.coach import Coach
    from periodization.agents.artifacts import load_model

    coach = Coach(load_model(model))
    rng = np.random.default_rng(0)
    out = {}
    for n in (1, 1000):
        raw = coach.model.scaler.inverse(rng.normal(size=(n, 17)))
        mask = rng.random((n, 6)) < 0.8
        mask[:, 0] = True
        use = np.ones(n, dtype=bool)
        times = repeat_timed(lambda raw=raw, mask=mask, use=use: coach.decide(raw, mask, use),
                             repeats)
        out[f"policy_ms_per_athlete_{n}"] = 1000.0 * median(times) / n
    return out


def _cli_times(export: Path, model: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "periodization.cli", "recommend", "--data",
                               str(export), "--model", str(model), "--json"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        times.append(time.perf_counter() - t0)
    return times


if __name__ == "__main__":
    main()
