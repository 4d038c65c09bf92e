"""``periodize serve`` latency through HTTP on localhost (server in its own process):

* ``upload_year_s``: upload and import of a one-year export (generic CSV, 365 days) for
  fresh athletes: median and max over ``--uploads`` athletes; goal ≤ 2 s;
* ``recommendation_warm_ms``: GET ``/api/athletes/{id}/recommendation`` for one stored
  athlete, after the first call computed and cached it: p50 / p95 over ``--requests``;
  goal p95 ≤ 50 ms; ``recommendation_cold_ms``: the first call after each upload;
* ``coach_page_ms``: GET ``/coach`` for a coach of ``--team`` athletes (120 simulated days
  each, seeded straight into the store): the first call (every athlete advised, in
  batches) and the warm p50 / p95 over 20 calls; goal ≤ 500 ms.

Usage: python benchmarks/serve_latency.py [--store sqlite|postgresql] [--team 500]
"""

from __future__ import annotations

import argparse
import time

import httpx
from _common import emit, median
from _recommend_inputs import export_rows
from _serve_common import csv_bytes, pct, server, store

PASSWORD = "benchmark password"


def sign_up(c: httpx.Client, email: str, role: str = "athlete") -> tuple[int, str]:
    c.post("/api/signup", json={"email": email, "password": PASSWORD, "role": role})
    token = c.post("/api/tokens", json={"email": email, "password": PASSWORD}).json()["token"]
    c.headers["authorization"] = f"Bearer {token}"
    me = c.get("/api/me").json()
    return me["id"], token


def seed_team(url: str, coach_email: str, n: int, *, days: int = 120) -> None:
    """``n`` athletes who invited the coach, written straight into the store."""
    from periodization.cohort.synth import synthesize
    from periodization.serve.auth import create_user
    from periodization.serve.db import make_engine, sessions
    from periodization.serve.store import merge_days
    from periodization.serve.tables import Invite, User

    engine = make_engine(url)
    obs = synthesize(athletes=n, days=days, seed=11).observations
    obs = obs.assign(date=obs["date"] + (time_today() - obs["date"].max()))
    with sessions(engine)() as db:
        from sqlalchemy import select

        coach = db.scalar(select(User).where(User.email == coach_email))
        for i, (_, rows) in enumerate(obs.groupby("athlete_id", sort=True)):
            user = create_user(db, email=f"team{i}@bench.invalid", password=PASSWORD,
                               role="athlete")
            merge_days(db, user.id, rows.assign(athlete_id=str(user.id)))
            db.add(Invite(athlete_id=user.id, coach_id=coach.id))
        db.commit()
    engine.dispose()


def time_today():
    import pandas as pd

    return pd.Timestamp.today().normalize() - pd.Timedelta(days=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--uploads", type=int, default=5)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--team", type=int, default=500)
    args = ap.parse_args()
    exports = [csv_bytes(export_rows(athletes=1, days=365, seed=100 + i))
               for i in range(args.uploads)]
    with store(args.store) as url, server(url) as (base, _):
        upload_s, cold_ms, warm = [], [], []
        for i, body in enumerate(exports):
            with httpx.Client(base_url=base, timeout=120) as c:
                aid, _ = sign_up(c, f"ath{i}@bench.invalid")
                t0 = time.perf_counter()
                r = c.post(f"/api/athletes/{aid}/upload", files={"file": ("year.csv", body)})
                upload_s.append(time.perf_counter() - t0)
                assert r.status_code == 200 and r.json()["added"] == 365, r.text
                t0 = time.perf_counter()
                assert c.get(f"/api/athletes/{aid}/recommendation").status_code == 200
                cold_ms.append((time.perf_counter() - t0) * 1000)
        with httpx.Client(base_url=base, timeout=120) as c:
            c.headers["authorization"] = f"Bearer {_token(base, 'ath0@bench.invalid')}"
            aid = c.get("/api/me").json()["id"]
            for _ in range(args.requests):
                t0 = time.perf_counter()
                assert c.get(f"/api/athletes/{aid}/recommendation").status_code == 200
                warm.append(time.perf_counter() - t0)
        with httpx.Client(base_url=base, timeout=600) as c:
            sign_up(c, "coach@bench.invalid", "coach")
            seed_team(url, "coach@bench.invalid", args.team)
            page = httpx.Client(base_url=base, timeout=600)
            page.post("/login", data={"email": "coach@bench.invalid", "password": PASSWORD})
            t0 = time.perf_counter()
            r = page.get("/coach")
            first = time.perf_counter() - t0
            assert r.status_code == 200 and r.text.count("<tr>") == args.team + 1, r.text[:300]
            coach = []
            for _ in range(20):
                t0 = time.perf_counter()
                page.get("/coach")
                coach.append(time.perf_counter() - t0)
    emit("serve_latency", {
        "store": args.store,
        "upload_year_s": {"median": round(median(upload_s), 3), "max": round(max(upload_s), 3),
                          "athletes": args.uploads, "goal_max": 2.0},
        "recommendation_cold_ms": {"median": round(median(cold_ms), 1),
                                   "max": round(max(cold_ms), 1)},
        "recommendation_warm_ms": {"p50": round(pct(warm, 50), 2),
                                   "p95": round(pct(warm, 95), 2),
                                   "requests": args.requests, "goal_p95": 50},
        "coach_page_ms": {"athletes": args.team, "first": round(first * 1000, 1),
                          "warm_p50": round(pct(coach, 50), 1),
                          "warm_p95": round(pct(coach, 95), 1), "goal": 500},
    })


def _token(base: str, email: str) -> str:
    r = httpx.post(f"{base}/api/tokens", json={"email": email, "password": PASSWORD})
    return r.json()["token"]


if __name__ == "__main__":
    main()
