"""The JSON API (``/api``; OpenAPI at ``/docs``): accounts and tokens, athletes, days,
recommendation, plan (JSON and iCalendar), upload, the athlete's reports, the team.

Every route that names an athlete checks who asks (``app.visible_athlete``: the athlete or
an invited coach; ``app.own_athlete`` for writes) and answers 404 to anyone else.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from periodization.core.errors import DataError
from periodization.ingest.common import FUTURE_SLACK_DAYS, MIN_DATE
from periodization.serve import auth
from periodization.serve.app import (
    Principal,
    check_csrf,
    ctx,
    get_db,
    own_athlete,
    signed_in,
    team_of,
    visible_athlete,
)
from periodization.serve.calendar import plan_ics
from periodization.serve.store import last_date, report_day
from periodization.serve.tables import READING_COLUMNS, Day, Invite, User
from periodization.serve.team import team_rows
from periodization.serve.upload import read_upload, store_upload
from periodization.sim.actions import ACTION_NAMES

router = APIRouter(prefix="/api", tags=["api"])


class SignUp(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=auth.MAX_PASSWORD)
    role: Literal["athlete", "coach"] = "athlete"
    name: str = Field("", max_length=100)


class Credentials(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=auth.MAX_PASSWORD)


class Logged(BaseModel):
    action: str = Field(description=f"the session done instead: {', '.join(ACTION_NAMES)}")
    date: dt.date | None = Field(None, description="default: the latest stored day")


class Ill(BaseModel):
    ill: bool = True
    date: dt.date | None = Field(None, description="default: the latest stored day")


class CoachInvite(BaseModel):
    email: str = Field(max_length=254, description="the coach's account e-mail")


def user_json(u: User) -> dict[str, Any]:
    return {"id": u.id, "email": u.email, "name": u.name, "role": u.role}


@router.post("/signup", status_code=201)
def signup(body: SignUp, request: Request) -> dict[str, Any]:
    """A new athlete or coach account."""
    with ctx(request).writing() as db:
        try:
            return user_json(auth.create_user(db, email=body.email, password=body.password,
                                              role=body.role, name=body.name))
        except auth.AuthError as exc:
            raise HTTPException(400, str(exc)) from None


def sign_in(request: Request, email: str, password: str) -> User:
    """The user of these credentials; 429 after too many failures from this e-mail or
    address, 401 for wrong ones."""
    app = ctx(request)
    account = f"email:{email.strip().lower()}"
    address = f"ip:{request.client.host if request.client else '?'}"
    with app.writing() as db:  # committed before counting: see RateLimiter
        attempt = app.limiter.record(db, account)
    with app.maker() as db:
        blocked = app.limiter.over(db, account) or app.limiter.blocked(db, address)
        user = None if blocked else auth.authenticate(db, email, password)
    if user is None and not blocked:
        with app.writing() as db:  # the account's attempt stays a failure
            app.limiter.record(db, address)
        raise HTTPException(401, "wrong e-mail or password")
    with app.writing() as db:
        app.limiter.forgive(db, attempt)
    if blocked:
        raise HTTPException(429, "too many failed sign-ins: wait a few minutes")
    return user


@router.post("/tokens", status_code=201)
def new_token(body: Credentials, request: Request) -> dict[str, str]:
    """An API token for scripts (send it as ``Authorization: Bearer <token>``)."""
    user = sign_in(request, body.email, body.password)
    with ctx(request).writing() as db:
        return {"token": auth.new_api_token(db, db.get(User, user.id))}


@router.get("/me")
def me(who: Principal = Depends(signed_in)) -> dict[str, Any]:
    return user_json(who.user)


@router.get("/athletes")
def athletes(who: Principal = Depends(signed_in), db: DbSession = Depends(get_db)
             ) -> list[dict[str, Any]]:
    """The athletes you may see: yourself, or (a coach) those who invited you."""
    users = [who.user] if who.user.role == "athlete" else team_of(db, who.user)
    return [{**user_json(u), "last_date": _iso(last_date(db, u.id))} for u in users]


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


@router.get("/athletes/{athlete_id}")
def athlete(athlete_id: int, who: Principal = Depends(signed_in),
            db: DbSession = Depends(get_db)) -> dict[str, Any]:
    u = visible_athlete(db, who, athlete_id)
    days = db.query(Day).filter(Day.athlete_id == u.id).count()
    coaches = db.scalars(select(User.email).join(Invite, Invite.coach_id == User.id)
                         .where(Invite.athlete_id == u.id)).all()
    return {**user_json(u), "days": days, "last_date": _iso(last_date(db, u.id)),
            "coaches": list(coaches)}


@router.get("/athletes/{athlete_id}/days",
            responses={200: {"content": {"application/json": {}}}})
def days(athlete_id: int, since: dt.date | None = None, who: Principal = Depends(signed_in),
         db: DbSession = Depends(get_db)) -> Response:
    """The stored days (canonical schema; ``logged``: a session reported by hand)."""
    u = visible_athlete(db, who, athlete_id)
    # plain rows, not ORM objects, and JSON written here: a year of days is 365 rows, and
    # loading them as objects then validating them as a response model cost more than the
    # query
    q = (select(Day.date, *(getattr(Day, c) for c in READING_COLUMNS), Day.action,
                Day.logged, Day.ill).where(Day.athlete_id == u.id).order_by(Day.date))
    if since:
        q = q.where(Day.date >= since)
    names = [*ACTION_NAMES]
    out = [{"date": r[0].isoformat(), **dict(zip(READING_COLUMNS, r[1:-3], strict=True)),
            "action": names[r[-3]] if r[-3] >= 0 else None,
            "logged": names[r[-2]] if r[-2] >= 0 else None, "ill": bool(r[-1])}
           for r in db.execute(q)]
    return Response(json.dumps(out, allow_nan=False), media_type="application/json")


def advice_json_or_404(request: Request, db: DbSession, u: User) -> str:
    body = ctx(request).advice_bodies(db, [u])[u.id]
    if body is None:
        raise HTTPException(404, "no data yet: upload an export first")
    return body


def advice_or_404(request: Request, db: DbSession, u: User) -> dict[str, Any]:
    return json.loads(advice_json_or_404(request, db, u))


@router.get("/athletes/{athlete_id}/recommendation",
            responses={200: {"content": {"application/json": {}}}})
def recommendation(athlete_id: int, request: Request, who: Principal = Depends(signed_in),
                   db: DbSession = Depends(get_db)) -> Response:
    """Today's session: the same fields as ``periodize recommend --json``."""
    # the stored JSON as it is: no parse and re-encode of a few kilobytes per request
    return Response(advice_json_or_404(request, db, visible_athlete(db, who, athlete_id)),
                    media_type="application/json")


