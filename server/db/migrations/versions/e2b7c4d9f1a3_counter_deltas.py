"""counter deltas: the list counters' triggers aggregate per statement and apply once per transaction

Revision ID: e2b7c4d9f1a3
Revises: c4d9e1f2a7b6
Create Date: 2026-12-02 07:10:00.000000

On PostgreSQL the counters were kept by deferred row triggers, each updating the same few counter
rows at commit: quadratic in the rows of one transaction (a 100k-answer seed sat in COMMIT for
more than 19 minutes). Statement-level triggers now append what each statement changed to
``counter_deltas`` and one deferred trigger applies the transaction's deltas at commit
(``server/db/counters.py``). The migration environment reinstalls the triggers after this runs
(and the per-row ones after a downgrade: ``counters.install`` picks by this table).
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

from server.db import counters

revision: str = 'e2b7c4d9f1a3'
down_revision: str | None = 'c4d9e1f2a7b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'counter_deltas',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('tx', sa.BigInteger(), nullable=False),
        sa.Column('organization_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column('question_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column('review_status', sa.String(length=16), nullable=True),
        sa.Column('assessment_id', advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column('n', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_deltas')),
    )
    with op.batch_alter_table('counter_deltas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_deltas_tx'), ['tx'], unique=False)
    counters.install(op.get_bind())


def downgrade() -> None:
    counters.uninstall(op.get_bind())
    with op.batch_alter_table('counter_deltas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_deltas_tx'))
    op.drop_table('counter_deltas')
    counters.install(op.get_bind())  # the per-row triggers, without this table
