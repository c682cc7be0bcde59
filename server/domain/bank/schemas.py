"""Response bodies of the question bank API."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from server.seed.bank import BankExemplar

__all__ = ["BankImportOut", "BankPage", "BankProblem", "BankQuestionOut", "BankQuestionSummary"]


class BankQuestionSummary(msgspec.Struct):
    """One bank question in a search result."""

    id: str
    prompt: str
    kind: str
    competency: str
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
