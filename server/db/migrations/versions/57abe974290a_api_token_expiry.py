"""api token expiry: an optional time after which an organization API token stops working

Revision ID: 57abe974290a
Revises: dc2146b454b2
Create Date: 2026-12-01 20:00:11.896506
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = '57abe974290a'
down_revision: str | None = 'dc2146b454b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
