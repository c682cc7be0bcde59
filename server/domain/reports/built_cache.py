"""Each candidate's built scores (``services._build``) for the cohort views (shortlist, compare),
kept per process and reused while nothing they come from has changed.

A candidate's entry is checked on every request against a fingerprint of the rows it was built
from, read in four grouped queries for the whole assessment (no row is loaded): per invitation
the number and the latest ``updated_at`` of its answers (current ones counted apart), their
suggestions, reviews and English results. A new, changed (rescored, recalibrated, reviewed) or
deleted row changes the fingerprint, so the candidate is loaded and built again; so does any
change to the assessment's questions, rubric scales, dimensions or interval level (part of the
key), or who is looking (blind review hides unconfirmed scores). Only stale candidates are
loaded, in one batch. Notes (reviewer names) are not part of what these views show, and the
single-candidate report never uses this cache.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.db.models import (
    Assessment,
    Attempt,
    Invitation,
    ProficiencyResult,
    Response,
    Review,
    Suggestion,
)

__all__ = ["MAX_ENTRIES", "built_scores", "clear"]

A = TypeVar("A")  # one candidate's answers, as the loader returns them
B = TypeVar("B")  # one candidate's built scores

MAX_ENTRIES = 50_000  # candidates kept (least recently used first out)
_BATCH = 900  # invitations per IN (...) when loading stale candidates

_cache: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = OrderedDict()


def clear() -> None:
    _cache.clear()


def _assessment_key(a: Assessment, hide: bool) -> tuple[Any, ...]:
    """Everything of the assessment a candidate's built scores depend on."""
    return (
        a.id,
        hide,
        a.settings.interval_level,
        a.settings.english_threshold,
        tuple(
            (
                q.id,
                q.position,
                q.is_practice,
                q.competency_id,
                q.competency.name if q.competency else None,
                q.prompt,
                (q.rubric.scale_min, q.rubric.scale_max) if q.rubric else None,
            )
            for q in a.questions
        ),
        tuple((d.id, d.name, d.weight, tuple((c.id, c.name) for c in d.competencies)) for d in a.dimensions),
    )


async def _fingerprints(db: AsyncSession, where: ColumnElement[bool]) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Invitation -> fingerprint, for invitations with at least one current answer."""
    current = func.coalesce(func.sum(case((Response.is_current.is_(True), 1), else_=0)), 0)
    base = (
        select(Attempt.invitation_id, func.count(Response.id), current, func.max(Response.updated_at))
        .select_from(Response)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Invitation, Invitation.id == Attempt.invitation_id)
        .where(where)
        .group_by(Attempt.invitation_id)
    )
    out: dict[uuid.UUID, list[Any]] = {
        inv: [n, cur, last] for inv, n, cur, last in (await db.execute(base)).all() if cur
    }
    for model in (Suggestion, Review, ProficiencyResult):
        stmt = (
            select(Attempt.invitation_id, func.count(model.id), func.max(model.updated_at))
            .select_from(model)
            .join(Response, Response.id == model.response_id)
            .join(Attempt, Attempt.id == Response.attempt_id)
            .join(Invitation, Invitation.id == Attempt.invitation_id)
            .where(where)
            .group_by(Attempt.invitation_id)
        )
        seen = set()
        for inv, n, last in (await db.execute(stmt)).all():
            if inv in out:
                out[inv] += [n, last]
                seen.add(inv)
        for inv in out.keys() - seen:
            out[inv] += [0, None]
    return {inv: tuple(fp) for inv, fp in out.items()}


async def built_scores(
    db: AsyncSession,
    a: Assessment,
    where: ColumnElement[bool],
    hide: bool,
    load: Callable[[AsyncSession, ColumnElement[bool]], Awaitable[Mapping[uuid.UUID, A]]],
    build: Callable[[Assessment, A | None, bool], B],
) -> dict[uuid.UUID, B]:
    """Built scores of every invitation matching ``where`` (of assessment ``a``) that has at
    least one current answer: from the cache where still valid, the rest loaded in batches with
    ``load`` (answers by invitation) and built with ``build`` (``services._answers``/``_build``)."""
    akey = _assessment_key(a, hide)
    fps = await _fingerprints(db, where)
    out: dict[uuid.UUID, B] = {}
    stale: list[uuid.UUID] = []
    for inv, fp in fps.items():
        hit = _cache.get((akey, inv))
        if hit is not None and hit[0] == fp:
            _cache.move_to_end((akey, inv))
            out[inv] = hit[1]  # stored by this function as a B
        else:
            stale.append(inv)
    # mostly stale (the first request after a start): one load of the whole cohort; else batches
    chunks = (
        [stale]
        if len(stale) * 2 > len(fps)
        else [stale[i : i + _BATCH] for i in range(0, len(stale), _BATCH)]
    )
    for chunk in chunks:
        answers = await load(db, where if chunk is stale else Invitation.id.in_(chunk))
        for inv in chunk:
            built = build(a, answers.get(inv), hide)
            _cache[(akey, inv)] = (fps[inv], built)
            out[inv] = built
    while len(_cache) > MAX_ENTRIES:
        _cache.popitem(last=False)
    return {inv: out[inv] for inv in fps}
