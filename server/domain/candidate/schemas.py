"""What a candidate's browser sends and receives."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from server.db.models import QuestionKind
from server.domain.branding.schemas import CandidateBranding, Language

__all__ = [
    "CandidateQuestion",
    "CandidateResponse",
    "CandidateView",
    "ConsentRequest",
    "ConsentTerms",
    "DeviceCheckAnswer",
    "DeviceCheckStatusOut",
    "IceServerOut",
    "SdpOffer",
    "TakeAnswer",
    "TakeLevel",
    "TakeOffer",
    "WrittenAnswer",
]

# The base consent text's version; the clauses that apply are appended (candidate/consent.py).
CONSENT_VERSION = "2026-12-v2"


class ConsentRequest(msgspec.Struct, forbid_unknown_fields=True):
    accept: bool
    # The version the page showed (the view's); null: the current one.
    consent_version: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    language: Annotated[
        Language | None, msgspec.Meta(description="The language the consent text was shown in")
    ] = None


class ConsentTerms(msgspec.Struct):
    """The consent text's clauses that apply to this assessment."""

    english_assessed: Annotated[
        bool, msgspec.Meta(description="The candidate's English is assessed (the assessment sets a level)")
    ]
    example_answers: Annotated[
        bool, msgspec.Meta(description="An answer may become an example answer used to score others")
    ]


class WrittenAnswer(msgspec.Struct, forbid_unknown_fields=True):
    take_id: uuid.UUID
    text: Annotated[str, msgspec.Meta(max_length=20000)]
    submit: bool = False


class CandidateQuestion(msgspec.Struct):
    id: uuid.UUID
    number: Annotated[
        int | None,
        msgspec.Meta(
            description="Q1..Qn among the scored questions, as staff number them; null for practice"
        ),
    ]
    kind: QuestionKind
    is_practice: bool
    think_time_s: int
    max_answer_s: int
    max_chars: int
    retakes_allowed: int
    takes_used: int
    answered: bool
    draft: str | None = None
    prompt: str | None = None  # shown once the candidate begins the question
    time_up: bool = False  # a written answer's time ran out before it was submitted
    think_started_at: datetime | None = None  # the server's clocks, set when begun
    think_ends_at: datetime | None = None
    answer_started_at: datetime | None = None
    answer_ends_at: datetime | None = None  # written answers: the hard limit


class CandidateView(msgspec.Struct):
    candidate_name: str
    assessment_title: str
    role: str
    intro: str
    estimated_minutes: int
    status: str
    consented: bool
    consent_version: str
    consent_terms: ConsentTerms
    expires_at: datetime
    questions: list[CandidateQuestion]
    next_question_id: uuid.UUID | None
    answered_count: int
    scored_question_count: int
    server_now: Annotated[
        datetime,
        msgspec.Meta(description="The server's time when this view was made, to count its clocks down"),
    ]
    organization: CandidateBranding
    english_threshold: Annotated[
        str | None,
        msgspec.Meta(description="The English level the assessment looks for (CEFR), when it sets one"),
    ] = None


class CandidateResponse(msgspec.Struct):
    id: uuid.UUID
    question_id: uuid.UUID
    take: int
    kind: QuestionKind
    text: str | None
    duration_s: float | None
    submitted: bool
    is_partial: bool


Sdp = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=64 * 1024, description="Session description (SDP), ICE candidates included"
    ),
]


class SdpOffer(msgspec.Struct, forbid_unknown_fields=True):
    sdp: Sdp
    type: Annotated[str, msgspec.Meta(max_length=16)] = "offer"


class TakeOffer(msgspec.Struct, forbid_unknown_fields=True):
    question_id: uuid.UUID
    take_id: Annotated[uuid.UUID, msgspec.Meta(description="Chosen by the browser, new per take")]
    sdp: Sdp
    type: Annotated[str, msgspec.Meta(max_length=16)] = "offer"


class TakeAnswer(msgspec.Struct):
    take_id: uuid.UUID
    take: int
    sdp: str
    type: str
    max_seconds: int


class TakeLevel(msgspec.Struct):
    receiving: bool
    level_db: float | None
    seconds: float
    recording: bool


class DeviceCheckAnswer(msgspec.Struct):
    check_id: uuid.UUID
    sdp: str
    type: str


class DeviceCheckStatusOut(msgspec.Struct):
    receiving: bool
    level_db: float | None
    connection: str
    video_frames: int
    width: int | None
    height: int | None


class IceServerOut(msgspec.Struct):
    urls: list[str]
    username: str | None = None
    credential: str | None = None
