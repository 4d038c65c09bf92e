"""``recommend`` for many athletes at once: a one-year long CSV with ``athlete_id`` for
``--athletes`` athletes (goal: 10 000 in ≤ 60 s), and a folder of one export per athlete
(``--folder-athletes`` files; each goes through the full importer, ~0.1 s a file).

The inputs are simulated and written to a temporary directory before timing starts; the
timed part is everything ``periodize recommend --data …`` does apart from printing.

Usage: python benchmarks/recommend_batch.py [--athletes 10000] [--days 365]
       [--folder-athletes 200] [--model RUN_DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import emit
from _recommend_inputs import export_rows, stand_in_model, write_csv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--folder-athletes", type=int, default=200)
    ap.add_argument("--model", type=Path, default=None, help="default: an untrained stand-in")
    args = ap.parse_args()
    from periodization.advice.recommend import recommend_batch

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = args.model or stand_in_model(folder / "model")
        t0 = time.perf_counter()
        rows = export_rows(athletes=args.athletes, days=args.days, seed=1)
        long_csv = write_csv(folder / "team.csv", rows)
        team = folder / "team"
        team.mkdir()
        some = sorted(rows["athlete_id"].unique())[:args.folder_athletes]
        for athlete, part in rows[rows["athlete_id"].isin(some)].groupby("athlete_id"):
            write_csv(team / f"{athlete}.csv", part.drop(columns="athlete_id"))
        generate = time.perf_counter() - t0
        recommend_batch(team / f"{some[0]}.csv", model=model)  # load compiled kernels

        t0 = time.perf_counter()
        out = recommend_batch(long_csv, model=model)
        long_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        folder_out = recommend_batch(team, model=model)
        folder_s = time.perf_counter() - t0
    emit("recommend_batch", {
        "athletes": args.athletes, "days": args.days, "input_generation_s": generate,
        "long_csv_s": long_s, "long_csv_athletes_per_s": args.athletes / long_s,
        "long_csv_advised": sum("error" not in r for r in out),
        "long_csv_not_advised": sum("error" in r for r in out),
        "folder_athletes": len(some), "folder_s": folder_s,
        "folder_athletes_per_s": len(some) / folder_s,
        "folder_advised": sum("error" not in r for r in folder_out),
        "goal_s_for_10000": 60.0, "meets_goal": args.athletes >= 10_000 and long_s <= 60.0,
    })


if __name__ == "__main__":
    main()
