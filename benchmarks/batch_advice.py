"""Batch advice on Ray (``periodize recommend --ray``): 100 000 athletes × 365 days in one
long CSV, advised with 1 and with 2 workers.

Prints JSON: per worker count the wall (Ray start-up, split and advice: the split runs
beside the advice), throughput (athletes/s), the driver's seconds splitting and when the
first shard was submitted, the per-shard cost (median seconds of a shard of
``--shard-athletes`` athletes, and its spread), one worker's and the split's rates (the
projection's inputs in docs/scale.md), peak memory of every worker (RSS from the worker
itself; USS sampled with psutil) and of the driver process; the scaling
from 1 to 2 workers (goal ≥ 1.7×) and whether both outputs are byte-identical. The load
average is recorded with every figure: other processes on a shared machine take their
CPU time out of the scaling.

The input is simulated first (in chunks, so generating it never holds it whole) into a
temporary directory; each measured run is a fresh process (``--child``), so the driver's
peak memory is the command's own.
Usage: python benchmarks/batch_advice.py [--athletes 100000] [--days 365]
       [--shard-athletes 2000] [--workers 1,2] [--input TEAM.csv (reuse; its athletes)]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CHUNK = 5000  # athletes simulated at a time


def generate(path: Path, *, athletes: int, days: int) -> float:
    """A long CSV of ``athletes`` simulated athletes (ids unique across chunks); seconds."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from _recommend_inputs import export_rows

    t0 = time.perf_counter()
    with pa.OSFile(str(path), "wb") as sink:
        writer = None
        for k, start in enumerate(range(0, athletes, CHUNK)):
            rows = export_rows(athletes=min(CHUNK, athletes - start), days=days, seed=100 + k)
            rows["athlete_id"] = f"c{k:03d}-" + rows["athlete_id"].astype(str)
            table = pa.Table.from_pandas(rows, preserve_index=False)
            if writer is None:
                writer = pacsv.CSVWriter(sink, table.schema)
            writer.write_table(table)
        writer.close()
    return time.perf_counter() - t0


class UssMonitor:
    """Peak USS and RSS (bytes) of every Ray worker advising a shard, sampled every 0.5 s."""

    def __init__(self) -> None:
        import psutil

        self.psutil, self.peak, self._stop = psutil, {}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for p in self.psutil.process_iter(["cmdline"]):
                cmd = p.info["cmdline"] or []
                if not (cmd and cmd[0].startswith("ray::advise_shard")):
                    continue
                try:
                    mem = p.memory_full_info()
                except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
                    continue
                uss, rss = self.peak.get(p.pid, (0, 0))
                self.peak[p.pid] = (max(uss, mem.uss), max(rss, mem.rss))
            self._stop.wait(0.5)

    def __enter__(self) -> UssMonitor:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()


def child(args: argparse.Namespace) -> None:
    """One measured run: ``recommend_on_ray`` in this fresh process; JSON on stdout."""
    import datetime as dt

    from periodization.scale.batch import _peak_rss, recommend_on_ray

    load_before = os.getloadavg()
    with UssMonitor() as monitor:
        summary = recommend_on_ray(args.data, out=args.out, model=args.model,
                                   workers=args.child, shard_athletes=args.shard_athletes,
                                   today=dt.date(2026, 3, 2))
    shards = summary.pop("per_shard")
    seconds = [s["seconds"] for s in shards]
    per_pid: dict[int, int] = {}
    for s in shards:
        per_pid[s["pid"]] = max(per_pid.get(s["pid"], 0), s["peak_rss"])
    print(json.dumps({
        **summary, "workers": args.child, "load_avg_before": load_before,
        "load_avg_after": os.getloadavg(),
        "shard_seconds_median": statistics.median(seconds),
        "shard_seconds_min_max": [min(seconds), max(seconds)],
        # the projection's inputs: one worker's rate on a shard, the driver's split rate
        # (the split runs beside the advice; it bounds the cluster at ~ its rate)
        "worker_athletes_per_s": round(args.shard_athletes / statistics.median(seconds), 1),
        "driver_split_athletes_per_s": round(summary["athletes"] / summary["split_s"], 1)
        if summary["split_s"] else None,
        "worker_peak_rss_mb": sorted(round(v / 2**20) for v in per_pid.values()),
        "worker_peak_uss_mb_sampled": sorted(round(u / 2**20)
                                             for u, _ in monitor.peak.values()),
        "driver_peak_rss_mb": round(_peak_rss() / 2**20),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--athletes", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--shard-athletes", type=int, default=2000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--input", type=Path, default=None,
                    help="a long CSV made by an earlier run (default: generate one)")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args)
        return
    from _common import emit
    from _recommend_inputs import stand_in_model

    from periodization.scale.batch import ADVISE_ATHLETES

    result: dict = {"athletes": args.athletes, "days": args.days,
                    "shard_athletes": args.shard_athletes,
                    "advised_at_a_time": ADVISE_ATHLETES, "cpus": os.cpu_count(),
                    "load_avg_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = stand_in_model(folder / "model")
        data = args.input or folder / "team.csv"
        if args.input is None:
            result["input_generation_s"] = round(generate(data, athletes=args.athletes,
                                                          days=args.days), 1)
        result["input_mb"] = round(data.stat().st_size / 2**20)
        digests = {}
        for workers in (int(w) for w in args.workers.split(",")):
            out = folder / f"advice-{workers}.jsonl"
            cmd = [sys.executable, __file__, "--child", str(workers), "--data", str(data),
                   "--out", str(out), "--model", str(model),
                   "--shard-athletes", str(args.shard_athletes)]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            result[f"workers_{workers}"] = json.loads(done.stdout.strip().splitlines()[-1])
            # each figure as soon as it is measured (a long run stopped later keeps it)
            print(json.dumps({f"workers_{workers}": result[f"workers_{workers}"]}),
                  file=sys.stderr, flush=True)
            digests[workers] = hashlib.sha256(out.read_bytes()).hexdigest()
            out.unlink()
    if "workers_1" in result and "workers_2" in result:
        scaling = result["workers_2"]["athletes_per_s"] / result["workers_1"]["athletes_per_s"]
        result.update(scaling_1_to_2=round(scaling, 3), goal_scaling=1.7,
                      meets_goal=scaling >= 1.7, same_output=digests[1] == digests[2])
    emit("batch_advice", result)


if __name__ == "__main__":
    main()