@router.get("/athletes/{athlete_id}/plan")
def plan(athlete_id: int, request: Request, who: Principal = Depends(signed_in),
         db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    """The 7-day plan (today first), simulated with the athlete's calibrated model."""
    return advice_or_404(request, db, visible_athlete(db, who, athlete_id))["plan"]


@router.get("/athletes/{athlete_id}/plan.ics")
def plan_calendar(athlete_id: int, request: Request, who: Principal = Depends(signed_in),
                  db: DbSession = Depends(get_db)) -> Response:
    u = visible_athlete(db, who, athlete_id)
    return Response(plan_ics(advice_or_404(request, db, u), name=u.name, uid_key=u.id),
                    media_type="text/calendar")


@router.post("/athletes/{athlete_id}/upload")
def upload(athlete_id: int, request: Request, file: UploadFile = File(...),
           who: Principal = Depends(signed_in)) -> dict[str, Any]:
    """An export (any format ``recommend`` reads) merged into the stored days; the same
    export twice changes nothing. 400 with one line for a refused file (nothing stored)."""
    own_athlete(who, athlete_id)
    check_csrf(request, who)
    try:
        parsed = read_upload(file.file, file.filename)
    except DataError as exc:
        raise HTTPException(400, str(exc)) from None
    with ctx(request).writing() as db:
        stored = store_upload(db, athlete_id, parsed)
    ctx(request).changed(athlete_id)
    return stored


def _day(db: DbSession, athlete_id: int, date: dt.date | None) -> dt.date:
    if date is None:  # a stored day is within the importer's window already
        return last_date(db, athlete_id) or dt.date.today()
    # the importer's window: a day outside it could be stored but never read back (a
    # year-1 day once broke every later recommendation of the athlete)
    latest = dt.date.today() + dt.timedelta(days=FUTURE_SLACK_DAYS)
    if not MIN_DATE.date() <= date <= latest:
        raise HTTPException(400, f"{date}: outside {MIN_DATE.date()}..{latest}, the days "
                                 "an export may hold")
    return date


@router.post("/athletes/{athlete_id}/log")
def log_session(athlete_id: int, body: Logged, request: Request,
                who: Principal = Depends(signed_in)) -> dict[str, Any]:
    """"I did this session instead": stored for the day (default: the latest)."""
    own_athlete(who, athlete_id)
    check_csrf(request, who)
    if body.action not in ACTION_NAMES:
        raise HTTPException(400, f"action must be one of {', '.join(ACTION_NAMES)}")
    with ctx(request).writing() as db:
        date = _day(db, athlete_id, body.date)
        report_day(db, athlete_id, date, action=ACTION_NAMES.index(body.action))
    ctx(request).changed(athlete_id)
    return {"date": date.isoformat(), "logged": body.action}


@router.post("/athletes/{athlete_id}/ill")
def report_ill(athlete_id: int, body: Ill, request: Request,
               who: Principal = Depends(signed_in)) -> dict[str, Any]:
    """"I'm ill or injured today": only rest or active recovery until cleared."""
    own_athlete(who, athlete_id)
    check_csrf(request, who)
    with ctx(request).writing() as db:
        date = _day(db, athlete_id, body.date)
        report_day(db, athlete_id, date, ill=body.ill)
    ctx(request).changed(athlete_id)
    return {"date": date.isoformat(), "ill": body.ill}


@router.post("/athletes/{athlete_id}/coaches", status_code=201)
def invite(athlete_id: int, body: CoachInvite, request: Request,
           who: Principal = Depends(signed_in)) -> dict[str, Any]:
    """Invite a coach (by their account's e-mail) to see your data."""
    own_athlete(who, athlete_id)
    check_csrf(request, who)
    with ctx(request).writing() as db:
        coach = db.scalar(select(User).where(User.email == body.email.strip().lower(),
                                             User.role == "coach"))
        if coach is None:
            raise HTTPException(404, "no coach has an account with this e-mail")
        if db.scalar(select(Invite.id).where(Invite.athlete_id == athlete_id,
                                             Invite.coach_id == coach.id)) is None:
            db.add(Invite(athlete_id=athlete_id, coach_id=coach.id))
    return {"coach": coach.email}


@router.get("/team")
def team(request: Request, who: Principal = Depends(signed_in),
         db: DbSession = Depends(get_db)) -> list[dict[str, Any]]:
    """A coach's athletes at a glance: today's session and red flags."""
    if who.user.role != "coach":
        raise HTTPException(403, "only coaches have a team")
    users = team_of(db, who.user)
    return team_rows(users, ctx(request).advice_for(db, users, tolerate=True))
