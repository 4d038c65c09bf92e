"""The first store: users, sessions, API tokens, invites, days, sources, advice.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _user_fk(name: str, *, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                     primary_key=primary_key, nullable=False, index=not primary_key)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("feed_key", sa.String(64), nullable=False, unique=True),
        sa.Column("created", sa.DateTime, nullable=False))
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        _user_fk("user_id"),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires", sa.DateTime, nullable=False))
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(64), primary_key=True),
        _user_fk("user_id"),
        sa.Column("created", sa.DateTime, nullable=False))
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer, primary_key=True),
        _user_fk("athlete_id"), _user_fk("coach_id"),
        sa.UniqueConstraint("athlete_id", "coach_id"))
    readings = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery",
                "strain", "load", "atl", "ctl", "hrv_sdnn_ms")
    op.create_table(
        "days",
        _user_fk("athlete_id", primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        *(sa.Column(c, sa.Float, nullable=True) for c in readings),
        sa.Column("action", sa.Integer, nullable=False),
        sa.Column("logged", sa.Integer, nullable=False),
        sa.Column("ill", sa.Boolean, nullable=False))
    op.create_table(
        "sources",
        _user_fk("athlete_id", primary_key=True),
        sa.Column("source_format", sa.String(40), nullable=False),
        sa.Column("hrv_kind", sa.String(10), nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False))
    op.create_table(
        "advice",
        _user_fk("athlete_id", primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("today", sa.Date, nullable=False),
        sa.Column("body", sa.Text, nullable=False))


def downgrade() -> None:
    for table in ("advice", "sources", "days", "invites", "api_tokens", "sessions", "users"):
        op.drop_table(table)
