"""response uncertainty: the current suggestion's interval width on the answer, for the queue

Revision ID: a4e9c2b7d1f6
Revises: f3c8d1a5e9b2
Create Date: 2026-12-03 12:00:00.000000

The review queue's "uncertain first" order sorted every open answer by its suggestion's interval
width (a join and a full sort: ~0.4 s a page at 100,000 answers on PostgreSQL). The width now
sits on the answer (``responses.uncertainty``, kept by triggers on ``suggestions``: see
``server/db/counters.py``), with a partial index of the open queue in that order. Existing
answers are filled in from their current suggestions here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db import counters

revision: str = 'a4e9c2b7d1f6'
down_revision: str | None = 'f3c8d1a5e9b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text(
    "is_current IS true AND state = 'ready' AND review_status IN ('pending', 'partial', 'conflict')"
)
# each answer's current suggestion's interval width; 1e9 without one or when it abstained
_BACKFILL = (
    "UPDATE responses SET uncertainty = COALESCE((SELECT CASE WHEN s.abstained THEN 1e9 "
    "ELSE COALESCE(s.interval_high - s.interval_low, 0.0) END FROM suggestions s "
    "WHERE s.response_id = responses.id AND s.is_current ORDER BY s.created_at DESC LIMIT 1), 1e9)"
)


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN / CREATE INDEX, no batch copy: a copy of ``responses`` would
    # trip the triggers of other tables that name it (SQLite checks them on the rename)
    op.add_column('responses', sa.Column('uncertainty', sa.Float(), server_default=sa.text('1e9'), nullable=False))
    op.execute(_BACKFILL)  # the triggers that keep it come with the environment's counters.install
    op.create_index(
        'ix_responses_open_uncertain',
        'responses',
        [sa.text('uncertainty DESC'), 'submitted_at', 'id'],
        unique=False,
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    )


def downgrade() -> None:
    op.drop_index('ix_responses_open_uncertain', table_name='responses')
    counters.uninstall(op.get_bind())  # SQLite drops the column by copying the table (see upgrade)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('uncertainty')
