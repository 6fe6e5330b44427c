"""Handover threads to the staff group, staff-written answers and their change counter.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_threads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("bot_answer", sa.Text(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("user_key", sa.String(64), nullable=True),
        sa.Column("visitor_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_topic_id", sa.BigInteger(), nullable=True),
        sa.Column("header_message_id", sa.BigInteger(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("saved_answer_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_handover_threads_state", "handover_threads", ["state"])
    op.create_index("ix_handover_threads_user_key", "handover_threads", ["user_key"])

    op.create_table(
        "handover_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("handover_threads.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_handover_lines_thread_id", "handover_lines", ["thread_id"])

    op.create_table(
        "message_refs",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("handover_threads.id", ondelete="CASCADE"),
                  nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "message_id"),
    )
    op.create_index("ix_message_refs_thread_id", "message_refs", ["thread_id"])

    op.create_table(
        "staff_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text_fr", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )

    op.create_table(
        "staff_answer_phrasings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("staff_answers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.UniqueConstraint("normalised", name="uq_staff_answer_phrasings_normalised"),
    )

    counters = op.create_table(
        "change_counters",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.bulk_insert(counters, [{"name": "staff_answers", "version": 0}])


def downgrade() -> None:
    for table in ("change_counters", "staff_answer_phrasings", "staff_answers", "message_refs", "handover_lines",
                  "handover_threads"):
        op.drop_table(table)
