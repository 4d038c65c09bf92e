"""Today's recommendation for stored athletes: ``advice.recommend.advise`` — the very
function ``periodize recommend`` runs — on the stored history, so the API and
``recommend --json`` give the same fields (``tests/serve/test_parity.py``).

A result is cached in the ``advice`` table with the athlete's data revision and the day it
was computed on; a warm request is one read. Stale athletes of a team are advised in one
batch (the kernels are batched over athletes).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

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


def recommendations(db: DbSession, users: list[User], *, model: ExportedModel,
                    today: dt.date | None = None
                    ) -> tuple[dict[int, dict[str, Any] | None], list[Advice]]:
    """(user id → today's recommendation (None: no stored days yet), the ``advice`` rows
    to cache): computed for those whose cached advice is older than their data or than
    today. The caller stores the rows (``App.advice_for``: SQLite's one writer)."""
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
            stale.append(u)
    if stale:
        fresh = _compute(db, stale, sources, model=model, today=today)
        for u in stale:
            out[u.id] = fresh.get(u.id)
            if fresh.get(u.id) is not None:
                rows.append(Advice(athlete_id=u.id, revision=sources[u.id].revision,
                                   today=today, body=json.dumps(fresh[u.id], allow_nan=False)))
    return out, rows


def _compute(db: DbSession, users: list[User], sources: dict[int, Source], *,
             model: ExportedModel, today: dt.date) -> dict[int, dict[str, Any] | None]:
    """Advise ``users`` from their stored days: those ill on their last day and the rest
    in (at most) two batches."""
    tables = {u.id: history(db, u.id, label=str(u.id)) for u in users}
    groups: dict[bool, list[User]] = {True: [], False: []}
    out: dict[int, dict[str, Any] | None] = {}
    for u in users:
        t = tables[u.id]
        if len(t) == 0:
            out[u.id] = None
        else:
            groups[bool(t["ill"].iloc[-1])].append(u)
    for ill, members in groups.items():
        if not members:
            continue
        rows = pd.concat([tables[u.id].drop(columns="ill") for u in members],
                         ignore_index=True)
        src = {str(u.id): sources[u.id] for u in members}
        inputs = Inputs(
            rows=rows, batch=len(members) > 1,
            source_format={k: s.source_format for k, s in src.items()},
            hrv_kind={k: s.hrv_kind for k, s in src.items()},
            notes={k: list(s.notes) for k, s in src.items()},
            metadata={k: dict(s.meta) for k, s in src.items()})
        with _ADVISE:
            results = advise(inputs, model=model, plan_days=PLAN_DAYS, ill=ill, today=today,
                             safety=SafetyConfig(), details=True)
        for r in results:
            out[int(r["athlete_id"])] = r
    return out
