"""open queue index: current, ready, open answers in submission order (a partial index)

Revision ID: f3c8d1a5e9b2
Revises: e2b7c4d9f1a3
Create Date: 2026-12-02 07:55:00.000000

At 100,000 answers PostgreSQL built the queue's first page by scanning and sorting every open
answer (an external merge sort on disk, ~60 ms a page on an idle machine); with this index it
walks the open answers in order and stops at the page (~18 ms a request end to end).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f3c8d1a5e9b2'
down_revision: str | None = 'e2b7c4d9f1a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("is_current IS true AND state = 'ready' AND review_status IN ('pending', 'partial', 'conflict')")


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(
            'ix_responses_open_queue', ['submitted_at', 'id'], unique=False, postgresql_where=_OPEN, sqlite_where=_OPEN
        )


def downgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_open_queue', postgresql_where=_OPEN, sqlite_where=_OPEN)
