"""Response bodies of the question bank API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from server.domain.assessments.schemas import DimensionIn
from server.domain.bank.format import BankExemplar

__all__ = [
    "BankImportOut",
    "BankPage",
    "BankProblem",
    "BankQuestionOut",
    "BankQuestionSummary",
    "RoleOut",
    "RolesOut",
    "SimilarBankQuestion",
    "SimilarIn",
]


class BankQuestionSummary(msgspec.Struct):
    """One bank question in a search result."""

    id: str
    prompt: str
    kind: str
    competency: str
    roles: list[str]
    tags: list[str]
    focus: list[str]
    difficulty: str
    exemplar_count: int


class BankQuestionOut(BankQuestionSummary):
    """A bank question with its timings and whole rubric."""

    think_time_s: int
    max_answer_s: int
    max_chars: int
    retakes_allowed: int
    levels: dict[str, str]
    exemplars: list[BankExemplar]
    reveals: str
    red_flags: str


CompetencyKey = Annotated[str, msgspec.Meta(max_length=60)]


class SimilarIn(msgspec.Struct, forbid_unknown_fields=True):
    """A question being written, to find the bank questions nearest to it in meaning."""

    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    limit: Annotated[int, msgspec.Meta(ge=1, le=10)] = 3
    competencies: Annotated[list[CompetencyKey], msgspec.Meta(max_length=50)] = []
    """The assessment's competency keys: only bank questions for these are offered (all
    questions when none of the bank's match)."""


class SimilarBankQuestion(msgspec.Struct):
    """A bank question near the one being written; ``similarity`` is a cosine in [-1, 1]."""

    similarity: float
    question: BankQuestionOut


class RoleOut(msgspec.Struct):
    """A role the bank is written for, with the dimensions its template builds."""

    key: str
    title: str
    role: str
    question_count: int
    dimensions: list[DimensionIn]


class RolesOut(msgspec.Struct):
    """The bank's roles, and the role-neutral dimensions a blank assessment starts with."""

    roles: list[RoleOut]
    neutral_dimensions: list[DimensionIn]


class BankPage(msgspec.Struct):
    total: int
    items: list[BankQuestionSummary]


class BankProblem(msgspec.Struct):
    """One thing wrong with an imported question (``index`` counts from 1)."""

    index: int
    question_id: str | None
    field: str | None
    message: str


class BankImportOut(msgspec.Struct):
    """What an import did: the draft assessment holding the questions (none on a dry run)."""

    question_count: int
    bank_ids: list[str]
    dry_run: bool
    assessment_id: uuid.UUID | None = None
    assessment_title: str | None = None
    imported_at: datetime | None = None
