"""The HTML pages: sign-up, sign-in, the athlete's page, the coach's page, and the public
calendar feed (its URL holds the athlete's secret ``feed_key``: calendar apps send no
cookies). Forms post the session's CSRF token; pages are Jinja2 templates (autoescaped)
with inline SVG charts (``charts``) and the package's own JS, no CDN.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from periodization.core.errors import DataError
from periodization.serve import auth
from periodization.serve.app import (
    Principal,
    check_csrf,
    ctx,
    get_db,
    own_athlete,
    principal,
    team_of,
    visible_athlete,
)
from periodization.serve.calendar import plan_ics
from periodization.serve.charts import athlete_charts
from periodization.serve.store import history, last_date, report_day
from periodization.serve.tables import Invite, Source, User
from periodization.serve.team import team_rows
from periodization.serve.upload import read_upload, store_upload
from periodization.sim.actions import ACTION_NAMES

router = APIRouter(include_in_schema=False)
_env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                   autoescape=select_autoescape(["j2"]))


def render(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**values), status_code=status)


def _home(user: User) -> str:
    return "/coach" if user.role == "coach" else f"/athletes/{user.id}"


async def page_user(who: Principal | None = Depends(principal)) -> Principal:
    """A signed-in browser (a page never takes a bearer token); else off to sign in."""
    if who is None or who.session is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return who


@router.get("/")
def index(who: Principal | None = Depends(principal)) -> Response:
    return RedirectResponse(_home(who.user) if who else "/login", status_code=303)


def _signed_in(request: Request, user: User, to: str) -> Response:
    with ctx(request).writing() as db:
        token, _ = auth.new_session(db, db.get(User, user.id))
    out = RedirectResponse(to, status_code=303)
    out.set_cookie(auth.SESSION_COOKIE, token, max_age=auth.SESSION_DAYS * 86400,
                   httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return out


@router.get("/login")
def login_form() -> HTMLResponse:
    return render("login.j2", error=None)


@router.post("/login")
def login(request: Request, email: str = Form(""), password: str = Form("")) -> Response:
    from periodization.serve.api import sign_in

    try:
        user = sign_in(request, email, password)
    except HTTPException as exc:
        return render("login.j2", status=exc.status_code, error=exc.detail)
    return _signed_in(request, user, _home(user))


@router.get("/signup")
def signup_form() -> HTMLResponse:
    return render("signup.j2", error=None)


@router.post("/signup")
def signup(request: Request, email: str = Form(""), password: str = Form(""),
           name: str = Form(""), role: str = Form("athlete")) -> Response:
    try:
        with ctx(request).writing() as db:
            user = auth.create_user(db, email=email, password=password, role=role, name=name)
    except auth.AuthError as exc:
        return render("signup.j2", status=400, error=str(exc))
    return _signed_in(request, user, _home(user))


@router.post("/logout")
def logout(request: Request, csrf: str = Form(""), who: Principal = Depends(page_user)
           ) -> Response:
    check_csrf(request, who, csrf)
    with ctx(request).writing() as db:
        auth.end_session(db, request.cookies.get(auth.SESSION_COOKIE))
    out = RedirectResponse("/login", status_code=303)
    out.delete_cookie(auth.SESSION_COOKIE)
    return out


@router.get("/athletes/{athlete_id}")
def athlete_page(athlete_id: int, request: Request, msg: str = "", err: str = "",
                 who: Principal = Depends(page_user), db: DbSession = Depends(get_db)
                 ) -> HTMLResponse:
    u = visible_athlete(db, who, athlete_id)
    app = ctx(request)
    rec = app.advice_for(db, [u])[u.id]
    charts, ill_today = _charts(app, db, u.id, rec)
    coaches = db.scalars(select(User.email).join(Invite, Invite.coach_id == User.id)
                         .where(Invite.athlete_id == u.id)).all()
    return render("athlete.j2", me=who.user, athlete=u, rec=rec, csrf=who.session.csrf,
                  charts=charts, own=who.user.id == u.id, actions=ACTION_NAMES,
                  coaches=coaches, ill_today=ill_today, feed=f"/calendar/{u.feed_key}.ics",
                  msg=msg, err=err)


def _charts(app, db: DbSession, athlete_id: int, rec: dict | None
            ) -> tuple[dict[str, str] | None, bool]:
    """(the page's SVG charts or None without days, ill on the last day), cached per
    athlete and data revision: drawing them from the stored history is most of a page's
    cost, and they change only with the data. (The revision is read before the history:
    a change in between is drawn under the older key, and the next page, seeing the newer
    revision, draws again.)"""
    revision = db.scalar(select(Source.revision).where(Source.athlete_id == athlete_id))
    key = (athlete_id, revision, rec.get("date") if rec else None)
    found = app.page_cache.get(key)
    if found is None:
        table = history(db, athlete_id)
        found = (athlete_charts(table, rec) if len(table) else None,
                 bool(len(table) and table["ill"].iloc[-1]))
        app.page_cache.put(key, found)
    return found


def _back(athlete_id: int, **query: str) -> Response:
    from urllib.parse import urlencode

    return RedirectResponse(f"/athletes/{athlete_id}?{urlencode(query)}", status_code=303)


@router.post("/athletes/{athlete_id}/upload")
def upload_form(athlete_id: int, request: Request, csrf: str = Form(""),
                file: UploadFile = File(...), who: Principal = Depends(page_user)
                ) -> Response:
    own_athlete(who, athlete_id)
    check_csrf(request, who, csrf)
    try:
        parsed = read_upload(file.file, file.filename)
    except DataError as exc:
        return _back(athlete_id, err=str(exc))
    with ctx(request).writing() as db:
        s = store_upload(db, athlete_id, parsed)
    ctx(request).changed(athlete_id)
    return _back(athlete_id, msg=f"{s['file']} ({s['format']}): {s['added']} new day(s), "
                                 f"{s['updated']} updated, {s['unchanged']} unchanged")


@router.post("/athletes/{athlete_id}/log")
def log_form(athlete_id: int, request: Request, csrf: str = Form(""),
             action: str = Form(""), who: Principal = Depends(page_user)) -> Response:
    own_athlete(who, athlete_id)
    check_csrf(request, who, csrf)
    if action not in ACTION_NAMES:
        return _back(athlete_id, err=f"unknown session {action!r}")
    with ctx(request).writing() as db:
        date = last_date(db, athlete_id) or dt.date.today()
        report_day(db, athlete_id, date, action=ACTION_NAMES.index(action))
    ctx(request).changed(athlete_id)
    return _back(athlete_id, msg=f"logged {action.replace('_', ' ').lower()} for {date}")


@router.post("/athletes/{athlete_id}/ill")
def ill_form(athlete_id: int, request: Request, csrf: str = Form(""), ill: str = Form("1"),
             who: Principal = Depends(page_user)) -> Response:
    own_athlete(who, athlete_id)
    check_csrf(request, who, csrf)
    with ctx(request).writing() as db:
        date = last_date(db, athlete_id) or dt.date.today()
        report_day(db, athlete_id, date, ill=ill == "1")
    ctx(request).changed(athlete_id)
    return _back(athlete_id, msg="noted: only rest or active recovery" if ill == "1"
                 else "noted: back to training")


@router.post("/athletes/{athlete_id}/invite")
def invite_form(athlete_id: int, request: Request, csrf: str = Form(""),
                email: str = Form(""), who: Principal = Depends(page_user)) -> Response:
    own_athlete(who, athlete_id)
    check_csrf(request, who, csrf)
    with ctx(request).writing() as db:
        coach = db.scalar(select(User).where(User.email == email.strip().lower(),
                                             User.role == "coach"))
        if coach is None:
            return _back(athlete_id, err="no coach has an account with this e-mail")
        if db.scalar(select(Invite.id).where(Invite.athlete_id == athlete_id,
                                             Invite.coach_id == coach.id)) is None:
            db.add(Invite(athlete_id=athlete_id, coach_id=coach.id))
    return _back(athlete_id, msg=f"{coach.email} can now see your data")


@router.get("/coach")
def coach_page(request: Request, who: Principal = Depends(page_user),
               db: DbSession = Depends(get_db)) -> HTMLResponse:
    if who.user.role != "coach":
        raise HTTPException(403, "only coaches have a team")
    users = team_of(db, who.user)
    rows = team_rows(users, ctx(request).advice_for(db, users, tolerate=True))
    return render("coach.j2", me=who.user, rows=rows, csrf=who.session.csrf)


@router.get("/calendar/{key}.ics")
def feed(key: str, request: Request, db: DbSession = Depends(get_db)) -> Response:
    """The athlete's plan for calendar apps; an unknown key is 404."""
    u = db.scalar(select(User).where(User.feed_key == key, User.role == "athlete"))
    rec = ctx(request).advice_for(db, [u])[u.id] if u else None
    if rec is None or "plan" not in rec:
        raise HTTPException(404, "no such calendar")
    return Response(plan_ics(rec, name=u.name, uid_key=u.id), media_type="text/calendar")
