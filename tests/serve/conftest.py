"""Fixtures of the server tests: one SQLite and one real PostgreSQL store per session,
an app on each, and helpers to sign users up. Without PostgreSQL the PostgreSQL cases skip
with the reason, unless ``PERIODIZATION_CI`` is set (CI installs it: they must run)."""

from __future__ import annotations

import itertools
import os

import pytest

if not os.environ.get("PERIODIZATION_CI"):  # in CI the extra is installed: never skip
    pytest.importorskip("fastapi", reason="the serve extra is not installed")

from fastapi.testclient import TestClient

from periodization.serve.app import create_app
from periodization.serve.auth import RateLimiter
from tests.serve.postgres import Server, bin_dir

PASSWORD = "correct horse battery"
_ids = itertools.count()


@pytest.fixture(scope="session")
def pg_url():
    if bin_dir() is None:
        if os.environ.get("PERIODIZATION_CI"):
            pytest.fail("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
        pytest.skip("PostgreSQL server binaries absent (apt-get install postgresql)")
    with Server() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'serve.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def app(store_url):
    # a generous limiter: the tests sign in often; the limiter has its own test
    return create_app(store_url, limiter=RateLimiter(limit=1000))


@pytest.fixture()
def client(app):
    with TestClient(app) as c:
        yield c


def new_user(app, role: str = "athlete") -> tuple[TestClient, dict]:
    """A fresh account signed in by cookie: (its own client, its user JSON)."""
    c = TestClient(app)
    email = f"{role}{next(_ids)}-{os.getpid()}@example.org"
    r = c.post("/signup", data={"email": email, "password": PASSWORD, "role": role,
                                "name": f"{role} {email[:8]}"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    user = c.get("/api/me").json()
    user["csrf"] = csrf_of(c, user)
    return c, user


def csrf_of(c: TestClient, user: dict) -> str:
    """The session's CSRF token, read from the signed-in page's forms."""
    import re

    page = c.get("/coach" if user["role"] == "coach" else f"/athletes/{user['id']}").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def token_for(app, user: dict) -> str:
    c = TestClient(app)
    r = c.post("/api/tokens", json={"email": user["email"], "password": PASSWORD})
    assert r.status_code == 201, r.text
    return r.json()["token"]
