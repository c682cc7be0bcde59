"""transcript gaps and completeness; English verdict and model per answer; English reviews

Revision ID: e876d22f89c2
Revises: 57abe974290a
Create Date: 2026-12-01 19:19:54.727288
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'e876d22f89c2'
down_revision: str | None = '57abe974290a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json_type = (sa.JSON()
                 .with_variant(postgresql.JSONB(astext_type=sa.Text()), 'cockroachdb')
                 .with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle')
                 .with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'))
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gaps', json_type, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('speech_s', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('completeness', sa.Float(), nullable=True))
    with op.batch_alter_table('proficiency_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verdict', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('model_version', sa.String(length=80), nullable=True))
    op.create_table('english_reviews',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('invitation_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('reviewer_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('ai_band', sa.String(length=4), nullable=True),
    sa.Column('ai_verdict', sa.String(length=24), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_english_reviews_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_english_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_english_reviews'))
    )
    with op.batch_alter_table('english_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_english_reviews_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_english_reviews_reviewer_id'), ['reviewer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('english_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_english_reviews_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_english_reviews_invitation_id'))
    op.drop_table('english_reviews')
    with op.batch_alter_table('proficiency_results', schema=None) as batch_op:
        batch_op.drop_column('model_version')
        batch_op.drop_column('verdict')
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.drop_column('completeness')
        batch_op.drop_column('speech_s')
        batch_op.drop_column('gaps')
