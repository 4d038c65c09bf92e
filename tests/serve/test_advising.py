"""Concurrent requests for stale advice share batches and still get each athlete's own
advice, computed from the data committed before they asked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete

from periodization.serve.tables import Advice, User
from tests.serve.conftest import new_user
from tests.stand_in import export_rows, write_export


def athletes_with_data(app, tmp_path, *, n: int, days: int, seed: int) -> list[int]:
    """Sign up ``n`` athletes, each uploading ``days`` simulated days (seeds seed, seed+1,
    …); their ids."""
    ids = []
    for i in range(n):
        c, user = new_user(app)
        path = write_export(tmp_path / f"a{seed + i}.csv",
                            export_rows(athletes=1, days=days, seed=seed + i))
        with open(path, "rb") as fh:
            assert c.post(f"/api/athletes/{user['id']}/upload", files={"file": (path.name, fh)},
                          headers={"x-csrf-token": user["csrf"]}).status_code == 200
        ids.append(user["id"])
    return ids


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

    from periodization.serve import advising

    ctx = app.state.ctx
    ids = athletes_with_data(app, tmp_path, n=3, days=40, seed=40)
    bad = ids[1]
    real = advising._compute

    def compute(db, some, **kw):
        if bad in some:
            raise RuntimeError(f"injected failure for athlete {bad}")
        return real(db, some, **kw)

    monkeypatch.setattr(advising, "_compute", compute)
    with ctx.writing() as db:
        db.execute(delete(Advice).where(Advice.athlete_id.in_(ids)))
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
