"""Transcribe and measure a scored speech corpus once, so the English model can be fitted from a file.

Transcribing is the slow part of fitting the proficiency model; the features are
cheap. :func:`build_cache` writes one JSON line per clip (identifiers, expert
scores, the tiny.en transcript, the base model's text and acoustic signals) and
skips clips already in the file, so an interrupted run resumes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scoring.proficiency.acoustic import acoustic_signal_values
from scoring.transcription import Transcriber

__all__ = ["build_cache", "read_cache"]

SCORE_COLUMNS = ("total_mean", "fluency_mean", "accuracy_mean", "prosodic_mean")


def read_cache(path: Path | str) -> list[dict[str, Any]]:
    """Every clip record of a cache file, in file order."""
    p = Path(path)
    if not p.is_file():
        return []
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rows(csv_path: Path) -> Iterator[dict[str, str]]:
    with csv_path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def build_cache(
    csv_path: Path | str,
    out: Path | str,
    *,
    primary: Transcriber,
    second: Transcriber | None = None,
    audio_column: str = "wav",
    progress: bool = True,
) -> int:
    """Add every clip of ``csv_path`` missing from ``out``; returns how many were added."""
    from faster_whisper import decode_audio
    from faster_whisper.vad import VadOptions, get_speech_timestamps
    from tqdm import tqdm

    src, dst = Path(csv_path), Path(out)
    done = {r["utt"] for r in read_cache(dst)}
    todo = [r for r in _rows(src) if r.get("utt", r[audio_column]) not in done]
    added = 0
    with dst.open("a", encoding="utf-8") as fh:
        for row in tqdm(todo, desc="cache", unit="clip", disable=not progress):
            audio = src.parent / row[audio_column]
            samples = decode_audio(str(audio), sampling_rate=16_000)
            speech = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=300))
            first = primary.transcribe(samples)
            record: dict[str, Any] = {
                "utt": row.get("utt", row[audio_column]),
                "speaker": row.get("speaker", ""),
                "age": float(row["age"]) if row.get("age") else None,
                "reference": row.get("text_scored", row.get("text", "")),
                "scores": {c: float(row[c]) for c in SCORE_COLUMNS if row.get(c)},
                "transcript": first.to_dict(),
                "second_text": second.transcribe(samples).text if second else None,
                "acoustic": acoustic_signal_values(samples, speech),
            }
            fh.write(json.dumps(record) + "\n")
            fh.flush()
            added += 1
    return added
