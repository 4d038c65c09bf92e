"""``periodize recommend --ray``: batch advice sharded across Ray workers.

The driver starts (or joins) the cluster, then streams ``--data`` block by block into
shards of ``shard_athletes`` athletes (``shards``, ``split``), submitting each shard's task
as soon as its file is complete, so the split runs beside the advice rather than before
it. Each Ray task reads its own shard and advises it exactly as serial batch advice does
(``advice.recommend.advise``: the same model, plan days, illness flag and *today* for
every shard; a shard file is deleted once its results are back), and the driver writes
each shard's results to JSON Lines or Parquet as soon as it and every shard before it are
done, so the output is in athlete-id order, as serial advice prints it. At most
``2 × workers`` shards are in flight or waiting to be written.

The output is written to ``FILE.partial`` and renamed to ``FILE`` at the end: an
interrupted run never leaves a truncated file under the name asked for. A shard whose file
cannot be read at all (say no row of it has a plausible date) gives each of its athletes
that error, as an athlete that cannot be advised does in serial advice.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from periodization.core.errors import DataError, UserError
from periodization.scale.cluster import cluster_cpus, connected, ray_module, wait_one
from periodization.scale.shards import RESTART, Shard, iter_shards, source_kind
from periodization.scale.writers import encode, open_results

SHARD_ATHLETES = 2000  # ~10-20 s of one worker's time; a shard's input is ~70 MB of CSV
# athletes advised at a time inside a shard: the advice's memory grows with the athletes
# (about 0.6 MB per athlete-year), its vectorised speed is flat from a few hundred
ADVISE_ATHLETES = 250
RETRIES = 3
PURPOSE = "periodize recommend --ray"


def advise_shard(shard: Shard, *, model: str | None, plan_days: int, ill: bool, today: str,
                 compiled: bool, source: str) -> dict[str, Any]:
    """What a Ray worker runs: the advice of one shard's athletes, in athlete-id order and
    encoded for the output file (``writers.Encoded``: the driver only writes it), with
    the worker's pid, peak memory (RSS, bytes) and seconds."""
    import contextlib

    from periodization.advice.recommend import advise
    from periodization.agents.artifacts import load_model
    from periodization.core.jit import interpreted
    from periodization.env.constraints import SafetyConfig

    t0 = time.perf_counter()
    try:
        inputs = read_shard(shard)
        if inputs.rows.empty:  # every entry of a folder shard failed: their own errors
            raise _Unreadable(inputs.errors)
        with contextlib.nullcontext() if compiled else interpreted():
            results = advise_in_parts(
                inputs, ADVISE_ATHLETES, advise, model=load_model(model), plan_days=plan_days,
                ill=ill, today=dt.date.fromisoformat(today), safety=SafetyConfig(),
                details=False)
    except _Unreadable as exc:
        results = [{"athlete_id": a, "error": e} for a, e in sorted(exc.errors.items())]
    except DataError as exc:  # the shard's file as a whole: every athlete of it
        where = str(shard.path) if shard.path is not None else ""
        message = str(exc).replace(where, source) if where else str(exc)
        results = [{"athlete_id": a, "error": message} for a in shard.athletes]
    return {"index": shard.index, "results": encode(results), "pid": os.getpid(),
            "peak_rss": _peak_rss(), "seconds": time.perf_counter() - t0}


def advise_in_parts(inputs, size: int, advise: Callable[..., list[dict[str, Any]]],
                    **options: Any) -> list[dict[str, Any]]:
    """``advise(inputs, **options)`` run on ``size`` athletes at a time (in id order), so
    a worker's memory is that of ``size`` athletes' advice rather than a whole shard's; the
    same results, since each athlete's advice depends on their own rows only. A table
    unusable as a whole (``DataError`` from a part) is advised whole, so the shard's
    error is the one the whole shard gives."""
    import dataclasses

    ids = sorted(set(inputs.rows["athlete_id"].unique()) | set(inputs.errors))
    if len(ids) <= size:
        return advise(inputs, **options)
    column, results = inputs.rows["athlete_id"], []
    try:
        for i in range(0, len(ids), size):
            part = set(ids[i:i + size])
            results += advise(dataclasses.replace(
                inputs, rows=inputs.rows[column.isin(part).to_numpy()].reset_index(drop=True),
                errors={a: e for a, e in inputs.errors.items() if a in part}), **options)
    except DataError:
        return advise(inputs, **options)
    return results


