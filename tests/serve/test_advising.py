"""Concurrent requests for stale advice share batches and still get each athlete's own
advice, computed from the data committed before they asked."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete

from periodization.serve.tables import Advice, User
from tests.serve.conftest import new_user
from tests.stand_in import export_rows, write_export


def athletes_with_data(app, tmp_path, *, n: int, days: int, seed: int,
                       coach: str | None = None) -> list[int]:
    """Sign up ``n`` athletes, each uploading ``days`` simulated days (seeds seed, seed+1,
    …) and inviting the ``coach`` (an e-mail) if one is given; their ids."""
    ids = []
    for i in range(n):
        c, user = new_user(app)
        path = write_export(tmp_path / f"a{seed + i}.csv",
                            export_rows(athletes=1, days=days, seed=seed + i))
        headers = {"x-csrf-token": user["csrf"]}
        with open(path, "rb") as fh:
            assert c.post(f"/api/athletes/{user['id']}/upload", files={"file": (path.name, fh)},
                          headers=headers).status_code == 200
        if coach is not None:
            assert c.post(f"/api/athletes/{user['id']}/coaches", json={"email": coach},
                          headers=headers).status_code == 201
        ids.append(user["id"])
    return ids


def fail_for(bad: int, ctx, ids: list[int], monkeypatch):
    """Inject a failure into the advice of athlete ``bad`` (any batch holding them raises),
    let the background advice in flight finish and forget the cached advice of ``ids``; the
    real computation, to put back."""
    from periodization.serve import advising

    real = advising._compute

    def compute(db, some, **kw):
        if bad in some:
            raise RuntimeError(f"injected failure for athlete {bad}")
        return real(db, some, **kw)

    monkeypatch.setattr(advising, "_compute", compute)
    # The uploads queued background advice, which may be inside the real computation
    # now and store the bad athlete's advice after the delete below: wait for it to end.
    ctx.coalescer.close()
    with ctx.writing() as db:
        db.execute(delete(Advice).where(Advice.athlete_id.in_(ids)))
    return real


def test_concurrent_requests_get_their_own_advice(app, tmp_path):
    ctx = app.state.ctx
    ids = athletes_with_data(app, tmp_path, n=4, days=60, seed=20)

    def ask(athlete: int) -> dict:
        with ctx.maker() as db:
            return ctx.advice_for(db, [db.get(User, athlete)])[athlete]

    alone = {}
    for a in ids:  # one by one, nothing cached
        with ctx.writing() as db:
            db.execute(delete(Advice).where(Advice.athlete_id.in_(ids)))
        alone[a] = ask(a)
    with ctx.writing() as db:
        db.execute(delete(Advice).where(Advice.athlete_id.in_(ids)))
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(ask, ids * 2))
    assert together == [alone[a] for a in ids * 2]
    assert len({r["action"] + str(r["probabilities"]) for r in alone.values()}) > 1


def test_one_athletes_failing_advice_fails_nobody_else_in_the_batch(app, tmp_path,
                                                                     monkeypatch):
    """Athletes asking together share a batch; if one athlete's advice raises (here: a
    fault injected into the computation for that athlete only), the others still get
    theirs and only that athlete's request fails."""
    import pytest

    ctx = app.state.ctx
    ids = athletes_with_data(app, tmp_path, n=3, days=40, seed=40)
    bad = ids[1]
    fail_for(bad, ctx, ids, monkeypatch)
    with ctx.maker() as db:
        good = ctx.advice_for(db, [db.get(User, i) for i in (ids[0], ids[2])])
    assert set(good) == {ids[0], ids[2]} and all(r["action"] for r in good.values())
    with ctx.writing() as db:
        db.execute(delete(Advice).where(Advice.athlete_id.in_(ids)))
    with ctx.maker() as db, pytest.raises(RuntimeError, match="injected"):
        ctx.advice_for(db, [db.get(User, i) for i in ids])
    with ctx.maker() as db:  # the batch that failed for ``bad`` stored the others' advice
        assert {a.athlete_id for a in db.query(Advice).filter(Advice.athlete_id.in_(ids))} \
            == {ids[0], ids[2]}


def test_a_coachs_team_shows_everyone_else_when_one_athletes_advice_fails(app, tmp_path,
                                                                         monkeypatch):
    """The team view (page and API) asks for every athlete at once: one athlete's failing
    advice is that athlete's flag, not a failed page; nothing is stored for them, so the
    next view tries again."""
    from periodization.serve import advising

    ctx = app.state.ctx
    coach_c, coach = new_user(app, "coach")
    ids = athletes_with_data(app, tmp_path, n=3, days=40, seed=60, coach=coach["email"])
    bad = ids[2]
    real = fail_for(bad, ctx, ids, monkeypatch)
    rows = {r["athlete_id"]: r for r in coach_c.get("/api/team").json()}
    assert set(rows) == set(ids)
    assert all(rows[i]["action"] for i in ids[:2]) and rows[bad]["action"] is None
    failed = json.loads(advising.FAILED)["error"]
    assert rows[bad]["flags"] == [f"cannot advise: {failed}"]
    page = coach_c.get("/coach")
    assert page.status_code == 200 and "could not be computed" in page.text
    with ctx.maker() as db:  # the failure is not cached: the next read computes again
        assert db.get(Advice, bad) is None
    monkeypatch.setattr(advising, "_compute", real)
    again = {r["athlete_id"]: r for r in coach_c.get("/api/team").json()}
    assert again[bad]["action"] is not None


def test_the_servers_shutdown_stops_the_background_advice_thread(store_url, tmp_path):
    """Uploads start a background advice thread; the app's shutdown (its lifespan's end)
    joins it, and a later upload starts a new one."""
    from fastapi.testclient import TestClient

    from periodization.serve.app import create_app
    from periodization.serve.auth import RateLimiter

    app = create_app(store_url, limiter=RateLimiter(limit=1000))
    ctx = app.state.ctx
    with TestClient(app):
        athletes_with_data(app, tmp_path, n=1, days=30, seed=80)
        threads = list(ctx.coalescer._background._threads)  # this app's, not another's
        assert threads and all(t.is_alive() for t in threads)
    assert ctx.coalescer._background is None and not any(t.is_alive() for t in threads)
    athletes_with_data(app, tmp_path, n=1, days=30, seed=81)
    assert ctx.coalescer._background is not None
    ctx.coalescer.close()
