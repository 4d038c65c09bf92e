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

import contextlib
import datetime as dt
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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

log = logging.getLogger(__name__)

# One advice computation at a time: the kernels compile (or load from numba's cache) on first
# use, and the work is CPU-bound under the GIL anyway, so little throughput is lost.
# The server always runs the compiled kernels: unlike a one-shot ``periodize recommend`` it
# pays numba's start-up once, after which one athlete's year is ~4× faster than
# interpreted; and ``core.jit.interpreted`` is a process-wide switch, unsafe across threads.
_ADVISE = threading.Lock()
# Seconds the background batch waits for more athletes: a batch costs ~85 ms plus ~2 ms an
# athlete (60 days each, 2-core machine), so ten uploads advised together cost a sixth of
# ten advised one by one; the uploader's next read, a second or more later, finds it done.
GATHER_S = 0.25


Computed = dict[int, tuple[int, dict[str, Any] | None]]  # id → (data revision, advice)
Body = tuple[int, str | None]  # (data revision, the advice as JSON; None: no stored days)


def recommendations(db: DbSession, users: list[User], *, coalescer: Coalescer,
                    today: dt.date | None = None, tolerate: bool = False
                    ) -> dict[int, str | None]:
    """User id → today's recommendation as JSON text (None: no stored days yet): the cached
    body when it was computed from the athlete's current data revision today, else from
    ``coalescer`` (which computes and stores it). The text is what the API sends as is.
    ``tolerate`` (a team view): an athlete whose advice fails gets an error body (see
    ``Coalescer.advise``) instead of failing everyone's."""
    today = today or dt.date.today()
    ids = [u.id for u in users]
    sources = {s.athlete_id: s.revision for s in db.scalars(select(Source).where(
        Source.athlete_id.in_(ids)))}
    cached = {a.athlete_id: a for a in db.scalars(select(Advice).where(
        Advice.athlete_id.in_(ids)))}
    out: dict[int, str | None] = {}
    stale: dict[int, int] = {}
    for u in users:
        revision, hit = sources.get(u.id), cached.get(u.id)
        if revision is None:
            out[u.id] = None
        elif hit is not None and hit.revision == revision and hit.today == today:
            out[u.id] = hit.body
        else:
            stale[u.id] = revision
    if stale:
        out.update(coalescer.advise(stale, today, tolerate=tolerate))
    return out


