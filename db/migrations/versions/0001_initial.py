"""Question log, answered counts, feedback, learned aliases, dismissed phrases.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(32), nullable=True),
        sa.Column("entry", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_type", sa.String(16), nullable=True),
        sa.Column("user_key", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("linked_entry", sa.String(64), nullable=True),
        sa.UniqueConstraint("record_id", name="uq_questions_record_id"),
    )
    op.create_index("ix_questions_state_id", "questions", ["state", "id"])
    op.create_index("ix_questions_normalised", "questions", ["normalised"])
    op.create_index("ix_questions_user_key", "questions", ["user_key"])
    op.create_index("ix_questions_asked_at", "questions", ["asked_at"])

    op.create_table(
        "answered_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entry", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "status", "entry", "lang"),
    )

    op.create_table(
        "receipts",
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_receipts_applied_at", "receipts", ["applied_at"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("entry", sa.String(64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("user_key", sa.String(64), nullable=True),
        sa.UniqueConstraint("record_id", name="uq_feedback_record_id"),
    )
    op.create_index("ix_feedback_user_key", "feedback", ["user_key"])
    op.create_index("ix_feedback_given_at", "feedback", ["given_at"])

    op.create_table(
        "learned_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("entry", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("normalised", name="uq_learned_aliases_normalised"),
    )

    op.create_table(
        "dismissed_phrases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("normalised", name="uq_dismissed_phrases_normalised"),
    )


def downgrade() -> None:
    for table in ("dismissed_phrases", "learned_aliases", "feedback", "receipts", "answered_counts", "questions"):
        op.drop_table(table)
