"""Searching the shipped question bank, and importing banks into a draft assessment.

The bank is the JSON files shipped with Viva (``server/seed/bank``); it is read-only at run
time. An import is validated as a whole (every problem listed, nothing stored on any error)
and then stored as a new **draft assessment** of the importing organization, titled
"Imported bank questions <date>", with the dimensions of the first role whose competencies
cover the questions' (one "Overall" dimension of those competencies when no role does).
From there an admin renames it, adjusts it and activates it, or keeps it as a source to
copy from; the bank-only fields (roles, tags, focus, difficulty) go to the audit record.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Assessment, AssessmentStatus
from server.domain.assessments.schemas import AssessmentCreate, DimensionIn
from server.domain.assessments.services import create_assessment
from server.domain.bank.format import BankQuestion, export_json, import_json, to_question_in
from server.domain.bank.schemas import BankProblem, BankQuestionOut, BankQuestionSummary, RoleOut, RolesOut
from server.errors import InvalidInput, NotFound
from server.seed.bank import shipped_bank
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from server.seed.roles import COMPETENCY_NAMES, NEUTRAL_DIMENSIONS, ROLES

__all__ = [
    "MAX_IMPORT",
    "bank",
    "bank_question",
    "dimensions_for",
    "export_bank",
    "import_to_draft",
    "question_out",
    "roles_out",
    "search",
    "summary",
    "validate_import",
]

MAX_IMPORT = 60
_PROBLEM = re.compile(r"^question (?:'(?P<id>[^']*)'|#\d+)(?:, field (?P<field>[^:]+))?: (?P<msg>.*)$", re.S)


def bank() -> tuple[BankQuestion, ...]:
    """The shipped bank, loaded and checked once per process."""
    return shipped_bank()


def bank_question(bank_id: str) -> BankQuestion:
    for q in bank():
        if q.id == bank_id:
            return q
    raise NotFound(f"No bank question with id '{bank_id}'.")


def summary(q: BankQuestion) -> BankQuestionSummary:
    return BankQuestionSummary(
        id=q.id,
        prompt=q.prompt,
        kind=q.kind,
        competency=q.competency,
        roles=list(q.roles),
        tags=list(q.tags),
        focus=list(q.focus),
        difficulty=q.difficulty,
        exemplar_count=len(q.rubric.exemplars),
    )


def question_out(q: BankQuestion) -> BankQuestionOut:
    s = summary(q)
    return BankQuestionOut(
        **msgspec.structs.asdict(s),
        think_time_s=q.think_time_s,
        max_answer_s=q.max_answer_s,
        max_chars=q.max_chars,
        retakes_allowed=q.retakes_allowed,
        levels={str(lv.level): lv.descriptor for lv in q.rubric.levels},
        exemplars=list(q.rubric.exemplars),
        reveals=q.rubric.reveals,
        red_flags=q.rubric.red_flags,
    )


def roles_out() -> RolesOut:
    """Every role with its question count and dimensions, and the blank assessment's dimensions."""
    return RolesOut(
        roles=[
            RoleOut(
                key=r.key,
                title=r.title,
                role=r.role,
                question_count=sum(r.key in q.roles for q in bank()),
                dimensions=msgspec.convert(r.dimensions_body(), list[DimensionIn]),
            )
            for r in ROLES
        ],
        neutral_dimensions=msgspec.convert(list(NEUTRAL_DIMENSIONS), list[DimensionIn]),
    )


def search(
    *,
    q: str | None = None,
    competency: str | None = None,
    kind: str | None = None,
    focus: str | None = None,
    difficulty: str | None = None,
    role: str | None = None,
) -> list[BankQuestion]:
    """Bank questions matching every filter; ``q``'s words must each occur in prompt or tags."""
    words = [w for w in (q or "").lower().split() if w]
    out = []
    for item in bank():
        if competency and item.competency != competency:
            continue
        if kind and item.kind != kind:
            continue
        if focus and focus not in item.focus:
            continue
        if difficulty and item.difficulty != difficulty:
            continue
        if role and role not in item.roles:
            continue
        haystack = " ".join([item.prompt, *item.tags, *(t.replace("-", " ") for t in item.tags)]).lower()
        if all(w in haystack for w in words):
            out.append(item)
    return out


