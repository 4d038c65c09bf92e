"""The store's engine: SQLite by default (one file in the user's data directory), or any
SQLAlchemy URL (``postgresql+psycopg://user@host/db``); migrated to the newest revision
on start.

SQLite allows one writer at a time: the engine waits for the lock (``busy_timeout``)
rather than failing, and runs in WAL mode so readers never wait for a writer. Several
server processes (``periodize serve --workers N``) share one file safely because every
transaction begins explicitly: a read one with ``BEGIN`` (one consistent snapshot) and a
write one (``writer(engine)``) with ``BEGIN IMMEDIATE``, which takes the write lock up
front. (A deferred transaction that reads and then writes fails at once with "database is
locked" if another process wrote in between; waiting cannot help it, so SQLite does not.)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

from periodization.core.errors import UserError

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_MS = 30_000
# A request may hold two connections (its read session and a write), and uvicorn runs up to
# 40 synchronous handlers at once: the pool must not be what requests queue on.
POOL = {"pool_size": 20, "max_overflow": 80, "pool_timeout": 60}


def default_url() -> str:
    """``sqlite:///<user data dir>/periodization/serve.db`` (platformdirs)."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("periodization", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'serve.db'}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``default_url()``), migrated to the head revision;
    ``UserError`` (one line) when the URL is malformed or the database unreachable."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    url = url or default_url()
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False,
                                                      "timeout": SQLITE_BUSY_MS / 1000},
                                   **POOL)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True, **POOL)
        migrate(engine)
    except (ArgumentError, OperationalError, ModuleNotFoundError) as exc:
        first = " ".join(str(exc).split("\n")[0].split())[:200]
        raise UserError(f"--db {_safe(url)}: cannot open the store ({first})") from None
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # the driver's own implicit BEGIN off: ``_sqlite_begin`` says which kind (SQLAlchemy's
    # documented recipe for pysqlite)
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn) -> None:
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


IMMEDIATE = "periodization_begin_immediate"


def writer(engine: Engine) -> Engine:
    """``engine`` (same pool) whose transactions, on SQLite, begin IMMEDIATE: for the
    sessions that write."""
    return engine.execution_options(**{IMMEDIATE: True})


def migrate(engine: Engine) -> None:
    """Alembic ``upgrade head`` on ``engine`` (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:  # IMMEDIATE: two processes never race a migration
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