class Coalescer:
    """Advice for stale athletes, computed in batches shared by concurrent requests and
    stored (``store``: an upsert of ``advice`` rows) before anyone is answered.

    A caller registers a future per athlete in ``_pending`` (or, when that athlete's
    batch is already running, waits on it), then takes the one computing turn; whoever
    holds it moves every pending future to ``_running`` and advises them in one batch,
    reading the store in a session opened after taking them (so data committed before a
    caller registered is always seen). Each result carries the revision it was computed
    from: a caller that joined a running batch older than the revision it saw registers
    again. ``soon`` queues athletes for a background thread: advice computed right after
    an upload, off the request path, so the athlete's next read is a cache hit.
    """

    def __init__(self, maker: sessionmaker, model: ExportedModel,
                 store: Callable[[list[Advice]], None]) -> None:
        self.maker, self.model, self.store = maker, model, store
        self._mu = threading.Lock()
        self._pending: dict[tuple[int, dt.date], Future] = {}
        self._running: dict[tuple[int, dt.date], Future] = {}
        self._background: ThreadPoolExecutor | None = None  # started by the first ``soon``
        self._scheduled = False  # a background batch is gathering

    def advise(self, wanted: dict[int, int], today: dt.date, *, tolerate: bool = False
               ) -> dict[int, str | None]:
        """Athlete id → advice JSON, computed from at least revision ``wanted[id]``. An
        athlete whose advice raised raises here, unless ``tolerate``: then their body is
        ``FAILED`` (an error object, never stored: the next read tries again)."""
        with self._mu:
            futures = {i: self._running.get((i, today))
                       or self._pending.setdefault((i, today), Future()) for i in wanted}
        self._drain_into_futures()
        out, again = {}, {}
        for i, f in futures.items():
            revision, body = _outcome(f, tolerate)
            if revision >= wanted[i]:
                out[i] = body
            else:  # joined a batch that read the store before this caller's data
                again[i] = wanted[i]
        if again:
            with self._mu:
                futures = {i: self._pending.setdefault((i, today), Future()) for i in again}
            self._drain_into_futures()
            out.update({i: _outcome(f, tolerate)[1] for i, f in futures.items()})
        return out

    def close(self) -> None:
        """Stop the background thread (the server shuts down): a batch running finishes, one
        not yet started is dropped (its athletes are advised on their next read). A later
        ``soon`` starts a new thread."""
        with self._mu:
            background, self._background = self._background, None
            self._scheduled = False
        if background is not None:
            background.shutdown(wait=True, cancel_futures=True)

    def soon(self, ids: list[int], today: dt.date | None = None) -> None:
        """Advise ``ids`` in the background, after gathering for ``GATHER_S`` whoever else
        changes meanwhile into the same batch. A request that wants their advice sooner
        does not wait for the gathering: it takes the pending batch and runs it."""
        today = today or dt.date.today()
        with self._mu:  # even when a batch of theirs runs: it may have read older data
            for i in ids:
                self._pending.setdefault((i, today), Future())
            if self._scheduled:
                return
            self._scheduled = True
            if self._background is None:
                self._background = ThreadPoolExecutor(1, thread_name_prefix="advice")
            self._background.submit(self._gather)

    def _gather(self) -> None:
        time.sleep(GATHER_S)
        with self._mu:
            self._scheduled = False
        try:
            self._drain()
        except Exception:  # nobody waits on a background batch: say so, keep serving
            log.exception("background advice failed")

    def _drain_into_futures(self) -> None:
        """``_drain``, whose failure each failed athlete's future holds (``_run`` sets it
        on every future of the batch): the caller reads it there, per athlete."""
        with contextlib.suppress(Exception):  # not lost: the futures hold it
            self._drain()

    def _drain(self) -> None:
        """Take the computing turn; advise everything pending (maybe nothing: another
        caller's batch may have taken this caller's futures already)."""
        with _ADVISE:
            with self._mu:
                todo, self._pending = self._pending, {}
                self._running.update(todo)
            try:
                if todo:
                    self._run(todo)
            finally:
                with self._mu:
                    for key in todo:
                        self._running.pop(key, None)

    def _run(self, todo: dict[tuple[int, dt.date], Future]) -> None:
        days = sorted({d for _, d in todo})
        try:
            with self.maker() as db:
                for day in days:
                    ids = [i for i, d in todo if d == day]
                    done = self._each_alone_if_it_fails(db, ids, todo, day)
                    self.store([Advice(athlete_id=i, revision=rev, today=day, body=body)
                                for i, (rev, body, new) in done.items()
                                if new and body is not None])
                    for i in done:
                        todo[i, day].set_result(done[i][:2])
        except BaseException as exc:  # every waiter hears of it, none hangs
            for f in todo.values():
                if not f.done():
                    f.set_exception(exc)
            raise

    def _each_alone_if_it_fails(self, db: DbSession, ids: list[int],
                                todo: dict[tuple[int, dt.date], Future], day: dt.date
                                ) -> dict[int, tuple[int, str | None, bool]]:
        """``_fresh_or_compute`` of the batch; if it fails, of each athlete alone, so one
        athlete's failing advice (its future gets the error) fails nobody else's."""
        try:
            return _fresh_or_compute(db, ids, model=self.model, today=day)
        except Exception:
            if len(ids) == 1:
                raise
            db.rollback()
        done: dict[int, tuple[int, str | None, bool]] = {}
        for i in ids:
            try:
                done.update(_fresh_or_compute(db, [i], model=self.model, today=day))
            except Exception as exc:
                db.rollback()
                log.warning("advice for athlete %s failed: %s", i, exc)
                todo[i, day].set_exception(exc)
        return done


# the body of an athlete whose advice failed, in a team view (the reason is in the log)
FAILED = json.dumps({"error": "today's advice could not be computed; try again later"})


def _outcome(future: Future, tolerate: bool) -> Body:
    """A batch's result for one athlete; a failure raises, or is ``FAILED`` from a revision
    no caller waits beyond (``tolerate``)."""
    if tolerate and future.exception() is not None:
        return sys.maxsize, FAILED
    return future.result()


def _fresh_or_compute(db: DbSession, ids: list[int], *, model: ExportedModel,
                      today: dt.date) -> dict[int, tuple[int, str | None, bool]]:
    """Id → (revision, advice JSON, whether newly computed). An athlete whose advice is
    already cached for the current revision (stored meanwhile by another request, or by
    another server process) is not advised again."""
    revisions = dict(db.execute(select(Source.athlete_id, Source.revision).where(
        Source.athlete_id.in_(ids))).all())
    cached = {a.athlete_id: a for a in db.scalars(select(Advice).where(
        Advice.athlete_id.in_(ids)))}
    out: dict[int, tuple[int, str | None, bool]] = {}
    for i in ids:
        hit = cached.get(i)
        if hit is not None and i in revisions and hit.revision == revisions[i] \
                and hit.today == today:
            out[i] = (hit.revision, hit.body, False)
    rest = [i for i in ids if i not in out]
    if rest:
        for i, (revision, advice) in _compute(db, rest, model=model, today=today).items():
            body = None if advice is None else json.dumps(advice, allow_nan=False)
            out[i] = (revision, body, True)
    return out


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
