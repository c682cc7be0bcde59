"""candidate decisions: advanced / on hold / rejected, with reason, note, time and author

Revision ID: 0028bfa4f3dd
Revises: e876d22f89c2
Create Date: 2026-12-01 22:31:08.182955
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '0028bfa4f3dd'
down_revision: str | None = 'e876d22f89c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.Enum('advanced', 'on_hold', 'rejected', name='ck_candidatedecision', native_enum=False, create_constraint=True, length=16), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_by_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_invitations_decision'), ['decision'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invitations_decided_by_id_users'), 'users', ['decided_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitations_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitations_decision'))
        batch_op.drop_constraint('ck_candidatedecision', type_='check')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decision')
