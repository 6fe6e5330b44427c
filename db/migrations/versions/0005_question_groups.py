"""Review groups stored: question_groups, questions.group_id; existing questions grouped once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("leader", sa.Text(), nullable=False),
        sa.Column("leader_entry", sa.String(64), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_asked", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_question_groups_rank", "question_groups", ["state", "count", "last_asked"])
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
    op.create_index("ix_questions_group_id", "questions", ["group_id"])
    _group_existing_questions()


def _group_existing_questions() -> None:
    """Group what is already logged, per review state, the way review grouped it until now."""
    from db import grouping  # pure; the same rule the writer applies to new questions

    bind = op.get_bind()
    questions = sa.table("questions", sa.column("id", sa.Integer), sa.column("normalised", sa.Text),
                         sa.column("entry", sa.String), sa.column("state", sa.String),
                         sa.column("asked_at", sa.DateTime), sa.column("group_id", sa.Integer))
    groups = sa.table("question_groups", sa.column("id", sa.Integer), sa.column("state", sa.String),
                      sa.column("leader", sa.Text), sa.column("leader_entry", sa.String),
                      sa.column("count", sa.Integer), sa.column("last_asked", sa.DateTime))
    by_state: dict[str, list] = defaultdict(list)
    for row in bind.execute(sa.select(questions.c.id, questions.c.normalised, questions.c.entry,
                                      questions.c.state, questions.c.asked_at)):
        by_state[row.state].append(row)
    for state, rows in by_state.items():
        by_id = {row.id: row for row in rows}
        for members in grouping.cluster([grouping.Item(r.id, r.normalised, r.entry) for r in rows]):
            texts = Counter(item.normalised for item in members)
            entries = Counter(item.entry for item in members if item.entry)
            group_id = bind.execute(groups.insert().values(
                state=state, leader=grouping.sort_key(texts.most_common(1)[0][0]),
                leader_entry=entries.most_common(1)[0][0] if entries else None, count=len(members),
                last_asked=max(by_id[item.id].asked_at for item in members),
            ).returning(groups.c.id)).scalar_one()
            ids = [item.id for item in members]
            for start in range(0, len(ids), 500):
                bind.execute(questions.update().where(questions.c.id.in_(ids[start:start + 500]))
                             .values(group_id=group_id))


def downgrade() -> None:
    op.drop_index("ix_questions_group_id", table_name="questions")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("group_id")
    op.drop_index("ix_question_groups_rank", table_name="question_groups")
    op.drop_table("question_groups")
