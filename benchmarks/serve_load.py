"""``periodize serve`` under load: ``--users`` simulated users (an asyncio httpx client,
bounded: each user waits for its answer before the next request) for ``--seconds``
against ``periodize serve --workers N`` on localhost, on SQLite or on a real PostgreSQL
server. ``--think-ms T``: after each answer a user pauses a uniformly random 0.5–1.5 T
(seeded per user) like a person reading the page; 0 (the default) is the closed loop with
no pause, which measures saturation, not a realistic crowd.

Each user signs up and uploads the first 30 days of their own simulated export before the
clock starts; then they loop: GET their recommendation, their page, their days, and every
fifth request upload their next 10 days (until the export's 60 days are in). Afterwards
every user's stored days are counted: nothing may be lost (``lost_days`` = 0).

Reported: requests, errors (any status other than 200/303 or a failed request), latency
p50 / p95 / max over all requests and per kind; ``recommendation_after_new_data`` are the
calls that had to recompute after the user's own upload (uncached by design).
Goals: no error, p95 ≤ 300 ms, nothing lost. The load generator runs on the same machine:
``cpu`` gives its CPU seconds and the server's (all worker processes) over the measured
window, and each one's share of the machine's cores; ``load_avg_before`` / ``_after`` the
1-minute load average (figures are only comparable on an otherwise idle machine).

Usage: python benchmarks/serve_load.py [--store sqlite|postgresql] [--users 50]
       [--seconds 60] [--think-ms 0] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections import defaultdict

import httpx
from _common import emit
from _recommend_inputs import export_rows
from _serve_common import csv_bytes, pct, server, store, tree_cpu_s

PASSWORD = "benchmark password"
FIRST, CHUNK, DAYS = 30, 10, 60


async def user(base: str, i: int, rows, go: asyncio.Event, end: asyncio.Event,
               out: dict, think_s: float) -> None:
    """One simulated user: set-up, then requests one at a time until ``end``."""
    lat, errors, uploaded, ready = out["lat"], out["errors"], out["uploaded"], out["ready"]
    async with httpx.AsyncClient(base_url=base, timeout=120) as c, \
            httpx.AsyncClient(base_url=base, timeout=120) as web:
        email = f"load{i}@bench.invalid"
        await c.post("/api/signup", json={"email": email, "password": PASSWORD})
        r = await c.post("/api/tokens", json={"email": email, "password": PASSWORD})
        c.headers["authorization"] = f"Bearer {r.json()['token']}"
        aid = (await c.get("/api/me")).json()["id"]
        # a 10-day stretch inside a wearable gap has no reading at all: the importer
        # refuses it (rightly), so such a stretch is not one of the uploads
        chunks = [rows.iloc[:FIRST]] + [
            c for c in (rows.iloc[s:s + CHUNK] for s in range(FIRST, DAYS, CHUNK))
            if c[["hrv_rmssd_ms", "resting_hr", "sleep_hours", "recovery"]].notna().any(axis=None)]
        r = await c.post(f"/api/athletes/{aid}/upload",
                         files={"file": ("part0.csv", csv_bytes(chunks[0]))})
        assert r.status_code == 200, r.text
        uploaded[aid] = FIRST
        await web.post("/login", data={"email": email, "password": PASSWORD})
        ready.append(aid)
        await go.wait()  # the clock starts for everyone at once
        pause = random.Random(1000 + i)
        n, next_chunk, fresh = 0, 1, True
        while not end.is_set():
            if think_s and n:  # a person reads the answer before the next click
                await asyncio.sleep(think_s * pause.uniform(0.5, 1.5))
                if end.is_set():
                    break
            n += 1
            if n % 5 == 0 and next_chunk < len(chunks):
                kind = "upload"
                req = c.post(f"/api/athletes/{aid}/upload", files={
                    "file": (f"part{next_chunk}.csv", csv_bytes(chunks[next_chunk]))})
            elif n % 3 == 1:
                kind = "recommendation_after_new_data" if fresh else "recommendation"
                req = c.get(f"/api/athletes/{aid}/recommendation")
            elif n % 3 == 2:
                kind, req = "athlete_page", web.get(f"/athletes/{aid}")
            else:
                kind, req = "days", c.get(f"/api/athletes/{aid}/days")
            t0 = time.perf_counter()
            try:
                r = await req
                ok = r.status_code == 200
                why = f"{r.status_code} {r.text[:160]}"
            except httpx.HTTPError as exc:
                ok, why = False, type(exc).__name__
            lat[kind].append(time.perf_counter() - t0)
            if not ok:
                errors.append(f"{kind}: {why}")
                continue
            if kind == "upload":
                uploaded[aid] += CHUNK
                next_chunk += 1
                fresh = True
            elif kind.startswith("recommendation"):
                fresh = False


async def run(base: str, users: int, seconds: float, think_s: float, server_pid: int
              ) -> dict:
    out = {"lat": defaultdict(list), "errors": [], "uploaded": {}, "ready": []}
    exports = export_rows(athletes=users, days=DAYS, seed=7)
    groups = [g for _, g in exports.groupby("athlete_id", sort=True)]
    go, end = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(user(base, i, groups[i], go, end, out, think_s))
             for i in range(users)]
    while len(out["ready"]) < users:  # set-up: every user signed up with 30 days in
        await asyncio.sleep(0.2)
        for t in tasks:
            if t.done() and t.exception():
                raise t.exception()
    out["load_avg_before"] = os.getloadavg()[0]
    cpu0, server0 = time.process_time(), tree_cpu_s(server_pid)
    go.set()
    t0 = time.perf_counter()
    await asyncio.sleep(seconds)
    end.set()
    await asyncio.gather(*tasks)
    out["wall_s"] = time.perf_counter() - t0
    out["client_cpu_s"] = time.process_time() - cpu0
    out["server_cpu_s"] = tree_cpu_s(server_pid) - server0
    out["load_avg_after"] = os.getloadavg()[0]
    return out


def stored_days(base: str, uploaded: dict[int, int]) -> dict[int, int]:
    """Each user's days as the store has them now (read with a fresh sign-in)."""
    found = {}
    for i in range(len(uploaded)):
        with httpx.Client(base_url=base, timeout=120) as c:
            token = c.post("/api/tokens", json={"email": f"load{i}@bench.invalid",
                                                "password": PASSWORD}).json()["token"]
            c.headers["authorization"] = f"Bearer {token}"
            me = c.get("/api/me").json()["id"]
            found[me] = len(c.get(f"/api/athletes/{me}/days").json())
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="mean pause of a user between answer and next request (0: none)")
    ap.add_argument("--workers", type=int, default=1, help="periodize serve --workers")
    args = ap.parse_args()
    with store(args.store) as url, server(url, workers=args.workers) as (base, pid):
        out = asyncio.run(run(base, args.users, args.seconds, args.think_ms / 1000, pid))
        found = stored_days(base, out["uploaded"])
    lat = out["lat"]
    cores = os.cpu_count() or 1
    every = [x for xs in lat.values() for x in xs]
    lost = sum(max(0, out["uploaded"][a] - found.get(a, 0)) for a in out["uploaded"])
    emit("serve_load", {
        "store": args.store, "users": args.users, "workers": args.workers,
        "think_ms": args.think_ms, "seconds": round(out["wall_s"], 1),
        "requests": len(every), "requests_per_s": round(len(every) / out["wall_s"], 1),
        "errors": len(out["errors"]), "error_examples": sorted(set(out["errors"]))[:5],
        "latency_ms": {"p50": round(pct(every, 50), 1), "p95": round(pct(every, 95), 1),
                       "max": round(max(every) * 1000, 1), "goal_p95": 300},
        "by_kind_ms": {k: {"n": len(v), "p50": round(pct(v, 50), 1),
                           "p95": round(pct(v, 95), 1)} for k, v in sorted(lat.items())},
        "days_uploaded": sum(out["uploaded"].values()), "days_stored": sum(found.values()),
        "lost_days": lost,
        "cpu": {"client_s": round(out["client_cpu_s"], 1),
                "server_s": round(out["server_cpu_s"], 1),
                "client_share": round(out["client_cpu_s"] / (out["wall_s"] * cores), 2),
                "server_share": round(out["server_cpu_s"] / (out["wall_s"] * cores), 2),
                "cores": cores},
        "load_avg_before": round(out["load_avg_before"], 1),
        "load_avg_after": round(out["load_avg_after"], 1),
    })


if __name__ == "__main__":
    main()
