"""Candidate ratings and notes: one rating per person (editable), any number of notes."""

from __future__ import annotations

import uuid
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.staff import Staff
from server.db.models import Assessment, CandidateNote, CandidateRating, Invitation, User
from server.domain.assessments.members import get_visible_invitation
from server.domain.teamwork.schemas import FeedbackOut, NoteIn, NoteOut, RatingIn, RatingOut
from server.errors import Forbidden, InvalidInput, NotFound

__all__ = ["add_note", "delete_note", "feedback", "notes_by_invitation", "rate", "ratings_by_invitation"]

FORMER = "a former team member"


def _person(staff: Staff) -> uuid.UUID:
    if staff.via_token:
        raise Forbidden("Ratings and notes are a person's: sign in to give one.")
    return staff.user_id


def _name(user: User | None) -> str:
    return FORMER if user is None else user.name


def _rating_out(r: CandidateRating, me: uuid.UUID | None) -> RatingOut:
    return RatingOut(
        user_id=r.user_id,
        name=_name(r.user),
        role=None if r.user is None else r.user.role.value,
        rating=r.rating,
        comment=r.comment,
        updated_at=r.updated_at,
        mine=me is not None and r.user_id == me,
    )


async def ratings_by_invitation(
    db: AsyncSession, invitation_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[CandidateRating]]:
    out: dict[uuid.UUID, list[CandidateRating]] = {}
    if not invitation_ids:
        return out
    rows = (
        await db.execute(select(CandidateRating).where(CandidateRating.invitation_id.in_(invitation_ids)))
    ).scalars()
    for r in rows:
        out.setdefault(r.invitation_id, []).append(r)
    return out


def visible_ratings(
    ratings: list[CandidateRating], staff: Staff, blind: bool
) -> tuple[list[CandidateRating], int]:
    """What ``staff`` sees of these ratings: all, or (blind, not yet rated) only their own."""
    me = None if staff.via_token else staff.user_id
    if not blind or staff.is_admin or any(r.user_id == me for r in ratings):
        return ratings, 0
    return [], len(ratings)


async def notes_by_invitation(
    db: AsyncSession, invitation_ids: list[uuid.UUID], me: uuid.UUID | None
) -> dict[uuid.UUID, list[NoteOut]]:
    """The team's notes on each candidate, oldest first (``mine``: written by ``me``)."""
    out: dict[uuid.UUID, list[NoteOut]] = {}
    if not invitation_ids:
        return out
    rows = await db.execute(
        select(CandidateNote)
        .where(CandidateNote.invitation_id.in_(invitation_ids))
        .order_by(CandidateNote.created_at, CandidateNote.id)
    )
    for n in rows.scalars():
        out.setdefault(n.invitation_id, []).append(
            NoteOut(
                id=n.id,
                author_id=n.author_id,
                author_name=_name(n.author),
                body=n.body,
                created_at=n.created_at,
                mine=me is not None and n.author_id == me,
            )
        )
    return out


async def feedback(db: AsyncSession, staff: Staff, inv: Invitation) -> FeedbackOut:
    a = await db.get(Assessment, inv.assessment_id)
    assert a is not None
    blind = a.settings.blind_review
    me = None if staff.via_token else staff.user_id
    ratings = (await ratings_by_invitation(db, [inv.id])).get(inv.id, [])
    shown, withheld = visible_ratings(ratings, staff, blind)
    shown = sorted(shown, key=lambda r: (r.user_id != me, r.updated_at))
    notes = (await notes_by_invitation(db, [inv.id], me)).get(inv.id, [])
    mine = next((r for r in ratings if me is not None and r.user_id == me), None)
    return FeedbackOut(
        invitation_id=inv.id,
        blind=blind,
        my_rating=None if mine is None else _rating_out(mine, me),
        ratings=[_rating_out(r, me) for r in shown],
        others_withheld=withheld,
        mean_rating=round(fmean(r.rating for r in shown), 2) if shown else None,
        notes=notes,
    )


async def rate(db: AsyncSession, staff: Staff, inv: Invitation, data: RatingIn) -> tuple[int | None, int]:
    """Give or change my rating; returns (before, after)."""
    me = _person(staff)
    row = (
        await db.execute(
            select(CandidateRating).where(
                CandidateRating.invitation_id == inv.id, CandidateRating.user_id == me
            )
        )
    ).scalar_one_or_none()
    before = None if row is None else row.rating
    if row is None:
        row = CandidateRating(
            invitation_id=inv.id, user_id=me, rating=data.rating, comment=data.comment.strip()
        )
        db.add(row)
    else:
        row.rating = data.rating
        row.comment = data.comment.strip()
    await db.flush()
    await db.refresh(row)
    return before, row.rating


async def add_note(db: AsyncSession, staff: Staff, inv: Invitation, data: NoteIn) -> CandidateNote:
    body = data.body.strip()
    if not body:
        raise InvalidInput("A note needs some text.")
    note = CandidateNote(invitation_id=inv.id, author_id=_person(staff), body=body)
    db.add(note)
    await db.flush()
    await db.refresh(note)
    return note


async def delete_note(db: AsyncSession, staff: Staff, note_id: uuid.UUID) -> CandidateNote:
    """The author, or an admin, deletes a note."""
    note = await db.get(CandidateNote, note_id)
    if note is None:
        raise NotFound("No such note.")
    await get_visible_invitation(db, staff, note.invitation_id)
    if not staff.is_admin and note.author_id != staff.user_id:
        raise Forbidden("Only the note's author or an admin can delete it.")
    await db.delete(note)
    await db.flush()
    return note