class _Unreadable(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors


def read_shard(shard: Shard):
    """The shard's ``Inputs``, read as ``ingest.inputs.read_inputs`` reads the whole batch
    (always a batch, even for a shard of one athlete)."""
    import dataclasses

    from periodization.ingest import inputs as ingest

    if shard.kind == "folder":
        return ingest.read_team_entries(shard.entries)
    if shard.kind == "parquet":
        return dataclasses.replace(ingest._parquet(shard.path), batch=True)
    from periodization.ingest.formats.generic import read_team

    rows, notes = read_team(shard.path)
    ids = rows["athlete_id"].unique()
    return ingest.Inputs(rows=rows, batch=True, notes=notes,
                         source_format=dict.fromkeys(ids, "generic"),
                         hrv_kind=dict.fromkeys(ids, "rmssd"))


def _peak_rss() -> int:
    """This process's peak resident memory (bytes): ``VmHWM``, which starts afresh at exec
    (``ru_maxrss`` would carry a forking parent's peak over)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: KiB


def recommend_on_ray(data: str | os.PathLike[str], *, out: str | os.PathLike[str],
                     model: str | os.PathLike[str] | None = None, plan_days: int = 7,
                     ill: bool = False, today: dt.date | None = None,
                     address: str | None = None, workers: int | None = None,
                     shard_athletes: int = SHARD_ATHLETES,
                     progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Advise every athlete of ``data`` into ``out`` (``.jsonl`` or ``.parquet``); a summary
    with counts, seconds (``split_s``: the driver's time splitting, overlapped with the
    advice), and per shard its athletes, seconds, worker pid and peak RSS."""
    from periodization.agents.artifacts import load_model

    data, out = Path(data), Path(out)
    if shard_athletes < 1:
        raise UserError(f"--shard-athletes must be at least 1, got {shard_athletes}")
    if not 1 <= plan_days <= 28:
        raise UserError(f"--plan-days must be between 1 and 28, got {plan_days}")
    ray_module(PURPOSE)  # a missing extra, a bad model, input or --out: refused before work
    load_model(model)
    source_kind(data)
    writer = open_results(out)  # creates FILE.partial: the try below removes it on failure
    options = {"model": None if model is None else str(Path(model).resolve()),
               "plan_days": plan_days, "ill": ill,
               "today": (today or dt.date.today()).isoformat(), "source": str(data)}
    say = progress or (lambda line: None)
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="periodize-shards-", dir=out.parent) as tmp, \
                connected(purpose=PURPOSE, address=address, workers=workers) as ray:
            # the cluster first: its start-up and the first shards' advice overlap the split
            cluster_at = time.perf_counter()
            say(f"advising {data} in shards of {shard_athletes} athletes")
            shards = _Timed(iter_shards(data, shard_athletes=shard_athletes, workdir=Path(tmp)))
            stats = _run_shards(ray, shards, options, writer, workers=workers, say=say)
        writer.commit()
    finally:
        writer.discard()
    wall = time.perf_counter() - t0
    say(f"{stats['athletes']} athletes in {stats['shards']} shards "
        f"(split in {shards.seconds:.1f} s of the driver's time, beside the advice)")
    return {"out": str(out), "athletes": stats["athletes"], "advised": stats["advised"],
            "not_advised": stats["athletes"] - stats["advised"], "shards": stats["shards"],
            "split_s": round(shards.seconds, 3), "restarted": stats["restarted"],
            "cluster_s": round(cluster_at - t0, 3),
            "first_shard_s": round(stats["first_shard_at"] - t0, 3)
            if "first_shard_at" in stats else None,
            "wall_s": round(wall, 3),
            "athletes_per_s": round(stats["athletes"] / wall, 2) if wall > 0 else None,
            "per_shard": stats["per_shard"]}


