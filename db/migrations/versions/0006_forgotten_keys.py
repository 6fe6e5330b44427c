"""Forgotten user keys, so that a spooled record of a forgotten person never comes back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forgotten_keys",
        sa.Column("user_key", sa.String(64), primary_key=True),
        sa.Column("forgotten_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forgotten_keys_forgotten_at", "forgotten_keys", ["forgotten_at"])


def downgrade() -> None:
    op.drop_table("forgotten_keys")
