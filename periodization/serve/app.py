"""The FastAPI application: ``create_app(db_url, model)`` wires the store, the model and the
routers (``api``: JSON under ``/api`` with OpenAPI at ``/docs``; ``pages``: the HTML
pages; ``/static``: the package's own CSS and JS).

``App`` (``app.state.ctx``) holds what every request of one server process shares: the
engine, the model (loaded once; the numpy actor, no torch), the sign-in rate limiter (its
counts in the store), the advice batcher, a cache of drawn charts and, for SQLite, the lock
that keeps this process's writers in line (``BEGIN IMMEDIATE`` does it across processes).
Nothing kept in memory decides anything: several processes on one store agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as DbSession

from periodization.agents.artifacts import ExportedModel, load_model
from periodization.serve import auth
from periodization.serve.advising import Coalescer, recommendations
from periodization.serve.db import make_engine, sessions, writer
from periodization.serve.tables import Advice, Invite, Session, User

STATIC = Path(__file__).with_name("static")


class Lru:
    """A small thread-safe least-recently-used map (per process: it only caches what the
    store can always rebuild, under keys that hold the data revision)."""

    def __init__(self, size: int = 1024) -> None:
        self.size, self._d, self._mu = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._mu:
            if key in self._d:
                self._d.move_to_end(key)
            return self._d.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._mu:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


@dataclass
class App:
    engine: Engine
    model: ExportedModel
    limiter: auth.RateLimiter = field(default_factory=auth.RateLimiter)
    precompute: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.maker = sessions(self.engine)
        self.sqlite = self.engine.dialect.name == "sqlite"
        # writes on SQLite begin IMMEDIATE (db.py): the write lock is taken up front, so
        # writers of several server processes queue on the busy timeout instead of
        # failing when one upgrades a read to a write
        self.write_maker = sessions(writer(self.engine))
        self.coalescer = Coalescer(self.maker, self.model, self.store_advice)
        self.page_cache = Lru()  # (athlete, revision, day) → the athlete page's charts

    @contextlib.contextmanager
    def writing(self) -> Iterator[DbSession]:
        """A session for a transaction that writes, committed on success. On SQLite the
        threads of this process also queue on a lock (SQLite's busy handler polls with
        growing sleeps: a lock of our own hands over at once)."""
        with self._lock if self.sqlite else contextlib.nullcontext(), \
                self.write_maker() as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    def store_advice(self, rows: list[Advice]) -> None:
        """Upsert computed advice; never over a row computed from a newer revision (another
        process may have stored one meanwhile)."""
        if not rows:
            return
        values = [{"athlete_id": r.athlete_id, "revision": r.revision, "today": r.today,
                   "body": r.body} for r in rows]
        dialect = self.engine.dialect.name
        with self.writing() as w:
            if dialect in ("sqlite", "postgresql"):
                insert = (sqlite_insert if dialect == "sqlite" else pg_insert)(Advice)
                stmt = insert.values(values)
                ex = stmt.excluded
                w.execute(stmt.on_conflict_do_update(
                    index_elements=[Advice.athlete_id],
                    set_={"revision": ex.revision, "today": ex.today, "body": ex.body},
                    where=Advice.revision <= ex.revision))
            else:
                for r in rows:
                    w.merge(r)

    def advice_bodies(self, db: DbSession, users: list[User], *, tolerate: bool = False
                      ) -> dict[int, str | None]:
        """Today's recommendations of ``users`` as JSON text (cached, else computed);
        ``tolerate``: one athlete's failing advice is an error object, not a failure."""
        return recommendations(db, users, coalescer=self.coalescer, today=dt.date.today(),
                               tolerate=tolerate)

    def advice_for(self, db: DbSession, users: list[User], *, tolerate: bool = False
                   ) -> dict[int, dict | None]:
        """Today's recommendations of ``users`` (cached; the fresh ones stored)."""
        return {i: None if b is None else json.loads(b)
                for i, b in self.advice_bodies(db, users, tolerate=tolerate).items()}

    def changed(self, athlete_id: int) -> None:
        """The athlete's data changed (committed): advise them now, in the background,
        so their next read finds the advice cached."""
        if self.precompute:
            self.coalescer.soon([athlete_id])


