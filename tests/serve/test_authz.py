"""Every route refuses another user. The table below names each route of the API and the
pages; a route without a row fails ``test_every_route_is_covered``, so a new route cannot
ship untested. Refusals are 404 (no telling which athlete ids exist), 401 without any
credentials, 403 for a coach-only page asked by an athlete."""

from __future__ import annotations

import pytest

from periodization.serve import api, pages
from tests.serve.conftest import new_user, token_for

# route → (method, path template, request keyword arguments)
ATHLETE_ROUTES = {
    ("GET", "/api/athletes/{athlete_id}"): {},
    ("GET", "/api/athletes/{athlete_id}/days"): {},
    ("GET", "/api/athletes/{athlete_id}/recommendation"): {},
    ("GET", "/api/athletes/{athlete_id}/plan"): {},
    ("GET", "/api/athletes/{athlete_id}/plan.ics"): {},
    ("POST", "/api/athletes/{athlete_id}/upload"): {"files": {"file": ("x.csv", b"a,b\n")}},
    ("POST", "/api/athletes/{athlete_id}/log"): {"json": {"action": "REST"}},
    ("POST", "/api/athletes/{athlete_id}/ill"): {"json": {"ill": True}},
    ("POST", "/api/athletes/{athlete_id}/coaches"): {"json": {"email": "x@example.org"}},
    ("GET", "/athletes/{athlete_id}"): {},
    ("POST", "/athletes/{athlete_id}/upload"): {"files": {"file": ("x.csv", b"a,b\n")}},
    ("POST", "/athletes/{athlete_id}/log"): {"data": {"action": "REST"}},
    ("POST", "/athletes/{athlete_id}/ill"): {"data": {"ill": "1"}},
    ("POST", "/athletes/{athlete_id}/invite"): {"data": {"email": "x@example.org"}},
}
# routes of the signed-in user's own (no athlete id): refused without credentials
SELF_ROUTES = {("GET", "/api/me"), ("GET", "/api/athletes"), ("GET", "/api/team"),
               ("GET", "/coach"), ("POST", "/logout")}
# open to anyone by design: signing up and in; the calendar feed is guarded by its secret
PUBLIC_ROUTES = {("POST", "/api/signup"), ("POST", "/api/tokens"), ("GET", "/"),
                 ("GET", "/login"), ("POST", "/login"), ("GET", "/signup"),
                 ("POST", "/signup"), ("GET", "/calendar/{key}.ics")}


def _routes():
    for router in (api.router, pages.router):
        for r in router.routes:
            for m in r.methods - {"HEAD"}:
                yield m, r.path


def test_every_route_is_covered():
    known = set(ATHLETE_ROUTES) | SELF_ROUTES | PUBLIC_ROUTES
    assert set(_routes()) == known


@pytest.fixture(scope="module")
def people(app, year_export):
    """An athlete with data and a coach they invited; a stranger athlete and coach."""
    owner_c, owner = new_user(app)
    with open(year_export, "rb") as fh:
        assert owner_c.post(f"/api/athletes/{owner['id']}/upload",
                            files={"file": ("year.csv", fh)},
                            headers={"x-csrf-token": owner["csrf"]}).status_code == 200
    coach_c, coach = new_user(app, "coach")
    assert owner_c.post(f"/api/athletes/{owner['id']}/coaches", json={"email": coach["email"]},
                        headers={"x-csrf-token": owner["csrf"]}).status_code == 201
    return {"owner": (owner_c, owner), "coach": (coach_c, coach),
            "other": new_user(app), "other_coach": new_user(app, "coach")}


def _call(c, method, template, owner_id, kwargs, csrf=None):
    kwargs = dict(kwargs)
    if csrf is not None:
        if "data" in kwargs or template.startswith("/athletes"):
            kwargs["data"] = {**kwargs.get("data", {}), "csrf": csrf}
        kwargs["headers"] = {"x-csrf-token": csrf}
    return c.request(method, template.format(athlete_id=owner_id), follow_redirects=False,
                     **kwargs)


