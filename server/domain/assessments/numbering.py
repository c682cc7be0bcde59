"""How questions are named on every staff screen, and the order candidates meet them.

Candidates meet the practice questions first, then the scored ones by position
(``candidate_order``). Staff screens (report, review queue and page, agreement, builder) call
the scored questions Q1..Qn in that order; practice questions get no number, because they are
not scored and never appear in a report or a queue. A number is therefore not ``position``
(0-based over every question, practice included).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from server.db.models import Question

__all__ = ["candidate_order", "scored_number_column", "scored_numbers"]


def candidate_order(questions: Iterable[Question]) -> list[Question]:
    """Practice questions first, then the scored ones, each by position."""
    return sorted(questions, key=lambda q: (not q.is_practice, q.position))


def scored_numbers(questions: Iterable[Question]) -> dict[uuid.UUID, int]:
    """question id -> its number (1-based) among the scored questions; practice ones absent."""
    scored = [q for q in candidate_order(questions) if not q.is_practice]
    return {q.id: n for n, q in enumerate(scored, start=1)}


def scored_number_column() -> ColumnElement[int | None]:
    """``scored_numbers`` in SQL, for a query that selects from ``Question`` (correlated): the
    scored questions of its assessment at or before its position; NULL for a practice one."""
    other = aliased(Question)
    before = (
        select(func.count(other.id))
        .where(
            other.assessment_id == Question.assessment_id,
            other.is_practice.is_(False),
            other.position <= Question.position,
        )
        .correlate(Question)
        .scalar_subquery()
    )
    return case((Question.is_practice.is_(True), None), else_=before)
