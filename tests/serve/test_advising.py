"""Concurrent requests for stale advice share batches and still get each athlete's own
advice, computed from the data committed before they asked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete

from periodization.serve.tables import Advice, User
from tests.serve.conftest import new_user
from tests.stand_in import export_rows, write_export


def test_concurrent_requests_get_their_own_advice(app, tmp_path):
    ctx = app.state.ctx
    ids = []
    for i in range(4):
        c, user = new_user(app)
        path = write_export(tmp_path / f"a{i}.csv", export_rows(athletes=1, days=60, seed=20 + i))
        with open(path, "rb") as fh:
            assert c.post(f"/api/athletes/{user['id']}/upload", files={"file": (path.name, fh)},
                          headers={"x-csrf-token": user["csrf"]}).status_code == 200
        ids.append(user["id"])

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
