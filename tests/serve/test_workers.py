"""``periodize serve --workers 2``: two server processes on one store (SQLite and a real
PostgreSQL) take concurrent uploads from several athletes and lose nothing, answer every
request, and share the sign-in rate limit (it lives in the store, not in a process)."""

from __future__ import annotations

import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.serve.child import serve_child
from tests.serve.conftest import PASSWORD
from tests.stand_in import export_rows

httpx = pytest.importorskip("httpx")
psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[2]
ATHLETES, DAYS, CHUNK = 6, 60, 10
READINGS = ["hrv_rmssd_ms", "resting_hr", "sleep_hours", "recovery"]


def _csv(rows) -> bytes:
    buf = io.StringIO()
    rows.drop(columns="athlete_id").to_csv(buf, index=False, float_format="%.3f")
    return buf.getvalue().encode()


def _athlete(base: str, i: int, rows, tag: str) -> tuple[int, int, int]:
    """Sign up, upload the export in 10-day pieces, asking for advice in between; (id,
    days uploaded, days the store then holds)."""
    chunks = [c for c in (rows.iloc[s:s + CHUNK] for s in range(0, DAYS, CHUNK))
              if c[READINGS].notna().any(axis=None)]  # a piece wholly in a gap is refused
    with httpx.Client(base_url=base, timeout=120) as c:
        email = f"worker{i}-{tag}@example.org"
        assert c.post("/api/signup", json={"email": email, "password": PASSWORD}
                      ).status_code == 201
        token = c.post("/api/tokens", json={"email": email, "password": PASSWORD})
        c.headers["authorization"] = f"Bearer {token.json()['token']}"
        aid = c.get("/api/me").json()["id"]
        for n, chunk in enumerate(chunks):
            r = c.post(f"/api/athletes/{aid}/upload",
                       files={"file": (f"part{n}.csv", _csv(chunk))})
            assert r.status_code == 200, r.text
            assert c.get(f"/api/athletes/{aid}/recommendation").status_code == 200
        rec = c.get(f"/api/athletes/{aid}/recommendation").json()
        stored = c.get(f"/api/athletes/{aid}/days").json()
        assert rec["date"] == stored[-1]["date"]  # advice from the newest data, not stale
        return aid, CHUNK * len(chunks), len(stored)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_workers_lose_nothing_and_share_the_rate_limit(kind, request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'serve.db'}" if kind == "sqlite"
           else request.getfixturevalue("pg_url"))
    rows = export_rows(athletes=ATHLETES, days=DAYS, seed=31)
    groups = [g for _, g in rows.groupby("athlete_id", sort=True)]
    tag = f"{kind}-{os.getpid()}-{time.monotonic_ns()}"
    with serve_child(url, workers=2) as (base, proc):
        assert len(psutil.Process(proc.pid).children()) >= 2  # two worker processes
        with ThreadPoolExecutor(ATHLETES) as pool:
            results = list(pool.map(lambda i: _athlete(base, i, groups[i], tag),
                                    range(ATHLETES)))
        assert len({aid for aid, _, _ in results}) == ATHLETES
        for _, uploaded, stored in results:
            assert stored == uploaded
        # the limit (5 failures per e-mail) counts failures whichever process saw them:
        # alternate between this server and another one on the same store; counted per
        # process, neither would have seen 5 by the 8th attempt
        with serve_child(url, workers=1) as (other, _):
            wrong = {"email": f"worker0-{tag}@example.org", "password": "wrong password"}
            codes = [httpx.post(f"{(base, other)[n % 2]}/api/tokens", json=wrong,
                                timeout=60).status_code for n in range(8)]
        assert codes == [401] * 5 + [429] * 3, codes
    from sqlalchemy import create_engine, delete

    from periodization.serve.tables import LoginFailure

    engine = create_engine(url)
    with engine.begin() as conn:  # later tests sign in from 127.0.0.1 too
        conn.execute(delete(LoginFailure))
    engine.dispose()
