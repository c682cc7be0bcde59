"""candidate languages: the organization's default language, the language consent was shown in

Revision ID: c3d9a1e7f042
Revises: c3d9a1f0b7e4
Create Date: 2026-12-02 02:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3d9a1e7f042"
down_revision: str | None = "c3d9a1f0b7e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("default_language", sa.String(length=8), server_default="en", nullable=False)
        )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("consent_language")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("default_language")
