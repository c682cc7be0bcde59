"""question clocks: server-side think and answer start per question

Revision ID: d7071291d3f3
Revises: ffe594561ad4
Create Date: 2026-12-01 19:04:16.636966
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "d7071291d3f3"
down_revision: str | None = "ffe594561ad4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_clocks",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("attempt_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("question_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "think_started_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "answer_started_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_question_clocks_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_clocks_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_clocks")),
        sa.UniqueConstraint("attempt_id", "question_id", name=op.f("uq_question_clocks_attempt_id")),
    )
    with op.batch_alter_table("question_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_clocks_attempt_id"), ["attempt_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_question_clocks_question_id"), ["question_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_clocks_question_id"))
        batch_op.drop_index(batch_op.f("ix_question_clocks_attempt_id"))
    op.drop_table("question_clocks")
