"""Accounts: argon2id password hashes, session cookies, CSRF tokens, API tokens and login
rate limiting.

Secrets handed to a client (the session cookie, an API token) are random 256-bit values;
only their SHA-256 is stored, so a copy of the database signs no one in. A session's CSRF
token is a separate random value that every form posts back (``check_csrf``): a form on
another site cannot read it. Cookies are HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DbSession

from periodization.serve.tables import ROLES, ApiToken, LoginFailure, Session, User

SESSION_COOKIE = "periodization_session"
SESSION_DAYS = 14
MIN_PASSWORD = 8
MAX_PASSWORD = 256  # hashing a megabyte "password" is a denial of service, not a login
_hasher = PasswordHasher()


class AuthError(ValueError):
    """A refused sign-up or sign-in; the message is shown to the user."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_user(db: DbSession, *, email: str, password: str, role: str, name: str = ""
                ) -> User:
    """A new account; ``AuthError`` for a taken e-mail, a short password, an unknown role."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or " " in email:
        raise AuthError("enter a valid e-mail address")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AuthError(f"the password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise AuthError("an account with this e-mail exists already")
    user = User(email=email, name=(name.strip() or email.split("@")[0])[:100], role=role,
                password_hash=_hasher.hash(password), feed_key=secrets.token_urlsafe(32))
    db.add(user)
    db.flush()
    return user


# argon2 costs ~50 ms: an unknown e-mail is checked against this hash too, so the time a
# refusal takes does not tell which e-mails have accounts.
_DUMMY = _hasher.hash("not a password of anyone")


def authenticate(db: DbSession, email: str, password: str) -> User | None:
    """The user whose e-mail and password these are, else None."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    return user


def new_session(db: DbSession, user: User) -> tuple[str, Session]:
    """(cookie value, session row) for a fresh sign-in."""
    token = secrets.token_urlsafe(32)
    row = Session(id=digest(token), user_id=user.id, csrf=secrets.token_urlsafe(32),
                  expires=_now() + dt.timedelta(days=SESSION_DAYS))
    db.add(row)
    db.flush()
    return token, row


def session_user(db: DbSession, cookie: str | None) -> tuple[User, Session] | None:
    """The signed-in user of a session cookie (None: absent, unknown or expired)."""
    if not cookie or len(cookie) > 100:
        return None
    row = db.get(Session, digest(cookie))
    if row is None or row.expires < _now():
        return None
    return db.get(User, row.user_id), row


def end_session(db: DbSession, cookie: str | None) -> None:
    if cookie and len(cookie) <= 100:
        db.execute(delete(Session).where(Session.id == digest(cookie)))


def new_api_token(db: DbSession, user: User) -> str:
    token = "pz_" + secrets.token_urlsafe(32)
    db.add(ApiToken(id=digest(token), user_id=user.id))
    db.flush()
    return token


def token_user(db: DbSession, token: str | None) -> User | None:
    if not token or len(token) > 100:
        return None
    row = db.get(ApiToken, digest(token))
    return db.get(User, row.user_id) if row else None


def check_csrf(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf, sent)


class RateLimiter:
    """At most ``limit`` failed sign-ins per key (an e-mail, a client address) in a sliding
    ``window`` of seconds. The failures live in the store (``login_failures``), so every
    server process of ``--workers N`` counts the same ones and a restart forgives
    nothing; wall-clock seconds, as the processes share no monotonic clock.

    For an account's key the attempt is recorded *before* its password is checked and
    forgiven if it was right (``record``, then ``over``, then ``forgive``): a burst of
    parallel guesses at one account cannot all pass the check while the first ones are
    still hashing. Each row is committed before it counts, so the k-th committed attempt
    sees at least k rows and at most ``limit`` attempts a window reach the check. A client
    address's key counts failures only (``blocked`` before, ``record`` after a failure):
    many people behind one address signing in at once must not lock each other out."""

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit, self.window = limit, window

    @staticmethod
    def _keys(keys: tuple[str, ...]) -> list[str]:
        return [k[:300] for k in keys]  # the column's width: stored and queried the same

    def record(self, db: DbSession, *keys: str) -> list[int]:
        """Count an attempt or a failure for ``keys`` (in the caller's write transaction)
        and forget every failure older than the window; the new rows' ids."""
        now = time.time()
        db.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        rows = [LoginFailure(key=k, at=now) for k in self._keys(keys)]
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]

    def _most(self, db: DbSession, keys: tuple[str, ...]) -> int:
        since = time.time() - self.window
        counts = db.execute(select(LoginFailure.key, func.count()).where(
            LoginFailure.key.in_(self._keys(keys)), LoginFailure.at > since)
            .group_by(LoginFailure.key)).all()
        return max((n for _, n in counts), default=0)

    def blocked(self, db: DbSession, *keys: str) -> bool:
        """Whether any key already has ``limit`` failures in the window."""
        return self._most(db, keys) >= self.limit

    def over(self, db: DbSession, *keys: str) -> bool:
        """Whether any key has more than ``limit`` rows in the window, the caller's own
        recorded attempt included."""
        return self._most(db, keys) > self.limit

    def forgive(self, db: DbSession, ids: list[int]) -> None:
        """Drop attempts that were not failures (the right password, or refused unchecked)."""
        db.execute(delete(LoginFailure).where(LoginFailure.id.in_(ids)))
