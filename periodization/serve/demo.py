"""``periodize serve --demo``: a few synthetic athletes (simulated by the project's own
athlete model, ``cohort.synth``, their record ending yesterday) and a coach they all
invited, so a newcomer sees every page at once. Seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from periodization.cohort.synth import synthesize
from periodization.serve.auth import create_user
from periodization.serve.store import locked_source, merge_days
from periodization.serve.tables import Invite, User

DEMO_ATHLETES = ("Ann", "Ben", "Cleo", "Dev", "Eli")
DEMO_DAYS = 150
DEMO_PASSWORD = "demo-password"
COACH_EMAIL = "coach@demo.invalid"  # .invalid: never a real address (RFC 2606)
SEED = 0


def demo_email(name: str) -> str:
    return f"{name.lower()}@demo.invalid"


def seed_demo(db: DbSession, *, athletes: tuple[str, ...] = DEMO_ATHLETES,
              days: int = DEMO_DAYS, today: dt.date | None = None) -> list[str]:
    """Create the demo accounts and histories unless present; the sign-in lines to show."""
    logins = [f"coach    {COACH_EMAIL} / {DEMO_PASSWORD}"] + [
        f"athlete  {demo_email(n)} / {DEMO_PASSWORD}" for n in athletes]
    if db.scalar(select(User.id).where(User.email == COACH_EMAIL)) is not None:
        return logins
    coach = create_user(db, email=COACH_EMAIL, password=DEMO_PASSWORD, role="coach",
                        name="Demo coach")
    obs = synthesize(athletes=len(athletes), days=days, seed=SEED).observations
    last = pd.Timestamp(today or dt.date.today()) - pd.Timedelta(days=1)
    obs = obs.assign(date=obs["date"] + (last - obs["date"].max()))
    for i, name in enumerate(athletes):
        user = create_user(db, email=demo_email(name), password=DEMO_PASSWORD,
                           role="athlete", name=name)
        rows = obs[obs["athlete_id"] == f"A{i:04d}"]
        merge_days(db, user.id, rows.assign(athlete_id=str(user.id)))
        src = locked_source(db, user.id)
        src.source_format, src.meta = "synthetic", {"format": "synthetic (demo)"}
        db.add(Invite(athlete_id=user.id, coach_id=coach.id))
    return logins
