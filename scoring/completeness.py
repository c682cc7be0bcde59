"""How much of the speech a transcript covers, and where it does not: the gaps a reviewer must hear.

Voice activity detection (Silero VAD, the same model faster-whisper filters with)
says where someone spoke; the transcript's words say what was recognised. Speech
that no word covers, in a run of at least :data:`MIN_GAP_S`, is a gap. A word
covers its own span widened by :data:`WORD_PAD_S` on each side, because Whisper's
word times come from attention alignment and VAD pads its chunks by 0.4 s.

Completeness is the share of VAD speech not inside a gap; it is None when VAD
found no speech (nothing to be complete about).

Why these numbers: on the long-answer corpus of ``bench/bench_asr_completeness.py``
(espeak-ng voices, noise at several SNRs, joined speechocean762 clips), fully
transcribed answers score 1.0 with a 1 s minimum gap, while a cut-off window of
5 s or more is always reported; a shorter minimum marks ordinary pauses between
words as gaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring.transcript import Gap

__all__ = [
    "MIN_GAP_S",
    "MIN_TRANSCRIPT_COMPLETENESS",
    "WORD_PAD_S",
    "Coverage",
    "find_gaps",
    "merge_intervals",
]

MIN_GAP_S = 1.0
MIN_TRANSCRIPT_COMPLETENESS = 0.9
"""Below this share of the speech transcribed, no content score is suggested.

A content score is read off the words; with a tenth of the speech missing, an
answer's key point may be in the missing part. On the long-answer corpus every
answer the recogniser handles at all (clean to 5 dB SNR) reaches 1.0, so 0.9
abstains only where speech was really lost (issue 14 suggests the same share)."""
WORD_PAD_S = 0.5
Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Coverage:
    """The speech found, the gaps in its transcript, and the share covered."""

    speech_seconds: float
    gaps: tuple[Gap, ...]
    completeness: float | None


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of ``(start, end)`` intervals (empty ones dropped)."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _subtract(base: Sequence[Interval], cut: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in base:
        pos = start
        for c_start, c_end in cut:
            if c_end <= pos or c_start >= end:
                continue
            if c_start > pos:
                out.append((pos, c_start))
            pos = max(pos, c_end)
            if pos >= end:
                break
        if pos < end:
            out.append((pos, end))
    return out


def _overlap(a: Interval, b: Interval) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def find_gaps(
    speech: Sequence[Interval],
    words: Sequence[Interval],
    *,
    rejected: Sequence[tuple[float, float, str]] = (),
    min_gap: float = MIN_GAP_S,
    word_pad: float = WORD_PAD_S,
) -> Coverage:
    """Compare VAD speech with the time transcript words cover.

    Args:
        speech: Speech intervals in seconds (VAD).
        words: Word intervals in seconds.
        rejected: Spans whose decoded text was refused, with the reason; a gap
            overlapping one takes its reason, any other gap is ``"no_words"``.
        min_gap: Shortest uncovered run of speech reported as a gap.
        word_pad: Seconds each word is widened by on both sides.
    """
    speech_m = merge_intervals(speech)
    total = sum(e - s for s, e in speech_m)
    covered = merge_intervals((s - word_pad, e + word_pad) for s, e in words)
    gaps: list[Gap] = []
    for start, end in _subtract(speech_m, covered):
        if end - start < min_gap:
            continue
        best = max(rejected, key=lambda r: _overlap((start, end), (r[0], r[1])), default=None)
        reason = best[2] if best and _overlap((start, end), (best[0], best[1])) > 0 else "no_words"
        gaps.append(Gap(start=round(start, 2), end=round(end, 2), reason=reason))
    missing = sum(g.end - g.start for g in gaps)
    completeness = None if total <= 0.0 else max(0.0, min(1.0, 1.0 - missing / total))
    return Coverage(speech_seconds=round(total, 2), gaps=tuple(gaps), completeness=completeness)
