"""Every table of Viva, multi-tenant by organization."""

from __future__ import annotations

from advanced_alchemy.base import UUIDAuditBase

from server.db.models.assessment import (
    Assessment,
    Competency,
    Dimension,
    Exemplar,
    Question,
    Rubric,
    RubricLevel,
)
from server.db.models.branding import Branding
from server.db.models.candidate import (
    OPEN_QUEUE,
    OPEN_STATUSES,
    UNSCORED,
    Attempt,
    Invitation,
    QuestionClock,
    Response,
    open_queue,
)
from server.db.models.counters import COUNTER_DELTAS, INVITATION_COUNTS, LIST_STAMPS, REVIEW_COUNTS
from server.db.models.enums import (
    TRANSITIONS,
    AccountTokenPurpose,
    ActorKind,
    ApiTokenScope,
    AssessmentStatus,
    CandidateDecision,
    InvitationStatus,
    QuestionKind,
    ResponseState,
    ReviewDecision,
    ReviewStatus,
    Role,
)
from server.db.models.integrations import ApiToken, Webhook, WebhookDelivery
from server.db.models.organization import AccountToken, AuditEvent, Organization, StaffSession, User
from server.db.models.privacy import (
    CandidateDemographics,
    DecisionEmail,
    EmailTemplate,
    InvitationEmail,
    InvitationReminder,
)
from server.db.models.results import EnglishReview, ProficiencyResult, Review, Suggestion, Transcript
from server.db.models.security import LoginThrottle
from server.db.models.sharing import ShareLink
from server.db.models.teamwork import AssessmentMember, CandidateNote, CandidateRating

metadata = UUIDAuditBase.metadata

__all__ = [
    "COUNTER_DELTAS",
    "INVITATION_COUNTS",
    "LIST_STAMPS",
    "OPEN_QUEUE",
    "OPEN_STATUSES",
    "REVIEW_COUNTS",
    "TRANSITIONS",
    "UNSCORED",
    "AccountToken",
    "AccountTokenPurpose",
    "ActorKind",
    "ApiToken",
    "ApiTokenScope",
    "Assessment",
    "AssessmentMember",
    "AssessmentStatus",
    "Attempt",
    "AuditEvent",
    "Branding",
    "CandidateDecision",
    "CandidateDemographics",
    "CandidateNote",
    "CandidateRating",
    "Competency",
    "DecisionEmail",
    "Dimension",
    "EmailTemplate",
    "EnglishReview",
    "Exemplar",
    "Invitation",
    "InvitationEmail",
    "InvitationReminder",
    "InvitationStatus",
    "LoginThrottle",
    "Organization",
    "ProficiencyResult",
    "Question",
    "QuestionClock",
    "QuestionKind",
    "Response",
    "ResponseState",
    "Review",
    "ReviewDecision",
    "ReviewStatus",
    "Role",
    "Rubric",
    "RubricLevel",
    "ShareLink",
    "StaffSession",
    "Suggestion",
    "Transcript",
    "User",
    "Webhook",
    "WebhookDelivery",
    "metadata",
    "open_queue",
]
