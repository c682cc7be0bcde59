"""Filled pauses and discourse-marker fillers in timed words.

Hesitation sounds (um, uh, er, erm, hmm, ...) are fillers wherever they occur.
"you know", "I mean" and "like" are fillers only in some uses ("I like tea",
"do you know him" are not). We count such a phrase only when it is set off on
both sides by a boundary: the start or end of the answer, punctuation the
recogniser wrote (",", ".", "?", ...) or a silent pause of at least
:data:`PAUSE_S`. This favours precision: "it was, like, huge" counts, "like
huge" does not.

Note that Whisper tends to leave hesitation sounds out of its transcripts, so
the filler rate measured here is a lower bound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "DISCOURSE_FILLERS",
    "HESITATIONS",
    "PAUSE_S",
    "TimedWord",
    "count_fillers",
    "normalise_word",
]

PAUSE_S = 0.25
HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "ah", "eh"})
DISCOURSE_FILLERS: tuple[tuple[str, ...], ...] = (("you", "know"), ("i", "mean"), ("like",))
_EDGE_PUNCT = re.compile(r"[.,;:!?\u2026\u2014-]$")
_STRIP = re.compile(r"^[^\w']+|[^\w']+$")


class TimedWord(Protocol):
    """A recognised word with times in seconds (satisfied by transcription.Word)."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def word(self) -> str: ...
    @property
    def probability(self) -> float: ...


def normalise_word(word: str) -> str:
    """Lower-case a word and strip surrounding punctuation ("Um," becomes "um")."""
    return _STRIP.sub("", word.strip().lower())


def _boundary_before(words: Sequence[TimedWord], i: int) -> bool:
    if i == 0:
        return True
    prev = words[i - 1]
    return bool(_EDGE_PUNCT.search(prev.word.strip())) or words[i].start - prev.end >= PAUSE_S


def _boundary_after(words: Sequence[TimedWord], i: int) -> bool:
    if i == len(words) - 1 or _EDGE_PUNCT.search(words[i].word.strip()):
        return True
    return words[i + 1].start - words[i].end >= PAUSE_S


def count_fillers(words: Sequence[TimedWord]) -> int:
    """Count filler words in a timed word sequence (a two-word filler counts twice)."""
    norm = [normalise_word(w.word) for w in words]
    count = 0
    i = 0
    while i < len(words):
        if norm[i] in HESITATIONS:
            count += 1
            i += 1
            continue
        for phrase in DISCOURSE_FILLERS:
            j = i + len(phrase) - 1
            if tuple(norm[i : j + 1]) == phrase and _boundary_before(words, i) and _boundary_after(words, j):
                count += len(phrase)
                i = j
                break
        i += 1
    return count
