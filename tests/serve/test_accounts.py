"""Passwords, cookies, tokens and the sign-in rate limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from periodization.serve.auth import SESSION_COOKIE, RateLimiter
from tests.serve.conftest import PASSWORD, new_user


def test_passwords_are_argon2_and_cookies_http_only(app):
    from sqlalchemy import select

    from periodization.serve.tables import User

    c = TestClient(app)
    r = c.post("/signup", data={"email": "Cookie@Example.org", "password": PASSWORD},
               follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    with app.state.ctx.maker() as db:
        user = db.scalar(select(User).where(User.email == "cookie@example.org"))
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize("body, why", [
    ({"email": "nope", "password": PASSWORD}, "e-mail"),
    ({"email": "short@example.org", "password": "abc"}, "password"),
    ({"email": "r@example.org", "password": PASSWORD, "role": "admin"}, ""),
])
def test_bad_sign_ups_are_refused(app, body, why):
    r = TestClient(app).post("/api/signup", json=body)
    assert r.status_code in (400, 422) and why in r.text


def test_an_e_mail_has_one_account(app):
    c = TestClient(app)
    body = {"email": "twice@example.org", "password": PASSWORD}
    assert c.post("/api/signup", json=body).status_code == 201
    r = c.post("/api/signup", json=body)
    assert r.status_code == 400 and "exists" in r.json()["detail"]


def test_api_tokens_sign_scripts_in(app):
    _, user = new_user(app)
    r = TestClient(app).post("/api/tokens", json={"email": user["email"],
                                                   "password": PASSWORD})
    token = r.json()["token"]
    me = TestClient(app).get("/api/me", headers={"authorization": f"Bearer {token}"})
    assert me.json()["id"] == user["id"]
    bad = TestClient(app).get("/api/me", headers={"authorization": "Bearer pz_forged"})
    assert bad.status_code == 401


def test_sign_out_ends_the_session(app):
    c, user = new_user(app)
    cookie = c.cookies.get(SESSION_COOKIE)
    assert c.post("/logout", data={"csrf": user["csrf"]}, follow_redirects=False
                  ).status_code == 303
    stale = TestClient(app, cookies={SESSION_COOKIE: cookie})
    assert stale.get("/api/me").status_code == 401


def test_sign_in_is_rate_limited(store_url):
    from sqlalchemy import delete

    from periodization.serve.app import create_app
    from periodization.serve.tables import LoginFailure

    app = create_app(store_url, limiter=RateLimiter(limit=3, window=60))
    with app.state.ctx.writing() as db:  # other tests' failures from "testclient" count too
        db.execute(delete(LoginFailure))
    _, user = new_user(app)
    wrong = {"email": user["email"], "password": "wrong password"}
    codes = [TestClient(app).post("/api/tokens", json=wrong).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    right = {"email": user["email"], "password": PASSWORD}
    assert TestClient(app).post("/api/tokens", json=right).status_code == 429
    page = TestClient(app).post("/login", data=right)
    assert page.status_code == 429 and "too many" in page.text
    # a second app on the same store (another server process) sees the same failures
    other = create_app(store_url, limiter=RateLimiter(limit=3, window=60))
    assert TestClient(other).post("/api/tokens", json=right).status_code == 429
    with app.state.ctx.writing() as db:
        db.execute(delete(LoginFailure))


def test_the_rate_limit_window_slides(app):
    import time

    ctx = app.state.ctx
    limiter = RateLimiter(limit=2, window=0.2)
    for _ in range(3):
        with ctx.writing() as db:
            limiter.record(db, "window-test")
    with ctx.maker() as db:
        assert limiter.over(db, "window-test") and not limiter.over(db, "other")
    time.sleep(0.25)
    with ctx.maker() as db:
        assert not limiter.over(db, "window-test")


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit_checked(store_url):
    """Every attempt is counted before its password is hashed: of 12 wrong guesses sent at
    once, at most ``limit`` reach the check (401), the rest are refused (429); and a right
    password is forgiven, so it never counts as a failure."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import delete

    from periodization.serve.app import create_app
    from periodization.serve.tables import LoginFailure

    app = create_app(store_url, limiter=RateLimiter(limit=3, window=60))
    with app.state.ctx.writing() as db:  # other tests' failures from "testclient" count too
        db.execute(delete(LoginFailure))
    _, user = new_user(app)
    right = {"email": user["email"], "password": PASSWORD}
    for _ in range(4):  # more right sign-ins than the limit: none is a failure
        assert TestClient(app).post("/api/tokens", json=right).status_code == 201
    wrong = {"email": user["email"], "password": "wrong password"}
    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(lambda _: TestClient(app).post("/api/tokens", json=wrong)
                              .status_code, range(12)))
    # a burst may have every attempt counted before any is checked, and then none reaches
    # the check; what must never happen is more than the limit reaching it
    assert set(codes) <= {401, 429} and codes.count(401) <= 3, codes
    with app.state.ctx.writing() as db:
        db.execute(delete(LoginFailure))
