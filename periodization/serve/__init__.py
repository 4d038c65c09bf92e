"""``periodize serve``: the coach as a local web app and JSON API (SPEC §11).

Owns the store (SQLAlchemy 2 tables, Alembic migrations; SQLite by default, PostgreSQL by
URL), accounts and access (argon2 passwords, session cookies, CSRF, API tokens, login rate
limiting), uploads merged into a stored history, the athlete's and the coach's pages (inline
SVG charts served from the package, no CDN), the iCalendar feed and the API.

Layer ``serve``: may import ``report``/``advice`` and below, never torch (the advice is the
numpy actor). FastAPI, SQLAlchemy and the rest are the ``serve`` extra, imported lazily by
the CLI (``periodization.serve.deps``).
"""
