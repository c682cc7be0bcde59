"""The question-bank file format: its questions as msgspec Structs, checked, read and written.

A bank file is ``{"format": "viva-question-bank", "version": 1, "questions": [...]}`` (or a bare
list of questions). Every question carries a stable ``id``, its competency, the roles it suits
(``server.seed.roles``), tags, the ML-engineer assessment focuses it suits (``general``,
``mlops``, ``research``, ``fullstack``), a difficulty, timings and a rubric with one descriptor
per level 1-5 and exemplar answers at least at levels 1, 3 and 5.

:func:`to_question_in` turns a bank question into the ``QuestionIn`` payload the admin API
accepts; :func:`export_json` and :func:`import_json` move banks in and out. Bad input raises
``ValueError`` with a message naming the question and the field, for the API to map to 4xx.
The shipped bank files (data) and their loading are in ``server.seed.bank``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

import msgspec

from server.seed.roles import ROLES, get_role

__all__ = [
    "COMPETENCIES",
    "FOCUSES",
    "REQUIRED_EXEMPLAR_LEVELS",
    "ROLE_KEYS",
    "BankExemplar",
    "BankLevel",
    "BankQuestion",
    "BankRubric",
    "export_json",
    "import_json",
    "to_question_in",
    "validate",
]

COMPETENCIES: frozenset[str] = frozenset(c for r in ROLES for c in r.competencies)
ROLE_KEYS: frozenset[str] = frozenset(r.key for r in ROLES)
FOCUSES: frozenset[str] = frozenset({"general", "mlops", "research", "fullstack"})
REQUIRED_EXEMPLAR_LEVELS: tuple[int, ...] = (1, 3, 5)
SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
_FORMAT = "viva-question-bank"
_VERSION = 1
_SLUG = r"^[a-z0-9][a-z0-9-]*$"
_AT = re.compile(r"^(?P<msg>.*) - at `\$(?P<path>[^`]*)`$", re.S)

Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=_SLUG)]
Level = Annotated[int, msgspec.Meta(ge=1, le=5)]


class BankLevel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What an answer at one rubric level does."""

    level: Level
    descriptor: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class BankExemplar(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An example answer written for one rubric level."""

    level: Level
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class BankRubric(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Level descriptors, exemplars, what the question reveals and its red flags."""

    levels: tuple[BankLevel, ...]
    exemplars: Annotated[tuple[BankExemplar, ...], msgspec.Meta(max_length=200)]
    reveals: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    red_flags: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class BankQuestion(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One bank question: the ``QuestionIn`` fields plus bank-only metadata.

    Bank-only fields: ``id`` (a stable slug), ``roles``, ``tags``, ``focus`` and ``difficulty``.
    """

    id: Slug
    prompt: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    kind: Literal["video", "written"]
    competency: str
    roles: tuple[Slug, ...] = ("ml-engineer",)
    tags: tuple[Slug, ...] = ()
    focus: tuple[str, ...] = ("general",)
    difficulty: Literal["mid", "senior"] = "mid"
    think_time_s: Annotated[int, msgspec.Meta(ge=0, le=600)] = 30
    max_answer_s: Annotated[int, msgspec.Meta(ge=10, le=900)] = 180
    max_chars: Annotated[int, msgspec.Meta(ge=50, le=20000)] = 4000
    retakes_allowed: Annotated[int, msgspec.Meta(ge=0, le=5)] = 1
    rubric: BankRubric

    def exemplars_at(self, level: int) -> tuple[str, ...]:
        """The exemplar texts written for one level."""
        return tuple(e.text for e in self.rubric.exemplars if e.level == level)


_BANK_ONLY = ("id", "roles", "tags", "focus", "difficulty")


def _name(raw: object, index: int) -> str:
    qid = raw.get("id") if isinstance(raw, dict) else None
    return f"question {qid!r}" if isinstance(qid, str) and qid else f"question #{index + 1}"


def _convert(raw: object, index: int) -> BankQuestion:
    try:
        return msgspec.convert(raw, BankQuestion)
    except msgspec.ValidationError as exc:
        text = str(exc)
        m = _AT.match(text)
        if m is None:
            raise ValueError(f"{_name(raw, index)}: {text}") from None
        field = m["path"].lstrip(".") or "(the question itself)"
        raise ValueError(f"{_name(raw, index)}, field {field}: {m['msg']}") from None


def _check(q: BankQuestion) -> None:
    """Checks that span fields; raise ``ValueError`` naming the question and field."""
    where = f"question {q.id!r}"
    if q.competency not in COMPETENCIES:
        raise ValueError(
            f"{where}, field competency: unknown competency {q.competency!r}; "
            f"expected one of {', '.join(sorted(COMPETENCIES))}."
        )
    if not q.roles:
        raise ValueError(f"{where}, field roles: give at least one of {', '.join(sorted(ROLE_KEYS))}.")
    unknown_roles = sorted(set(q.roles) - ROLE_KEYS)
    if unknown_roles:
        raise ValueError(
            f"{where}, field roles: unknown role {', '.join(map(repr, unknown_roles))}; "
            f"expected among {', '.join(sorted(ROLE_KEYS))}."
        )
    misfits = [r for r in q.roles if q.competency not in get_role(r).competencies]
    if misfits and q.competency in COMPETENCIES:
        raise ValueError(
            f"{where}, field roles: competency {q.competency!r} is not assessed for "
            f"{', '.join(map(repr, misfits))}; list only roles whose assessments include it."
        )
    if not q.focus:
        raise ValueError(f"{where}, field focus: give at least one of {', '.join(sorted(FOCUSES))}.")
    unknown = sorted(set(q.focus) - FOCUSES)
    if unknown:
        raise ValueError(
            f"{where}, field focus: unknown focus {', '.join(map(repr, unknown))}; "
            f"expected among {', '.join(sorted(FOCUSES))}."
        )
    if len(set(q.tags)) != len(q.tags):
        raise ValueError(f"{where}, field tags: a tag is listed twice.")
    described = [lv.level for lv in q.rubric.levels]
    for lv in SCALE:
        n = described.count(lv)
        if n != 1:
            problem = "is not described" if n == 0 else f"is described {n} times"
            raise ValueError(f"{where}, field rubric.levels: level {lv} {problem}; describe 1-5 once each.")
    have = {e.level for e in q.rubric.exemplars}
    for lv in REQUIRED_EXEMPLAR_LEVELS:
        if lv not in have:
            raise ValueError(
                f"{where}, field rubric.exemplars: no exemplar at level {lv}; "
                f"every question needs exemplars at levels {', '.join(map(str, REQUIRED_EXEMPLAR_LEVELS))}."
            )
    texts = [e.text.strip() for e in q.rubric.exemplars]
    if len(set(texts)) != len(texts):
        raise ValueError(f"{where}, field rubric.exemplars: the same exemplar text appears twice.")


def validate(raws: Sequence[object]) -> list[BankQuestion]:
    """Convert and check raw questions (ids unique across them); ``ValueError`` names the first bad one."""
    questions = [_convert(raw, i) for i, raw in enumerate(raws)]
    first: dict[str, int] = {}
    for i, q in enumerate(questions):
        if q.id in first:
            raise ValueError(
                f"question {q.id!r}, field id: duplicate id (questions #{first[q.id] + 1} and #{i + 1})."
            )
        first[q.id] = i
        _check(q)
    return questions


def import_json(text: str | bytes) -> list[BankQuestion]:
    """Parse and validate a bank exported by :func:`export_json` (or a bare list of questions).

    Raises:
        ValueError: The text is not JSON, or a question is invalid (the message names it).
    """
    try:
        doc: Any = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise ValueError(f"The question bank is not valid JSON: {exc}") from None
    if isinstance(doc, dict):
        if doc.get("format", _FORMAT) != _FORMAT:
            raise ValueError(f"Not a question bank: format is {doc.get('format')!r}, expected {_FORMAT!r}.")
        if doc.get("version", _VERSION) != _VERSION:
            raise ValueError(
                f"Unsupported question bank version {doc.get('version')!r}; expected {_VERSION}."
            )
        doc = doc.get("questions")
    if not isinstance(doc, list):
        raise ValueError("A question bank is a JSON object with a 'questions' list, or a list of questions.")
    return validate(doc)


def export_json(questions: Iterable[BankQuestion]) -> str:
    """Serialise questions as an indented JSON bank that :func:`import_json` reads back."""
    doc = {"format": _FORMAT, "version": _VERSION, "questions": list(questions)}
    return msgspec.json.format(msgspec.json.encode(doc), indent=2).decode() + "\n"


def to_question_in(q: BankQuestion) -> dict[str, Any]:
    """The ``QuestionIn`` payload for a bank question (bank-only fields dropped)."""
    payload: dict[str, Any] = msgspec.to_builtins(q)
    for key in _BANK_ONLY:
        payload.pop(key, None)
    payload["is_practice"] = False
    return payload
