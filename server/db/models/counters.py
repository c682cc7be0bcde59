"""The database-maintained counters and change stamps (tables only; see ``server/db/counters.py``)."""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import GUID

__all__ = ["COUNTER_DELTAS", "INVITATION_COUNTS", "LIST_STAMPS", "REVIEW_COUNTS"]

metadata = UUIDAuditBase.metadata

LIST_STAMPS = sa.Table(
    "list_stamps",
    metadata,
    # no foreign key: a trigger may bump the stamp of an organization that a cascade is deleting
    sa.Column("organization_id", GUID(length=16), primary_key=True),
    sa.Column("stamp", sa.BigInteger, nullable=False, server_default="0"),
)

REVIEW_COUNTS = sa.Table(
    "review_counts",
    metadata,
    sa.Column(
        "question_id",
        GUID(length=16),
        sa.ForeignKey("questions.id", ondelete="CASCADE", name="fk_review_counts_question_id_questions"),
        primary_key=True,
    ),
    sa.Column("review_status", sa.String(16), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
)

INVITATION_COUNTS = sa.Table(
    "invitation_counts",
    metadata,
    sa.Column(
        "assessment_id",
        GUID(length=16),
        sa.ForeignKey(
            "assessments.id", ondelete="CASCADE", name="fk_invitation_counts_assessment_id_assessments"
        ),
        primary_key=True,
    ),
    sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
)

# PostgreSQL only (SQLite's triggers update the counters directly): what each statement changed,
# appended by statement-level triggers and applied to the three tables above once per transaction,
# at commit. Rows live only inside the transaction that wrote them (it deletes them before it
# commits), so the committed table is empty. No foreign keys: an append locks no other row.
COUNTER_DELTAS = sa.Table(
    "counter_deltas",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("tx", sa.BigInteger, nullable=False, index=True),  # pg_current_xact_id()
    sa.Column("organization_id", GUID(length=16), nullable=True),  # a stamp to bump
    sa.Column("question_id", GUID(length=16), nullable=True),  # with review_status: a review count
    sa.Column("review_status", sa.String(16), nullable=True),
    sa.Column("assessment_id", GUID(length=16), nullable=True),  # an invitation count
    sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
)
