"""api token scopes: read (every token so far), invite

Revision ID: dc2146b454b2
Revises: d597df430476
Create Date: 2026-12-01 19:52:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'dc2146b454b2'
down_revision: str | None = 'd597df430476'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = (sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'cockroachdb')
         .with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle')
         .with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'))


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        # tokens made before scopes existed keep what they could do: read
        batch_op.add_column(sa.Column('scopes', _JSON, nullable=False,
                                      server_default=sa.text("'[\"read\"]'")))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('scopes')
