"""Today's recommendation for stored athletes: ``advice.recommend.advise`` — the very
function ``periodize recommend`` runs — on the stored history, so the API and
``recommend --json`` give the same fields (``tests/serve/test_parity.py``).

A result is cached in the ``advice`` table with the athlete's data revision and the day it
was computed on; a warm request is one read. Stale athletes are advised in batches (the
kernels are batched over athletes: a team of 500 costs ~12 ms an athlete, one athlete
alone ~180 ms): a team page asks for all of its athletes at once, and concurrent requests
that find their athlete's advice stale join one batch (``Coalescer``).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from periodization.advice.recommend import PLAN_DAYS, advise
from periodization.agents.artifacts import ExportedModel
from periodization.env.constraints import SafetyConfig
from periodization.ingest.inputs import Inputs
from periodization.serve.store import history
from periodization.serve.tables import Advice, Source, User

# One advice computation at a time: the kernels compile (or load from numba's cache) on first
# use, and the work is CPU-bound under the GIL anyway, so little throughput is lost.
# The server always runs the compiled kernels: unlike a one-shot ``periodize recommend`` it
# pays numba's start-up once, after which one athlete's year is ~4× faster than
# interpreted; and ``core.jit.interpreted`` is a process-wide switch, unsafe across threads.
_ADVISE = threading.Lock()


Computed = dict[int, tuple[int, dict[str, Any] | None]]  # id → (data revision, advice)


def recommendations(db: DbSession, users: list[User], *,
                    compute: Callable[[list[int], dt.date], Computed],
                    today: dt.date | None = None
                    ) -> tuple[dict[int, dict[str, Any] | None], list[Advice]]:
    """(user id → today's recommendation (None: no stored days yet), the ``advice`` rows
    to cache): ``compute`` (``Coalescer.advise``) advises those whose cached advice is
    older than their data or than today. The caller stores the rows (``App.advice_for``:
    SQLite's one writer)."""
    today = today or dt.date.today()
    ids = [u.id for u in users]
    sources = {s.athlete_id: s for s in db.scalars(select(Source).where(
        Source.athlete_id.in_(ids)))}
    cached = {a.athlete_id: a for a in db.scalars(select(Advice).where(
        Advice.athlete_id.in_(ids)))}
    out: dict[int, dict[str, Any] | None] = {}
    stale, rows = [], []
    for u in users:
        src, hit = sources.get(u.id), cached.get(u.id)
        if src is None:
            out[u.id] = None
        elif hit is not None and hit.revision == src.revision and hit.today == today:
            out[u.id] = json.loads(hit.body)
        else:
            stale.append(u.id)
    if stale:
        for athlete, (revision, advice) in compute(stale, today).items():
            out[athlete] = advice
            if advice is not None:
                rows.append(Advice(athlete_id=athlete, revision=revision, today=today,
                                   body=json.dumps(advice, allow_nan=False)))
    return out, rows


class Coalescer:
    """Advice for stale athletes, computed in batches shared by concurrent requests.

    A request registers a future per athlete, then waits for the one computing turn; whoever
    holds it takes every future registered so far and advises them in one batch, reading
    the store in a session opened after taking them (so data committed before a request
    asked is always seen). The advice comes back with the revision it was computed from.
    """

    def __init__(self, maker: sessionmaker, model: ExportedModel) -> None:
        self.maker, self.model = maker, model
        self._mu = threading.Lock()
        self._pending: dict[tuple[int, dt.date], Future] = {}

    def advise(self, ids: list[int], today: dt.date) -> Computed:
        with self._mu:
            mine = {}
            for i in ids:
                mine[i] = self._pending.setdefault((i, today), Future())
        with _ADVISE:
            with self._mu:
                todo, self._pending = self._pending, {}
            if todo:
                self._run(todo)
        return {i: f.result() for i, f in mine.items()}

    def _run(self, todo: dict[tuple[int, dt.date], Future]) -> None:
        days = sorted({d for _, d in todo})
        try:
            with self.maker() as db:
                for day in days:
                    ids = [i for i, d in todo if d == day]
                    done = _compute(db, ids, model=self.model, today=day)
                    for i in ids:
                        todo[i, day].set_result(done[i])
        except BaseException as exc:  # every waiter hears of it, none hangs
            for f in todo.values():
                if not f.done():
                    f.set_exception(exc)
            raise


def _compute(db: DbSession, ids: list[int], *, model: ExportedModel, today: dt.date
             ) -> Computed:
    """Advise athletes ``ids`` from their stored days: those ill on their last day and the
    rest in (at most) two batches."""
    sources = {s.athlete_id: s for s in db.scalars(select(Source).where(
        Source.athlete_id.in_(ids)))}
    out: Computed = {}
    tables = {}
    for i in ids:
        if i not in sources:
            out[i] = (0, None)
            continue
        tables[i] = history(db, i, label=str(i))
    groups: dict[bool, list[int]] = {True: [], False: []}
    for i, t in tables.items():
        if len(t) == 0:
            out[i] = (sources[i].revision, None)
        else:
            groups[bool(t["ill"].iloc[-1])].append(i)
    for ill, members in groups.items():
        if not members:
            continue
        rows = pd.concat([tables[i].drop(columns="ill") for i in members], ignore_index=True)
        src = {str(i): sources[i] for i in members}
        inputs = Inputs(
            rows=rows, batch=len(members) > 1,
            source_format={k: s.source_format for k, s in src.items()},
            hrv_kind={k: s.hrv_kind for k, s in src.items()},
            notes={k: list(s.notes) for k, s in src.items()},
            metadata={k: dict(s.meta) for k, s in src.items()})
        results = advise(inputs, model=model, plan_days=PLAN_DAYS, ill=ill, today=today,
                         safety=SafetyConfig(), details=True)
        for r in results:
            i = int(r["athlete_id"])
            out[i] = (sources[i].revision, r)
    return out
