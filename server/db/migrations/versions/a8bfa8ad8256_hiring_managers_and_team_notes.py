"""hiring managers, assessment members, candidate ratings and notes

Revision ID: a8bfa8ad8256
Revises: 40874a2c9714
Create Date: 2026-12-01 22:50:47.347167
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = 'a8bfa8ad8256'
down_revision: str | None = '40874a2c9714'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assessment_members',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('assessment_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('user_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_members_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assessment_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_members')),
    sa.UniqueConstraint('assessment_id', 'user_id', name='uq_assessment_members_pair')
    )
    with op.batch_alter_table('assessment_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_members_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_members_user_id'), ['user_id'], unique=False)

    op.create_table('candidate_notes',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('invitation_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('author_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_candidate_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_candidate_notes_invitation_id_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_notes'))
    )
    with op.batch_alter_table('candidate_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_notes_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('candidate_ratings',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('invitation_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('user_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_candidate_ratings_rating_range')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_candidate_ratings_invitation_id_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_candidate_ratings_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_ratings')),
    sa.UniqueConstraint('invitation_id', 'user_id', name='uq_candidate_ratings_pair')
    )
    with op.batch_alter_table('candidate_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_ratings_invitation_id'), ['invitation_id'], unique=False)

    # the role's CHECK constraint gains 'hiring_manager'
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('ck_role', type_='check')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(16), type_=sa.Enum('admin', 'reviewer', 'hiring_manager', name='ck_role', native_enum=False, create_constraint=True, length=16), existing_nullable=False)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM users WHERE role = 'hiring_manager'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('ck_role', type_='check')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(16), type_=sa.Enum('admin', 'reviewer', name='ck_role', native_enum=False, create_constraint=True, length=16), existing_nullable=False)
    with op.batch_alter_table('candidate_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_ratings_invitation_id'))
    op.drop_table('candidate_ratings')
    with op.batch_alter_table('candidate_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_notes_invitation_id'))
    op.drop_table('candidate_notes')
    with op.batch_alter_table('assessment_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessment_members_assessment_id'))
    op.drop_table('assessment_members')
