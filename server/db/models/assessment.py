"""Assessments and what they are built from: dimensions, competencies, questions, rubrics."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db.documents import AssessmentSettings, StructJson
from server.db.models.enums import AssessmentStatus, QuestionKind, str_enum

__all__ = ["Assessment", "Competency", "Dimension", "Exemplar", "Question", "Rubric", "RubricLevel"]


class Assessment(UUIDAuditBase):
    """One interview a candidate takes: its structure, questions and review settings."""

    __tablename__ = "assessments"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200))
    intro: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus), default=AssessmentStatus.ACTIVE
    )
    settings: Mapped[AssessmentSettings] = mapped_column(
        StructJson(AssessmentSettings), default=lambda: AssessmentSettings()
    )

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Dimension.position",
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Question.position",
    )


class Dimension(UUIDAuditBase):
    """A weighted part of the overall score (e.g. Technical 45%)."""

    __tablename__ = "dimensions"
    __table_args__ = (sa.CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),)

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    weight: Mapped[float] = mapped_column(sa.Float)
    position: Mapped[int] = mapped_column(default=0)

    assessment: Mapped[Assessment] = relationship(back_populates="dimensions")
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="dimension",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Competency.position",
    )


class Competency(UUIDAuditBase):
    """What a question measures, within one dimension (e.g. MLOps within Technical)."""

    __tablename__ = "competencies"

    dimension_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("dimensions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    dimension: Mapped[Dimension] = relationship(back_populates="competencies")


class Question(UUIDAuditBase):
    """One prompt of an assessment, answered on video or in writing."""

    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint("think_time_s >= 0", name="think_time_nonneg"),
        sa.CheckConstraint("max_answer_s > 0", name="max_answer_pos"),
        sa.CheckConstraint("retakes_allowed >= 0", name="retakes_nonneg"),
    )

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    competency_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("competencies.id", ondelete="SET NULL"), index=True, default=None
    )
    prompt: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    think_time_s: Mapped[int] = mapped_column(default=30)
    max_answer_s: Mapped[int] = mapped_column(default=180)
    max_chars: Mapped[int] = mapped_column(default=4000)
    retakes_allowed: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    is_practice: Mapped[bool] = mapped_column(default=False)

    assessment: Mapped[Assessment] = relationship(back_populates="questions")
    competency: Mapped[Competency | None] = relationship(lazy="selectin")
    rubric: Mapped[Rubric | None] = relationship(
        back_populates="question", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )


class Rubric(UUIDAuditBase):
    """How answers to one question are judged: level descriptors and exemplar answers."""

    __tablename__ = "rubrics"

    question_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), unique=True
    )
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    reveals: Mapped[str] = mapped_column(sa.Text, default="")
    red_flags: Mapped[str] = mapped_column(sa.Text, default="")

    question: Mapped[Question] = relationship(back_populates="rubric")
    levels: Mapped[list[RubricLevel]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan", lazy="selectin", order_by="RubricLevel.level"
    )
    exemplars: Mapped[list[Exemplar]] = relationship(
        back_populates="rubric",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="(Exemplar.level, Exemplar.created_at)",
    )


class RubricLevel(UUIDAuditBase):
    """What an answer at one level (1-5) looks like."""

    __tablename__ = "rubric_levels"
    __table_args__ = (sa.UniqueConstraint("rubric_id", "level"),)

    rubric_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("rubrics.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    descriptor: Mapped[str] = mapped_column(sa.Text)

    rubric: Mapped[Rubric] = relationship(back_populates="levels")


class Exemplar(UUIDAuditBase):
    """An example answer at a rubric level, written or promoted from a real answer."""

    __tablename__ = "exemplars"

    rubric_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("rubrics.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    source_response_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL"), default=None
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

    rubric: Mapped[Rubric] = relationship(back_populates="exemplars")