@pytest.mark.parametrize("route", sorted(ATHLETE_ROUTES), ids=" ".join)
@pytest.mark.parametrize("who", ["other", "other_coach"])
def test_another_user_is_refused(people, route, who):
    c, user = people[who]
    owner = people["owner"][1]
    r = _call(c, *route, owner["id"], ATHLETE_ROUTES[route], csrf=user["csrf"])
    assert r.status_code == 404, r.text
    assert "year.csv" not in r.text and owner["email"] not in r.text


@pytest.mark.parametrize("route", sorted(r for r in ATHLETE_ROUTES if r[1].startswith("/api")),
                         ids=" ".join)
def test_another_users_api_token_is_refused(app, people, route):
    token = token_for(app, people["other"][1])
    from fastapi.testclient import TestClient

    r = _call(TestClient(app), *route, people["owner"][1]["id"], ATHLETE_ROUTES[route] | {
        "headers": {"authorization": f"Bearer {token}"}})
    assert r.status_code == 404, r.text


@pytest.mark.parametrize("route", sorted(ATHLETE_ROUTES) + sorted(SELF_ROUTES), ids=" ".join)
def test_no_credentials_are_refused(app, people, route):
    from fastapi.testclient import TestClient

    kwargs = ATHLETE_ROUTES.get(route, {})
    r = _call(TestClient(app), *route, people["owner"][1]["id"], kwargs)
    if route[1].startswith("/api"):
        assert r.status_code == 401
    else:
        assert r.status_code == 303 and r.headers["location"] == "/login"


WRITES = sorted(r for r in ATHLETE_ROUTES if r[0] == "POST")


@pytest.mark.parametrize("route", WRITES, ids=" ".join)
def test_the_invited_coach_reads_but_never_writes(people, route):
    c, coach = people["coach"]
    owner = people["owner"][1]
    assert _call(c, *route, owner["id"], ATHLETE_ROUTES[route], csrf=coach["csrf"]
                 ).status_code == 404


def test_the_invited_coach_sees_the_athlete(people):
    c, _ = people["coach"]
    owner = people["owner"][1]
    for path in ("", "/days", "/recommendation", "/plan", "/plan.ics"):
        assert c.get(f"/api/athletes/{owner['id']}{path}").status_code == 200, path
    assert [a["id"] for a in c.get("/api/athletes").json()] == [owner["id"]]
    assert [r["athlete_id"] for r in c.get("/api/team").json()] == [owner["id"]]
    assert people["other_coach"][0].get("/api/team").json() == []
    assert people["other_coach"][0].get("/api/athletes").json() == []


def test_athletes_have_no_team(people):
    c, _ = people["other"]
    assert c.get("/api/team").status_code == 403
    assert c.get("/coach", follow_redirects=False).status_code == 403
    assert [a["id"] for a in c.get("/api/athletes").json()] == [people["other"][1]["id"]]


@pytest.mark.parametrize("route", WRITES, ids=" ".join)
def test_a_cookie_write_without_csrf_is_refused(people, route):
    c, owner = people["owner"]
    r = _call(c, *route, owner["id"], ATHLETE_ROUTES[route], csrf="")
    assert r.status_code == 403 and "CSRF" in r.text


def test_the_calendar_feed_needs_its_secret(app, people):
    from fastapi.testclient import TestClient

    owner = people["owner"][1]
    page = people["owner"][0].get(f"/athletes/{owner['id']}").text
    feed = page.split('id="feed" href="')[1].split('"')[0]
    anon = TestClient(app)
    r = anon.get(feed)
    assert r.status_code == 200 and r.text.startswith("BEGIN:VCALENDAR")
    assert anon.get("/calendar/not-the-key.ics").status_code == 404
    assert anon.get(feed.replace(feed[12:20], "x" * 8)).status_code == 404
