"""staff accounts: per-organization emails, set-password links, idle sessions

Revision ID: d597df430476
Revises: f5a015f13fc9
Create Date: 2026-12-01 19:05:31.091855
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = 'd597df430476'
down_revision: str | None = 'f5a015f13fc9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERIFIED = sa.text('email_verified_at IS NOT NULL')


def upgrade() -> None:
    op.create_table('account_tokens',
    sa.Column('id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('user_id', advanced_alchemy.types.guid.GUID(length=16), nullable=False),
    sa.Column('purpose', sa.Enum('invite', 'reset', name='ck_accounttokenpurpose', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_by', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
    sa.Column('sa_orm_sentinel', sa.Integer(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.alter_column('password_hash', existing_type=sa.VARCHAR(length=255), nullable=True)
        batch_op.drop_constraint(batch_op.f('uq_users_email'), type_='unique')
        batch_op.create_unique_constraint('uq_users_organization_email', ['organization_id', 'email'])
    # Every account so far was made by an operator (CLI, seed): its address counts as verified.
    op.execute(sa.text('UPDATE users SET email_verified_at = created_at'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('uq_users_verified_email', ['email'], unique=True,
                              sqlite_where=_VERIFIED, postgresql_where=_VERIFIED)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_verified_email', sqlite_where=_VERIFIED, postgresql_where=_VERIFIED)
    op.execute(sa.text('DELETE FROM users WHERE password_hash IS NULL OR email_verified_at IS NULL'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_organization_email', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_users_email'), ['email'])
        batch_op.alter_column('password_hash', existing_type=sa.VARCHAR(length=255), nullable=False)
        batch_op.drop_column('email_verified_at')

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')

    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))
    op.drop_table('account_tokens')
