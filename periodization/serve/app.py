"""The FastAPI application: ``create_app(db_url, model)`` wires the store, the model and the
routers (``api``: JSON under ``/api`` with OpenAPI at ``/docs``; ``pages``: the HTML
pages; ``/static``: the package's own CSS and JS).

``App`` (``app.state.ctx``) holds what every request shares: the engine, the model (loaded
once; the numpy actor, no torch), the sign-in rate limiter and, for SQLite, the lock that
keeps to one writer at a time (so a write never meets "database is locked").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from periodization.agents.artifacts import ExportedModel, load_model
from periodization.serve import auth
from periodization.serve.advising import Coalescer, recommendations
from periodization.serve.db import make_engine, sessions
from periodization.serve.tables import Invite, Session, User

STATIC = Path(__file__).with_name("static")


@dataclass
class App:
    engine: Engine
    model: ExportedModel
    limiter: auth.RateLimiter = field(default_factory=auth.RateLimiter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.maker = sessions(self.engine)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.coalescer = Coalescer(self.maker, self.model)

    @contextlib.contextmanager
    def writing(self) -> Iterator[DbSession]:
        """A session for a transaction that writes, committed on success."""
        with self._lock if self.sqlite else contextlib.nullcontext(), self.maker() as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    def advice_for(self, db: DbSession, users: list[User]) -> dict[int, dict | None]:
        """Today's recommendations of ``users`` (cached; the fresh ones stored)."""
        out, rows = recommendations(db, users, compute=self.coalescer.advise,
                                    today=dt.date.today())
        if rows:
            try:
                with self.writing() as w:
                    for row in rows:
                        w.merge(row)
            except IntegrityError:  # another request cached the same athlete first
                pass
        return out


@dataclass
class Principal:
    """Who is asking: the user, and the browser session when signed in by cookie (then
    every write must carry the session's CSRF token)."""

    user: User
    session: Session | None


def ctx(request: Request) -> App:
    return request.app.state.ctx


def get_db(request: Request) -> Iterator[DbSession]:
    """A read session (writes go through ``App.writing``)."""
    with ctx(request).maker() as db:
        yield db


def principal(request: Request, db: DbSession = Depends(get_db)) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.token_user(db, header[7:].strip())
        return Principal(user, None) if user else None
    found = auth.session_user(db, request.cookies.get(auth.SESSION_COOKIE))
    return Principal(*found) if found else None


def signed_in(who: Principal | None = Depends(principal)) -> Principal:
    if who is None:
        raise HTTPException(401, "sign in, or send an API token (Authorization: Bearer …)")
    return who


def visible_athlete(db: DbSession, who: Principal, athlete_id: int) -> User:
    """The athlete ``who`` may see: themself, or (a coach) one who invited them; anyone
    else is 404, whether or not they exist (no telling which ids are taken)."""
    me = who.user
    if me.role == "athlete" and me.id == athlete_id:
        return me
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
               engine: Engine | None = None, limiter: auth.RateLimiter | None = None
               ) -> FastAPI:
    """The application on the store at ``db_url`` (migrated) with ``model`` (a run
    directory; default: the packaged model)."""
    from periodization.serve import api, pages

    state = App(engine=engine or make_engine(db_url), model=load_model(model),
                limiter=limiter or auth.RateLimiter())
    app = FastAPI(title="periodization coach", version="1",
                  description="Today's training session from your stored wearable data, "
                  "the plan, and a coach's team view. Not medical advice.")
    app.state.ctx = state
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
