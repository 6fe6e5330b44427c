"""Conversation states and language choices, shared between bot processes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
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
        "conversation_states",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("focus", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "language_choices",
        sa.Column("user_key", sa.String(64), primary_key=True),
        sa.Column("lang", sa.String(8), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("language_choices")
    op.drop_table("conversation_states")
