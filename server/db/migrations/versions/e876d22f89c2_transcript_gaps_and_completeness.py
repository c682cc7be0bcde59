"""transcript gaps and completeness: speech no word covers, and the share covered

Revision ID: e876d22f89c2
Revises: e57a2d4a0c7b
Create Date: 2026-12-01 19:19:54.727288
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'e876d22f89c2'
down_revision: str | None = 'e57a2d4a0c7b'
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


def downgrade() -> None:
    with op.batch_alter_table('transcripts', schema=None) as batch_op:
        batch_op.drop_column('completeness')
        batch_op.drop_column('speech_s')
        batch_op.drop_column('gaps')