@dataclass
class Principal:
    """Who is asking: the user, and the browser session when signed in by cookie (then
    every write must carry the session's CSRF token)."""

    user: User
    session: Session | None


def ctx(request: Request) -> App:
    return request.app.state.ctx


async def get_db(request: Request) -> AsyncIterator[DbSession]:
    """A read session (writes go through ``App.writing``). ``async`` though the session is
    used from the handler's worker thread: FastAPI runs a plain generator dependency in the
    thread pool twice per request (opening, closing), and neither does more than hand a
    pooled connection out or back."""
    with ctx(request).maker() as db:
        yield db


def principal(request: Request, db: DbSession = Depends(get_db)) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.token_user(db, header[7:].strip())
        return Principal(user, None) if user else None
    found = auth.session_user(db, request.cookies.get(auth.SESSION_COOKIE))
    return Principal(*found) if found else None


async def signed_in(who: Principal | None = Depends(principal)) -> Principal:
    # async: no I/O here, so no trip through the thread pool
    if who is None:
        raise HTTPException(401, "sign in, or send an API token (Authorization: Bearer …)")
    return who


MAX_ID = 2**31 - 1  # user ids are Integer columns: PostgreSQL's int4 holds no more


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 naming where and what is wrong, never echoing the input: FastAPI's default body
    copies it back, and a NaN, an infinity or a lone surrogate in it cannot be written as
    JSON, which turned a client's mistake into a 500."""
    def text(value: object) -> str:  # a lone surrogate cannot be encoded: replaced
        return str(value).encode("utf-8", "replace").decode("utf-8")[:200]

    detail = [{"loc": [text(part) for part in e.get("loc", ())], "msg": text(e.get("msg", "")),
               "type": text(e.get("type", ""))} for e in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=422)


def visible_athlete(db: DbSession, who: Principal, athlete_id: int) -> User:
    """The athlete ``who`` may see: themself, or (a coach) one who invited them; anyone
    else is 404, whether or not they exist (no telling which ids are taken)."""
    me = who.user
    if me.role == "athlete" and me.id == athlete_id:
        return me
    if not 1 <= athlete_id <= MAX_ID:  # a database key cannot hold it: no such athlete
        raise HTTPException(404, "no such athlete")
    if me.role == "coach" and db.scalar(select(Invite.id).where(
            Invite.coach_id == me.id, Invite.athlete_id == athlete_id)) is not None:
        return db.get(User, athlete_id)
    raise HTTPException(404, "no such athlete")


def own_athlete(who: Principal, athlete_id: int) -> User:
    """Only the athlete themself changes their data; anyone else is 404."""
    if who.user.role == "athlete" and who.user.id == athlete_id:
        return who.user
    raise HTTPException(404, "no such athlete")


def check_csrf(request: Request, who: Principal, sent: str | None = None) -> None:
    """A cookie-signed write must carry the session's CSRF token (form field ``csrf`` or
    header ``X-CSRF-Token``); a bearer token is not sent by browsers on their own."""
    if who.session is None:
        return
    if not auth.check_csrf(who.session, sent or request.headers.get("x-csrf-token")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page")


def team_of(db: DbSession, coach: User) -> list[User]:
    return list(db.scalars(select(User).join(Invite, Invite.athlete_id == User.id)
                           .where(Invite.coach_id == coach.id).order_by(User.name, User.id)))


def create_app(db_url: str | None = None, *, model: str | Path | None = None,
               engine: Engine | None = None, limiter: auth.RateLimiter | None = None,
               precompute: bool = True) -> FastAPI:
    """The application on the store at ``db_url`` (migrated) with ``model`` (a run
    directory; default: the packaged model). ``precompute``: advise an athlete in the
    background right after their data change (else on their next read)."""
    from periodization.serve import api, pages

    state = App(engine=engine or make_engine(db_url), model=load_model(model),
                limiter=limiter or auth.RateLimiter(), precompute=precompute)
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # on shutdown the background advice thread stops: a batch it runs finishes and
        # is stored, a gathering one is dropped (advised on the athletes' next read)
        state.coalescer.close()

    app = FastAPI(title="periodization coach", version="1", lifespan=lifespan,
                  description="Today's training session from your stored wearable data, "
                  "the plan, and a coach's team view. Not medical advice.")
    app.state.ctx = state
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