def export_bank() -> str:
    return export_json(bank())


def _problem(index: int, raw: object, error: str) -> BankProblem:
    m = _PROBLEM.match(error)
    qid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    if m is None:
        return BankProblem(index=index, question_id=qid, field=None, message=error)
    return BankProblem(index=index, question_id=m["id"] or qid, field=m["field"], message=m["msg"])


def validate_import(doc: Any) -> list[BankQuestion]:
    """Check every question of an uploaded bank; 422 listing every problem when any is wrong."""
    if isinstance(doc, dict):
        try:  # the envelope (format, version) is checked by the bank's own reader
            import_json(msgspec.json.encode({**doc, "questions": []}))
        except ValueError as exc:
            raise InvalidInput(str(exc), field="format") from None
        doc = doc.get("questions")
    if not isinstance(doc, list):
        raise InvalidInput(
            "A question bank is a JSON object with a 'questions' list (as exported), or a list of questions.",
            field="questions",
        )
    if not doc:
        raise InvalidInput("The file has no questions.", field="questions")
    if len(doc) > MAX_IMPORT:
        raise InvalidInput(
            f"The file has {len(doc)} questions; import at most {MAX_IMPORT} at a time.", field="questions"
        )
    problems: list[BankProblem] = []
    questions: list[BankQuestion] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(doc, start=1):
        try:
            (q,) = import_json(msgspec.json.encode([raw]))
        except ValueError as exc:
            problems.append(_problem(i, raw, str(exc)))
            continue
        if q.id in seen:
            problems.append(
                BankProblem(
                    index=i,
                    question_id=q.id,
                    field="id",
                    message=f"duplicate id (also question #{seen[q.id]}).",
                )
            )
            continue
        seen[q.id] = i
        questions.append(q)
    if problems:
        listed = "; ".join(
            f"#{p.index} {p.question_id or ''} {p.field or ''}: {p.message}".replace("  ", " ")
            for p in problems
        )
        raise InvalidInput(
            f"{len(problems)} of {len(doc)} questions cannot be imported; nothing was imported. {listed}",
            field="questions",
            problems=msgspec.to_builtins(problems),
        )
    return questions


def dimensions_for(questions: list[BankQuestion]) -> tuple[str, list[dict[str, Any]]]:
    """The role title and dimensions an assessment of these bank questions gets."""
    wanted = {q.competency for q in questions}
    for r in ROLES:
        if wanted <= set(r.competencies):
            dims = ML_ENGINEER_ASSESSMENT["dimensions"] if r.key == "ml-engineer" else r.dimensions_body()
            if wanted <= {c["key"] for d in dims for c in d["competencies"]}:
                return r.role, list(dims)
            return r.role, r.dimensions_body()
    keys = sorted(wanted)
    return "Several roles", [
        {
            "name": "Overall",
            "weight": 100,
            "competencies": [{"key": k, "name": COMPETENCY_NAMES.get(k, k), "description": ""} for k in keys],
        }
    ]


async def import_to_draft(
    db: AsyncSession, organization_id: uuid.UUID, questions: list[BankQuestion]
) -> Assessment:
    """Store validated questions as a new draft assessment of the organization."""
    now = datetime.now(UTC)
    role, dimensions = dimensions_for(questions)
    body = {
        "title": f"Imported bank questions {now:%Y-%m-%d %H:%M} UTC",
        "role": role,
        "intro": "",
        "dimensions": dimensions,
        "settings": ML_ENGINEER_ASSESSMENT["settings"],
        "questions": [to_question_in(q) for q in questions],
    }
    assessment = await create_assessment(db, organization_id, msgspec.convert(body, AssessmentCreate))
    assessment.status = AssessmentStatus.DRAFT
    await db.flush()
    return assessment
