"""Bodies of the candidate rating and note endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

__all__ = ["FeedbackOut", "NoteIn", "NoteOut", "RatingIn", "RatingOut"]


class RatingIn(msgspec.Struct, forbid_unknown_fields=True):
    """My rating of the candidate: 1 (no) .. 5 (strong yes), with an optional comment."""

    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class RatingOut(msgspec.Struct):
    user_id: uuid.UUID | None
    name: str  # the rater's name, or "a former team member" once the account is gone
    role: str | None
    rating: int
    comment: str
    updated_at: datetime
    mine: bool


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]


class NoteOut(msgspec.Struct):
    id: uuid.UUID
    author_id: uuid.UUID | None
    author_name: str
    body: str
    created_at: datetime
    mine: bool


class FeedbackOut(msgspec.Struct):
    """The team's ratings and notes on one candidate, as the caller may see them.

    With blind review on, ``ratings`` holds only my own until I have rated
    (``others_withheld``: how many ratings of others are hidden); admins see all.
    """

    invitation_id: uuid.UUID
    blind: bool
    my_rating: RatingOut | None
    ratings: list[RatingOut]
    others_withheld: int
    mean_rating: float | None  # over the ratings shown
    notes: list[NoteOut]
