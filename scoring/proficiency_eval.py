"""Evaluate transcription and proficiency signals against expert scores (``viva eval-proficiency``).

Input is a CSV with an audio column (paths relative to the CSV), numeric expert
score columns and optionally a reference transcript column. Each clip is
transcribed, its signals and band score are computed, and the result gives
Pearson and Spearman correlations of every signal and of the band score with
every score column, plus word error rate against the reference text.
"""

from __future__ import annotations

import csv
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jiwer
from scipy import stats
from tqdm import tqdm

from scoring.proficiency.assess import speech_values
from scoring.proficiency.band import estimate_band
from scoring.transcription import Transcriber

__all__ = ["evaluate_proficiency", "normalise_for_wer", "word_error_rate"]

_PUNCT = re.compile(r"[^\w\s']|_")
_ID_LIKE = re.compile(r"^0\d+$")


def normalise_for_wer(text: str) -> str:
    """Lower-case, drop punctuation and collapse spaces (numbers are left as written)."""
    return " ".join(_PUNCT.sub(" ", text.lower().replace("\u2019", "'")).split())


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus word error rate: total edit operations over total reference words."""
    pairs = [
        (normalise_for_wer(r), normalise_for_wer(h)) for r, h in zip(references, hypotheses, strict=True)
    ]
    pairs = [(r, h) for r, h in pairs if r]
    if not pairs:
        msg = "No non-empty reference transcripts to compute a word error rate."
        raise ValueError(msg)
    out = jiwer.process_words([r for r, _ in pairs], [h for _, h in pairs])
    return float(out.wer)


def _score_columns(rows: list[dict[str, str]], exclude: set[str]) -> list[str]:
    """Columns whose every value is a number and which do not look like identifiers."""
    columns = []
    for name in rows[0]:
        if name in exclude:
            continue
        values = [r[name].strip() for r in rows if r[name] and r[name].strip()]
        if not values or any(_ID_LIKE.match(v) for v in values):
            continue
        try:
            [float(v) for v in values]
        except ValueError:
            continue
        columns.append(name)
    return columns


def _correlate(xs: list[float | None], ys: list[float | None]) -> dict[str, float | int | None]:
    pairs = [
        (x, y)
        for x, y in zip(xs, ys, strict=True)
        if x is not None and y is not None and math.isfinite(x) and math.isfinite(y)
    ]
    result: dict[str, float | int | None] = {
        "n": len(pairs),
        "pearson": None,
        "pearson_p": None,
        "spearman": None,
        "spearman_p": None,
    }
    if len(pairs) < 3 or len({x for x, _ in pairs}) < 2 or len({y for _, y in pairs}) < 2:
        return result
    x, y = zip(*pairs, strict=True)
    pearson = stats.pearsonr(x, y)
    spearman = stats.spearmanr(x, y)
    result.update(
        pearson=float(pearson.statistic),
        pearson_p=float(pearson.pvalue),
        spearman=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
    )
    return result


def evaluate_proficiency(
    csv_path: Path | str,
    *,
    audio_column: str = "audio",
    text_column: str | None = "text",
    transcriber: Transcriber | None = None,
    score_columns: Sequence[str] | None = None,
    limit: int | None = None,
    progress: bool = True,
    include_clips: bool = False,
) -> dict[str, Any]:
    """Transcribe every clip of a CSV and correlate signals with expert scores.

    Args:
        csv_path: CSV file; audio paths in it are relative to its folder.
        audio_column: Column holding audio paths.
        text_column: Column with reference transcripts for word error rate. If
            absent from the CSV, the first column whose name starts with
            ``"text"`` is used; None turns WER off.
        transcriber: Transcriber to use; default ``Transcriber()`` (tiny.en).
        score_columns: Expert score columns; default every numeric column that
            does not look like an identifier (values with leading zeros).
        limit: Only the first ``limit`` rows.
        progress: Show a tqdm progress bar.
        include_clips: Also return ``clips_detail``: per clip, the audio path,
            hypothesis, signal values and band.

    Returns:
        A JSON-ready dict: ``clips``, ``no_speech``, ``reliable``, ``model``,
        ``seconds``, ``wer`` (or None), ``score_columns`` and
        ``correlations[signal][column] = {n, pearson, pearson_p, spearman, spearman_p}``
        where ``signal`` includes ``band_score``.

    Raises:
        ValueError: The CSV is empty or lacks the audio column.
    """
    path = Path(csv_path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if limit is not None:
        rows = rows[:limit]
    if not rows or audio_column not in rows[0]:
        msg = f"{path} has no rows or no {audio_column!r} column."
        raise ValueError(msg)
    if text_column is not None and text_column not in rows[0]:
        text_column = next((c for c in rows[0] if c.lower().startswith("text")), None)
    columns = (
        list(score_columns)
        if score_columns is not None
        else _score_columns(rows, {audio_column, *([text_column] if text_column else [])})
    )
    model = transcriber or Transcriber()
    per_signal: dict[str, list[float | None]] = {}
    hypotheses: list[str] = []
    details: list[dict[str, Any]] = []
    no_speech = reliable = 0
    started = time.perf_counter()
    for row in tqdm(rows, desc="eval-proficiency", unit="clip", disable=not progress):
        transcript = model.transcribe(path.parent / row[audio_column])
        hypotheses.append(transcript.text)
        no_speech += transcript.no_speech
        values = speech_values(transcript.words, transcript.text)
        result = estimate_band(values, spoken=True)
        reliable += result.reliable
        values["band_score"] = result.score
        for name, value in values.items():
            per_signal.setdefault(name, []).append(value)
        if include_clips:
            details.append(
                {
                    "audio": row[audio_column],
                    "hypothesis": transcript.text,
                    "band": result.band,
                    "signals": values,
                }
            )
    seconds = time.perf_counter() - started
    targets = {c: [float(r[c]) if r[c].strip() else None for r in rows] for c in columns}
    correlations = {
        name: {c: _correlate(xs, ys) for c, ys in targets.items()}
        for name, xs in per_signal.items()
        if any(x is not None for x in xs)
    }
    wer = word_error_rate([r[text_column] for r in rows], hypotheses) if text_column else None
    report: dict[str, Any] = {
        "csv": str(path),
        "clips": len(rows),
        "no_speech": no_speech,
        "reliable": reliable,
        "model": {"name": model.model_name, "version": model.model_version},
        "seconds": round(seconds, 2),
        "text_column": text_column,
        "wer": wer,
        "score_columns": columns,
        "correlations": correlations,
    }
    if include_clips:
        report["clips_detail"] = details
    return report
