"""The store's tables (SQLAlchemy 2 declarative). Migrations (``migrations/versions``)
create exactly these; ``tests/serve/test_store.py`` checks the two agree.

* ``users``: an athlete or a coach; ``password_hash`` is argon2id; ``feed_key`` the secret
  of the athlete's calendar feed URL (calendar apps send no cookies).
* ``sessions``: a signed-in browser; the id is the SHA-256 of the cookie's token (a
  leaked table signs no one in); ``csrf`` the token every form posts back.
* ``api_tokens``: bearer tokens for scripts, stored as SHA-256.
* ``invites``: athlete → coach; a coach sees exactly the athletes who invited them.
* ``days``: the athlete's stored history in the canonical daily schema
  (``ingest/schema.py``) + ``ill`` (reported from the page) and ``logged`` (a session
  reported by hand, −1 none).
* ``sources``: the athlete's last upload's format, HRV kind, import notes and metadata
  (what ``recommend --json`` reports) and ``revision``, bumped on every change of the
  athlete's data: the cache key of ``advice``.
* ``advice``: the last recommendation computed per athlete, JSON, with the revision and
  day it was computed for (a warm page or API call is one read).
* ``login_failures``: failed sign-ins per key (an e-mail, a client address) and when
  (Unix seconds): the sign-in rate limit, shared by every server process.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("athlete", "coach")
# the reading columns of ``days``, in the canonical schema's order (NaN ↔ NULL)
READING_COLUMNS = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency",
                   "recovery", "strain", "load", "atl", "ctl", "hrv_sdnn_ms")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    feed_key: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    expires: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class Invite(Base):
    __tablename__ = "invites"
    __table_args__ = (UniqueConstraint("athlete_id", "coach_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)


class Day(Base):
    __tablename__ = "days"
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    hrv_rmssd_ms: Mapped[float | None] = mapped_column(Float)
    resting_hr: Mapped[float | None] = mapped_column(Float)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    sleep_efficiency: Mapped[float | None] = mapped_column(Float)
    recovery: Mapped[float | None] = mapped_column(Float)
    strain: Mapped[float | None] = mapped_column(Float)
    load: Mapped[float | None] = mapped_column(Float)
    atl: Mapped[float | None] = mapped_column(Float)
    ctl: Mapped[float | None] = mapped_column(Float)
    hrv_sdnn_ms: Mapped[float | None] = mapped_column(Float)
    action: Mapped[int] = mapped_column(Integer, default=-1)
    logged: Mapped[int] = mapped_column(Integer, default=-1)
    ill: Mapped[bool] = mapped_column(Boolean, default=False)


class Source(Base):
    __tablename__ = "sources"
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            primary_key=True)
    source_format: Mapped[str] = mapped_column(String(40), default="generic")
    hrv_kind: Mapped[str] = mapped_column(String(10), default="rmssd")
    notes: Mapped[list] = mapped_column(JSON, default=list)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class Advice(Base):
    __tablename__ = "advice"
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    today: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[float] = mapped_column(Float)
