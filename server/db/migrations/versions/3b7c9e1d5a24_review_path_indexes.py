"""review path indexes: the queue's filter and order, my reviews, current suggestions, candidate list

Revision ID: 3b7c9e1d5a24
Revises: 8cbd23ead605
Create Date: 2026-12-01 23:25:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '3b7c9e1d5a24'
down_revision: str | None = '8cbd23ead605'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_queue', ['review_status', 'is_current', 'state', 'submitted_at', 'id'], unique=False)
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_reviewer_response', ['reviewer_id', 'response_id'], unique=False)
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_current', ['response_id', 'is_current'], unique=False)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_org_created', ['organization_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_invitations_assessment_created', ['assessment_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_assessment_created')
        batch_op.drop_index('ix_invitations_org_created')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_current')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_reviewer_response')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_queue')
