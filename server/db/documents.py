"""The JSON documents stored in columns, as msgspec Structs, and the column type that keeps them.

Each document has one shape, written and read through its Struct by :class:`StructJson`: a
reader gets a typed value (never a ``dict`` to re-declare), the API serves the same Struct, so
the OpenAPI schema (and the frontend's generated types) carry it. Stored documents written by
older versions stay readable as long as a field added later comes with a default (the API
then marks it optional); unknown keys are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import msgspec
from advanced_alchemy.types import JsonB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = [
    "CEFR",
    "AssessmentSettings",
    "DoubtfulWord",
    "EvidenceLevel",
    "EvidenceNearest",
    "EvidenceSentence",
    "ModelVersions",
    "ProficiencySignal",
    "StructJson",
    "SuggestionEvidence",
    "TranscriptGap",
    "TranscriptReliability",
    "TranscriptSegment",
    "TranscriptWord",
]

T = TypeVar("T")

CEFR = Annotated[str, msgspec.Meta(pattern=r"^(A1|A2|B1|B2|C1|C2)$")]
ModelVersions = dict[str, str]  # component -> model name and version, e.g. {"encoder": "..."}


class AssessmentSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How an assessment is reviewed; the defaults here are the only defaults.

    ``english_threshold`` is the CEFR level a candidate should reach; ``interval_level`` the
    coverage of the suggested score's interval (and of the English band's).
    """

    blind_review: bool = False
    reviews_per_response: Annotated[int, msgspec.Meta(ge=1, le=3)] = 1
    english_threshold: CEFR = "B2"
    interval_level: Annotated[float, msgspec.Meta(ge=0.5, le=0.99)] = 0.8
    focus: Annotated[str, msgspec.Meta(max_length=60)] = "general"
    # Automatic reminder emails (sent only when the server has email): to candidates who have
    # not started ``remind_not_started_days`` after the invitation, and to those not finished
    # ``remind_before_expiry_days`` before their link expires (0 turns a rule off).
    reminders: bool = True
    remind_not_started_days: Annotated[int, msgspec.Meta(ge=0, le=90)] = 3
    remind_before_expiry_days: Annotated[int, msgspec.Meta(ge=0, le=90)] = 2


class TranscriptWord(msgspec.Struct, frozen=True):
    """One recognised word with its time in the recording (seconds) and the recogniser's confidence."""

    start: float
    end: float
    word: str
    probability: float


class TranscriptSegment(msgspec.Struct, frozen=True):
    """A stretch of speech as the recogniser returned it."""

    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    words: tuple[TranscriptWord, ...]


class TranscriptGap(msgspec.Struct, frozen=True):
    """Speech (voice activity detection) that no transcript word covers: the reviewer must listen.

    ``reason`` is a key of ``scoring.transcript.GAP_REASONS`` (``no_words``,
    ``doubtful_decode``, ``repetition``).
    """

    start: float
    end: float
    reason: str


class ProficiencySignal(msgspec.Struct, frozen=True):
    """One English signal with the range the band mapping places at B2 (None: descriptive only)."""

    name: str
    value: float | None
    unit: str
    typical_low: float | None
    typical_high: float | None
    description: str


class EvidenceNearest(msgspec.Struct, frozen=True):
    """An exemplar or confirmed answer close to the scored answer."""

    text: str
    similarity: float
    source: str  # "exemplar" or "scored_example"


class EvidenceSentence(msgspec.Struct, frozen=True):
    """A sentence of the answer (character offsets) and what it matched best at a level."""

    text: str
    start: int
    end: int
    similarity: float
    matched: str


class EvidenceLevel(msgspec.Struct, frozen=True):
    """Why a level is (un)likely: its nearest texts and the answer sentences that matched."""

    level: int
    label: str
    descriptor: str
    probability: float
    nearest: tuple[EvidenceNearest, ...]
    sentences: tuple[EvidenceSentence, ...]


class DoubtfulWord(msgspec.Struct, frozen=True):
    """A transcript word the recogniser gave less than even odds: hear it at ``start``-``end`` s."""

    word: str
    probability: float
    start: float
    end: float


class TranscriptReliability(msgspec.Struct, frozen=True):
    """How far the transcript a suggestion was scored on can be trusted (``scoring.reliability``).

    ``band`` is ``high``, ``medium`` or ``low``; intervals are calibrated per band, so a
    doubtful transcript gets a wider one. ``doubtful_words`` are the words to listen to.
    """

    band: str
    mean_word_probability: float | None
    completeness: float | None
    words_per_second: float | None
    doubtful_words: tuple[DoubtfulWord, ...] = ()


class SuggestionEvidence(msgspec.Struct, frozen=True):
    """What explains a suggestion to a reviewer (``scoring.suggestion.Evidence`` plus its context)."""

    levels: tuple[EvidenceLevel, ...]
    reference_similarity: float | None
    reference_coverage: float | None
    max_similarity: float | None
    n_exemplars: int
    n_scored_examples: int
    example_share: float
    interval_method: str
    n_calibration: int
    spread: float | None  # the model's standard deviation (calibration input)
    regime: str
    rounded_level: int | None  # the most probable level: what a confirm takes
    abstain_code: str | None  # scoring.suggestion.AbstainReason value
    scale: tuple[int, ...] | None  # (low, high) of the rubric when it was scored
    # "graded" (exemplars at several levels) or "references": the prior calibration's group
    exemplar_kind: str = ""
    # the transcript's reliability when the answer was spoken (None: written, or scored before)
    reliability: TranscriptReliability | None = None


class StructJson(TypeDecorator[T], Generic[T]):
    """A JSON column written and read through a msgspec type (a Struct, or a list of them)."""

    impl = JsonB
    cache_ok = True

    def __init__(self, kind: type[T] | Any) -> None:
        super().__init__()
        self.kind = kind

    def process_bind_param(self, value: T | None, dialect: Dialect) -> Any:
        # Through the type even when given plain data, so nothing of another shape is stored.
        return (
            None
            if value is None
            else msgspec.to_builtins(msgspec.convert(msgspec.to_builtins(value), self.kind))
        )

    def process_result_value(self, value: Any, dialect: Dialect) -> T | None:
        return None if value is None else msgspec.convert(value, self.kind)
