"""organization stage names: what a team calls each candidate stage

Revision ID: 40874a2c9714
Revises: 3b7c9e1d5a24
Create Date: 2026-12-01 23:15:00.323118
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '40874a2c9714'
down_revision: str | None = '3b7c9e1d5a24'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = (sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'cockroachdb')
         .with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle')
         .with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'))


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage_names', _JSON, nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('stage_names')
