"""branding: the hiring team's welcome video (object key, length, version)

Revision ID: c4d9e1f2a7b6
Revises: c3d9a1e7f042
Create Date: 2026-12-02 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c4d9e1f2a7b6'
down_revision: str | None = 'c3d9a1e7f042'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('brandings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('welcome_video_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('welcome_video_seconds', sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column('welcome_video_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('brandings', schema=None) as batch_op:
        batch_op.drop_column('welcome_video_version')
        batch_op.drop_column('welcome_video_seconds')
        batch_op.drop_column('welcome_video_key')
