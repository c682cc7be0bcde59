"""recording mode 'upload': takes recorded in the browser and uploaded with tus

Revision ID: 5b7e2c91d4a3
Revises: a8bfa8ad8256
Create Date: 2026-12-01 23:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '5b7e2c91d4a3'
down_revision: str | None = 'a8bfa8ad8256'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _values(*values: str) -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('ck_recordingmode', type_='check')
        batch_op.create_check_constraint(
            'ck_recordingmode', "recording_mode IN (" + ", ".join(f"'{v}'" for v in values) + ")"
        )


def upgrade() -> None:
    _values('passthrough', 'decoded', 'upload')


def downgrade() -> None:
    op.execute("UPDATE responses SET recording_mode = NULL WHERE recording_mode = 'upload'")
    _values('passthrough', 'decoded')
