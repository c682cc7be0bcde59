"""Closed vocabularies stored as short strings."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa

__all__ = [
    "TRANSITIONS",
    "AccountTokenPurpose",
    "ActorKind",
    "ApiTokenScope",
    "AssessmentStatus",
    "CandidateDecision",
    "InvitationStatus",
    "QuestionKind",
    "ResponseState",
    "ReviewDecision",
    "ReviewStatus",
    "Role",
    "str_enum",
]


class Role(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    # sees the candidates and reports of the assessments assigned to them, watches answers,
    # rates candidates and writes notes; changes no assessment or setting (issue 16)
    HIRING_MANAGER = "hiring_manager"


class AccountTokenPurpose(StrEnum):
    INVITE = "invite"  # a new staff member sets their first password
    RESET = "reset"  # a forgotten password


class ApiTokenScope(StrEnum):
    """What an organization API token may do (issue 16)."""

    READ = "read"  # every GET an admin can make
    INVITE = "invite"  # create candidate invitations (one, or a CSV)
    DECIDE = "decide"  # set candidates' decisions (advance, hold, reject; one or in bulk)


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class CandidateDecision(StrEnum):
    """A person's decision on a candidate (issue 16): the last stages of the lifecycle.

    Stored on the invitation with its reason, note, time and author; every change (and
    every reversal) is audited, so the audit log keeps the history.
    """

    ADVANCED = "advanced"
    ON_HOLD = "on_hold"
    REJECTED = "rejected"


class QuestionKind(StrEnum):
    VIDEO = "video"
    WRITTEN = "written"


class InvitationStatus(StrEnum):
    INVITED = "invited"
    STARTED = "started"
    COMPLETED = "completed"
    REVOKED = "revoked"


class ResponseState(StrEnum):
    """Where a response is in processing (review is tracked apart)."""

    UPLOADING = "uploading"  # recorded, waiting in the spool for the object store
    QUEUED = "queued"  # stored, waiting for a worker
    TRANSCRIBING = "transcribing"
    SCORING = "scoring"
    ASSESSING = "assessing"  # English-proficiency signals
    READY = "ready"  # suggestion (or abstention) ready for a human
    FAILED = "failed"  # gave up after retries; the reason is stored


TRANSITIONS: dict[ResponseState, frozenset[ResponseState]] = {
    ResponseState.UPLOADING: frozenset({ResponseState.QUEUED, ResponseState.FAILED}),
    ResponseState.QUEUED: frozenset(
        {ResponseState.TRANSCRIBING, ResponseState.SCORING, ResponseState.FAILED}
    ),
    ResponseState.TRANSCRIBING: frozenset(
        {ResponseState.SCORING, ResponseState.QUEUED, ResponseState.FAILED}
    ),
    ResponseState.SCORING: frozenset({ResponseState.ASSESSING, ResponseState.QUEUED, ResponseState.FAILED}),
    ResponseState.ASSESSING: frozenset({ResponseState.READY, ResponseState.QUEUED, ResponseState.FAILED}),
    ResponseState.READY: frozenset({ResponseState.QUEUED}),  # re-scoring after exemplar edits
    ResponseState.FAILED: frozenset({ResponseState.QUEUED}),  # retried by hand
}


class ReviewStatus(StrEnum):
    PENDING = "pending"
    PARTIAL = "partial"  # some but not all required reviews are in
    CONFLICT = "conflict"  # independent reviewers disagree; needs resolution
    REVIEWED = "reviewed"


class ReviewDecision(StrEnum):
    CONFIRM = "confirm"
    OVERRIDE = "override"
    RESOLVE = "resolve"


class ActorKind(StrEnum):
    STAFF = "staff"
    CANDIDATE = "candidate"
    SYSTEM = "system"


def str_enum(enum: type[StrEnum], length: int = 16) -> sa.Enum:
    """A portable string column (VARCHAR + CHECK) holding ``enum``'s values."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=length,
        create_constraint=True,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=f"ck_{enum.__name__.lower()}",
    )
