"""Peak memory and wall time of ``periodize recommend`` on a 1 GB Apple Health export.

Apple Health is the one format with no size limit (its XML is streamed; CSV, JSON and FIT
files are refused from their size alone, see docs/importers.md), so it is the format whose
memory must stay bounded as the file grows. The export written here has the shape of a
real one: a year of mornings (HRV as SDNN, resting HR, a night's sleep stages) among
hundreds of megabytes of per-minute heart-rate and step records that the importer reads
and drops.

The command runs in a child process, optionally under an address-space cap
(``--cap-mb``), and its peak resident memory is read from ``getrusage(RUSAGE_CHILDREN)``.
Goal (issue 13): peak ≤ 500 MB for a 1 GB export.

Usage: python benchmarks/import_memory.py [--size-gb 1.0] [--cap-mb 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import emit

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
DAYS = 365


def _record(kind: str, unit: str, start: str, end: str, value: str) -> str:
    return (f'<Record type="HKQuantityTypeIdentifier{kind}" sourceName="Watch" unit="{unit}"'
            f' startDate="{start}" endDate="{end}" value="{value}"/>\n')


def _morning(day: dt.date, i: int) -> str:
    """One night's sleep, the next morning's SDNN and resting HR (values vary by day)."""
    night = day - dt.timedelta(days=1)
    bed, wake = f"{night} 23:10:00 +0100", f"{day} 06:55:00 +0100"
    sleep = ('<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch"'
             f' startDate="{bed}" endDate="{wake}"'
             ' value="HKCategoryValueSleepAnalysisAsleepCore"/>\n')
    t = f"{day} 07:00:00 +0100"
    return (sleep + _record("HeartRateVariabilitySDNN", "ms", t, t, f"{48 + (i * 7) % 15}")
            + _record("RestingHeartRate", "count/min", t, t, f"{50 + (i * 3) % 7}"))


def write_export(path: Path, size_bytes: float) -> int:
    """Write the export; returns its size in bytes. Filler is spread over the year."""
    start = dt.date.today() - dt.timedelta(days=DAYS)
    per_day = int(size_bytes / DAYS)
    with open(path, "w") as fh:
        fh.write(HEAD)
        for i in range(DAYS):
            day = start + dt.timedelta(days=i)
            fh.write(_morning(day, i))
            t = f"{day} 12:00:00 +0100"
            filler = (_record("HeartRate", "count/min", t, t, "71")
                      + _record("StepCount", "count", t, t, "12"))
            fh.write(filler * max(1, per_day // len(filler)))
        fh.write("</HealthData>\n")
    return path.stat().st_size


def run_capped(args: list[str], cap_mb: int) -> tuple[subprocess.CompletedProcess, float]:
    def limit() -> None:
        if cap_mb:
            cap = cap_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, preexec_fn=limit, timeout=3600)
    return done, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-gb", type=float, default=1.0)
    ap.add_argument("--cap-mb", type=int, default=0,
                    help="address-space cap for the child (0: none; numba reserves a lot)")
    ap.add_argument("--keep", type=Path, default=None, help="write the export here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / "export.xml"
        t0 = time.perf_counter()
        size = write_export(export, args.size_gb * 1e9)
        write_s = time.perf_counter() - t0
        cmd = [sys.executable, "-m", "periodization", "recommend", "--data", str(export), "--json"]
        done, wall = run_capped(cmd, args.cap_mb)
        if done.returncode != 0:
            sys.exit(f"error: recommend failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = json.loads(done.stdout)
    emit("import_memory", {
        "export_bytes": size, "export_write_s": round(write_s, 1),
        "recommend_wall_s": round(wall, 1), "peak_rss_mb": round(peak_mb, 1),
        "cap_mb": args.cap_mb or None, "goal_peak_mb": 500,
        "action": out.get("action"), "history_days": out.get("history_days"),
        "source_format": out.get("source_format"), "hrv_kind": out.get("hrv_kind"),
    })


if __name__ == "__main__":
    main()
