"""``periodize compare --baselines all`` wall time at 1000 fresh athletes (the default), as a
user runs it: a fresh interpreter each run (imports, cohort cache load, every baseline on
the same athletes, statistics, figures, report). Prints the median and every run, the
per-run load average, and the headline figures of the last run (so a timing is never
quoted without what it produced).

Goal: under ~60 s on a quiet 2-core machine. The machine's load is printed: figures taken
while it is busy are slower.

Usage: python benchmarks/compare_time.py [--athletes 1000] [--runs 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import emit, median


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    walls, loads, summary = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            out = Path(tmp) / f"r{i}"
            loads.append(os.getloadavg()[0])
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "periodization.cli", "compare",
                                "--baselines", "all", "--athletes", str(args.athletes),
                                "--seed", str(args.seed), "--out", str(out), "--json"],
                               capture_output=True, text=True)
            walls.append(time.perf_counter() - t0)
            if r.returncode != 0:
                sys.exit(f"compare failed: {r.stderr.strip()}")
            summary = json.loads(r.stdout)
    emit("compare_time", {
        "athletes": summary["athletes"], "episodes": summary["episodes"],
        "policies": list(summary["policies"]), "wall_s_median": median(walls),
        "wall_s": walls, "load_avg_1min_before_each_run": loads,
        "outcome_pct": {p: s["metrics"]["outcome_pct"]["mean"]
                        for p, s in summary["policies"].items()}})


if __name__ == "__main__":
    main()