class _Timed:
    """An iterator that adds up the seconds spent producing its items (``seconds``)."""

    def __init__(self, items: Iterator[Any]) -> None:
        self._items, self.seconds = items, 0.0

    def __iter__(self) -> _Timed:
        return self

    def __next__(self) -> Any:
        t0 = time.perf_counter()
        try:
            return next(self._items)
        finally:
            self.seconds += time.perf_counter() - t0


def _run_shards(ray: Any, shards: Iterator[Shard | str], options: dict[str, Any],
                writer: Any, *, workers: int | None, say: Callable[[str], None]
                ) -> dict[str, Any]:
    """Submit each shard as it comes (at most ``2 × workers`` in flight or waiting to be
    written) and write results in shard order; a ``RESTART`` drops what came before. The
    run's counts and per-shard figures."""
    run = _ShardRun(ray, options, writer, limit=2 * (workers or cluster_cpus(ray)), say=say)
    try:
        run.drive(shards)
    except BaseException:
        # a failed or interrupted run: nothing more of it is advised (on a cluster joined
        # with --address, Ray would otherwise go on advising the queued shards)
        run.cancel()
        raise
    return {**run.stats, "restarted": run.restarted}


class _ShardRun:
    """The state of ``_run_shards``: the tasks in flight, the results waiting for the
    shards before them, and the counts."""

    def __init__(self, ray: Any, options: dict[str, Any], writer: Any, *, limit: int,
                 say: Callable[[str], None]) -> None:
        self.ray, self.options, self.writer, self.limit, self.say = \
            ray, options, writer, limit, say
        self.task = ray.remote(num_cpus=1, max_retries=RETRIES)(advise_shard)
        self.flight: dict[Any, Shard] = {}
        self.done: dict[int, dict[str, Any]] = {}
        self.stats: dict[str, Any] = {}
        self.next_out, self.restarted = 0, False
        self._reset()

    def _reset(self) -> None:
        self.stats.update(athletes=0, advised=0, shards=0, per_shard=[])
        self.stats.pop("first_shard_at", None)

    def cancel(self) -> None:
        for ref in self.flight:
            self.ray.cancel(ref)
        self.flight.clear()

    def drive(self, shards: Iterator[Shard | str]) -> None:
        more = True
        while more or self.flight:
            while more and len(self.flight) + len(self.done) < self.limit:
                shard = next(shards, None)
                if shard is None:
                    more = False
                elif shard is RESTART:  # the one pass gave up: the two passes start over
                    self.cancel()
                    self.done.clear()
                    self.writer.restart()
                    self._reset()
                    self.next_out, self.restarted = 0, True
                    self.say("rows not grouped by athlete in id order: indexing the ids first")
                else:
                    # serial advice interprets the kernels for a handful of athletes
                    compiled = len(shard.athletes) > 4
                    self.flight[self.task.remote(shard, compiled=compiled,
                                                 **self.options)] = shard
                    self.stats.setdefault("first_shard_at", time.perf_counter())
            if self.flight:
                self._collect_one()

    def _collect_one(self) -> None:
        """Wait for a shard; write every result now in shard order (the output is in
        athlete-id order)."""
        ready = wait_one(self.ray, list(self.flight))
        shard = self.flight.pop(ready)
        result = self.ray.get(ready)
        if shard.path is not None:  # the shard's copy of its rows is no longer needed
            shard.path.unlink(missing_ok=True)
        self.done[result["index"]] = result
        stats = self.stats
        while self.next_out in self.done:
            part = self.done.pop(self.next_out)
            self.writer.write(part["results"])
            n = len(part["results"])
            stats["athletes"] += n
            stats["shards"] += 1
            stats["advised"] += part["results"].advised
            stats["per_shard"].append({"index": part["index"], "athletes": n,
                                       "seconds": round(part["seconds"], 3),
                                       "pid": part["pid"], "peak_rss": part["peak_rss"]})
            self.say(f"shard {self.next_out + 1}: {n} athletes in {part['seconds']:.1f} s")
            self.next_out += 1
