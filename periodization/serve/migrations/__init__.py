"""Alembic migrations of the store (run by ``db.migrate``; no alembic.ini needed)."""
