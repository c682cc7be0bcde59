"""response recording mode

Revision ID: ffe594561ad4
Revises: e57a2d4a0c7b
Create Date: 2026-12-01 19:18:37.079122
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ffe594561ad4'
down_revision: str | None = 'e57a2d4a0c7b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recording_mode', sa.Enum(
            'passthrough', 'decoded', name='ck_recordingmode', native_enum=False,
            create_constraint=True, length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('ck_recordingmode', type_='check')
        batch_op.drop_column('recording_mode')
