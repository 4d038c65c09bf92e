"""Failed sign-ins in the store, so the sign-in rate limit holds across server processes
(``periodize serve --workers N``) and restarts.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False))


def downgrade() -> None:
    op.drop_table("login_failures")
