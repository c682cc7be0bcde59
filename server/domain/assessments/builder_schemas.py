"""Request and response bodies of the assessment builder: structure edits and templates."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from server.db.models import QuestionKind
from server.domain.assessments.schemas import DimensionIn, Key, RubricLevelIn

__all__ = [
    "DimensionsIn",
    "FromBankIn",
    "FromTemplateIn",
    "QuestionPatch",
    "ReorderIn",
    "RubricTextPatch",
    "TemplateOut",
]


class DimensionsIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole dimension structure; competencies are matched to existing ones by ``key``."""

    dimensions: Annotated[list[DimensionIn], msgspec.Meta(min_length=1, max_length=10)]


class RubricTextPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The rubric's words: ``levels`` replaces every level descriptor (a level left out is
    no longer described). Exemplars are changed through the exemplar operations."""

    levels: Annotated[list[RubricLevelIn], msgspec.Meta(max_length=5)] | msgspec.UnsetType = msgspec.UNSET
    reveals: Annotated[str, msgspec.Meta(max_length=4000)] | msgspec.UnsetType = msgspec.UNSET
    red_flags: Annotated[str, msgspec.Meta(max_length=4000)] | msgspec.UnsetType = msgspec.UNSET


class QuestionPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Fields to change; a field left out keeps its value (``competency: null`` clears it)."""

    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)] | msgspec.UnsetType = msgspec.UNSET
    kind: QuestionKind | msgspec.UnsetType = msgspec.UNSET
    competency: Key | msgspec.UnsetType | None = msgspec.UNSET
    think_time_s: Annotated[int, msgspec.Meta(ge=0, le=600)] | msgspec.UnsetType = msgspec.UNSET
    max_answer_s: Annotated[int, msgspec.Meta(ge=10, le=900)] | msgspec.UnsetType = msgspec.UNSET
    max_chars: Annotated[int, msgspec.Meta(ge=50, le=20000)] | msgspec.UnsetType = msgspec.UNSET
    retakes_allowed: Annotated[int, msgspec.Meta(ge=0, le=5)] | msgspec.UnsetType = msgspec.UNSET
    is_practice: bool | msgspec.UnsetType = msgspec.UNSET
    rubric: RubricTextPatch | msgspec.UnsetType = msgspec.UNSET


class ReorderIn(msgspec.Struct, forbid_unknown_fields=True):
    """Every question id of the assessment, once each, in the new order."""

    question_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=200)]


class FromBankIn(msgspec.Struct, forbid_unknown_fields=True):
    """Bank question ids to copy (with rubrics and exemplars), appended in this order."""

    bank_ids: Annotated[list[str], msgspec.Meta(min_length=1, max_length=60)]


class FromTemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    template_id: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class TemplateOut(msgspec.Struct):
    """A ready-made assessment: bank questions chosen for a focus, with tuned weights."""

    id: str
    name: str
    description: str
    role: str  # the role key (server.seed.roles), e.g. "data-engineer"
    focus: str
    weights: dict[str, float]
    bank_ids: list[str]
    question_count: int
    estimated_minutes: int
