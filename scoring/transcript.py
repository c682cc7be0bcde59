"""What a transcription returns: frozen transcript, segment and word values.

Kept apart from ``scoring.transcription`` so that code which only reads stored
transcripts (the server, proficiency signals) need not import faster-whisper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["GAP_REASONS", "Gap", "Segment", "Transcript", "Word"]

GAP_REASONS: dict[str, str] = {
    "no_words": "speech was heard but no words were recognised",
    "doubtful_decode": "the recogniser's text looked invented and re-decoding did not confirm it",
    "repetition": "the recogniser looped on repeated text and re-decoding did not fix it",
}
"""Gap reason codes and what each means, for a reviewer."""


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word; times in seconds from the start of the audio."""

    start: float
    end: float
    word: str
    probability: float


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of words Whisper decoded together."""

    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Gap:
    """Speech (by voice activity detection) that no transcript word covers: listen to it.

    Attributes:
        start: Seconds from the start of the audio.
        end: Seconds from the start of the audio.
        reason: A key of :data:`GAP_REASONS`.
    """

    start: float
    end: float
    reason: str

    @property
    def seconds(self) -> float:
        """Length of the gap."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Transcript:
    """The result of one transcription, with what is needed to reproduce it."""

    text: str
    language: str
    language_probability: float
    duration: float
    segments: tuple[Segment, ...]
    no_speech: bool
    model_name: str
    model_version: str
    gaps: tuple[Gap, ...] = ()
    speech_seconds: float | None = None
    completeness: float | None = None

    @property
    def words(self) -> tuple[Word, ...]:
        """All words of all segments, in time order."""
        return tuple(w for s in self.segments for w in s.words)

    @property
    def mean_word_probability(self) -> float | None:
        """Mean of the words' probabilities (an intelligibility proxy); None without words."""
        words = self.words
        return sum(w.probability for w in words) / len(words) if words else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reverses it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transcript:
        """Rebuild a transcript stored with :meth:`to_dict`."""
        segments = tuple(
            Segment(
                start=s["start"],
                end=s["end"],
                text=s["text"],
                avg_logprob=s["avg_logprob"],
                no_speech_prob=s["no_speech_prob"],
                words=tuple(Word(**w) for w in s["words"]),
            )
            for s in data["segments"]
        )
        fields = {k: data[k] for k in ("text", "language", "language_probability", "duration")}
        return cls(
            **fields,
            segments=segments,
            no_speech=data["no_speech"],
            model_name=data["model_name"],
            model_version=data["model_version"],
            gaps=tuple(Gap(**g) for g in data.get("gaps") or ()),
            speech_seconds=data.get("speech_seconds"),
            completeness=data.get("completeness"),
        )
