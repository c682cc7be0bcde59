"""list counters and change stamps: review_counts, invitation_counts, list_stamps (+ triggers)

Revision ID: c3d18e0a7f21
Revises: 5b7e2c91d4a3
Create Date: 2026-12-02 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from server.db import counters

revision: str = 'c3d18e0a7f21'
down_revision: str | None = '5b7e2c91d4a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'list_stamps',
        sa.Column('organization_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column('stamp', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_list_stamps')),
    )
    op.create_table(
        'review_counts',
        sa.Column('question_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column('review_status', sa.String(length=16), nullable=False),
        sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(
            ['question_id'], ['questions.id'], name='fk_review_counts_question_id_questions', ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('question_id', 'review_status', name=op.f('pk_review_counts')),
    )
    op.create_table(
        'invitation_counts',
        sa.Column('assessment_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(
            ['assessment_id'],
            ['assessments.id'],
            name='fk_invitation_counts_assessment_id_assessments',
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_invitation_counts')),
    )
    conn = op.get_bind()
    counters.recount_sql(conn)  # what is already stored
    counters.install(conn)


def downgrade() -> None:
    counters.uninstall(op.get_bind())
    op.drop_table('invitation_counts')
    op.drop_table('review_counts')
    op.drop_table('list_stamps')
