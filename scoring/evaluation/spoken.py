"""Spoken mode of ``viva eval``: answers read aloud by espeak-ng, transcribed, scored like text.

A deterministic, label-stratified sample of the scored answers is spoken with espeak-ng
in a US-English voice (variant, speed and pitch drawn per answer from a seeded
generator), converted to 16 kHz mono WAV with ffmpeg, and transcribed by
:class:`~scoring.transcription.Transcriber`, the product's transcription path. The
transcripts are then scored with the same model, examples and calibration as the
written answers, so the report can show what ASR costs in agreement. Audio and
transcripts are cached on disk by content hash: a second run pays only for scoring.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm.auto import tqdm

from scoring.evaluation.metrics import accuracy, quadratic_weighted_kappa
from scoring.evaluation.report import SpokenResult, build_results
from scoring.proficiency_eval import word_error_rate
from scoring.rubric import Answer
from scoring.transcript import Transcript
from scoring.transcription import SAMPLE_RATE, Transcriber

if TYPE_CHECKING:
    from scoring.evaluation.prediction import Prediction

__all__ = [
    "Speaker",
    "SpokenAnswer",
    "Voice",
    "default_cache_dir",
    "evaluate_spoken",
    "sample_stratified",
    "voice_for",
]

_VARIANTS = ("", "+m3", "+m7", "+f2", "+f4")


@dataclass(frozen=True, slots=True)
class Voice:
    """An espeak-ng voice: variant, speed (words per minute) and pitch (0-99)."""

    name: str
    speed: int
    pitch: int

    def args(self) -> list[str]:
        """espeak-ng options for this voice."""
        return ["-v", self.name, "-s", str(self.speed), "-p", str(self.pitch)]


@dataclass(frozen=True, slots=True, kw_only=True)
class SpokenAnswer:
    """One answer read aloud and transcribed."""

    reference: str
    transcript: Transcript
    voice: Voice
    wer: float


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def voice_for(text: str, seed: int = 0) -> Voice:
    """The voice an answer is read in: fixed for a text and seed, whatever else is sampled."""
    rng = random.Random(_digest(str(seed), text))
    return Voice(f"en-us{rng.choice(_VARIANTS)}", rng.randint(145, 175), rng.randint(35, 65))


def default_cache_dir() -> Path:
    """Where spoken audio and transcripts are kept between runs."""
    return Path(tempfile.gettempdir()) / "viva-eval-spoken"


def sample_stratified(labels: Sequence[int], limit: int, seed: int = 0) -> list[int]:
    """Indices of up to ``limit`` items, drawn per label in proportion, every label at least once."""
    groups: dict[int, list[int]] = {}
    for i, lv in enumerate(labels):
        groups.setdefault(lv, []).append(i)
    if limit >= len(labels):
        return list(range(len(labels)))
    rng = np.random.default_rng(seed)
    keys = sorted(groups)
    share = {k: limit * len(groups[k]) / len(labels) for k in keys}
    take = {k: min(len(groups[k]), max(1, int(share[k]))) for k in keys}
    for k in sorted(keys, key=lambda k: share[k] - int(share[k]), reverse=True):  # largest remainder
        if sum(take.values()) >= limit:
            break
        if take[k] < len(groups[k]):
            take[k] += 1
    while sum(take.values()) > limit:  # "at least once" overshot a tiny limit
        take[max(keys, key=lambda k: take[k])] -= 1
    picked = [int(i) for k in keys for i in rng.choice(groups[k], size=take[k], replace=False)]
    return sorted(picked)


class Speaker:
    """Reads texts aloud with espeak-ng and transcribes them, caching both on disk.

    Args:
        transcriber: The product's transcriber (loaded on first use).
        cache_dir: Folder for WAV files and transcript JSON (created if missing).
        seed: Seed for the per-answer voice.
        workers: espeak-ng and ffmpeg processes run at once.
    """

    def __init__(
        self,
        *,
        transcriber: Transcriber,
        cache_dir: Path | str | None = None,
        seed: int = 0,
        workers: int = 2,
    ) -> None:
        self.transcriber = transcriber
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.seed, self.workers = seed, workers
        self.synth_s = self.asr_s = 0.0

    def audio_path(self, text: str) -> Path:
        """Where the 16 kHz mono WAV for ``text`` is (or will be) cached."""
        voice = voice_for(text, self.seed)
        return self.cache_dir / f"{_digest(text, *voice.args())[:24]}.wav"

    def synthesize(self, text: str) -> Path:
        """Speak ``text`` into a cached 16 kHz mono WAV; returns its path."""
        out = self.audio_path(text)
        if out.exists():
            return out
        raw = out.with_name(f".{out.stem}.{os.getpid()}.raw.wav")
        part = out.with_name(f".{out.stem}.{os.getpid()}.part.wav")
        try:
            subprocess.run(
                ["espeak-ng", *voice_for(text, self.seed).args(), "-w", str(raw), "--stdin"],
                input=text.encode("utf-8"),
                check=True,
                capture_output=True,
                timeout=120,
            )
            subprocess.run(
                [
                    "ffmpeg",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(raw),
                    "-ac",
                    "1",
                    "-ar",
                    str(SAMPLE_RATE),
                    "-c:a",
                    "pcm_s16le",
                    str(part),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            os.replace(part, out)
        finally:
            raw.unlink(missing_ok=True)
            part.unlink(missing_ok=True)
        return out

    def transcribe(self, text: str) -> Transcript:
        """The cached transcript of ``text`` read aloud (synthesized first if needed)."""
        audio = self.synthesize(text)
        key = _digest(audio.name, self.transcriber.model_name, self.transcriber.compute_type)
        cached = self.cache_dir / f"{key[:24]}.json"
        if cached.exists():
            return Transcript.from_dict(json.loads(cached.read_text(encoding="utf-8")))
        transcript = self.transcriber.transcribe(audio)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
        tmp.write_text(json.dumps(transcript.to_dict()), encoding="utf-8")
        os.replace(tmp, cached)
        return transcript

    def speak(self, texts: Sequence[str], *, progress: bool = False) -> list[SpokenAnswer]:
        """Read every text aloud (in parallel), transcribe each (in turn), measure its WER."""
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(self.synthesize, texts))
        self.synth_s += time.perf_counter() - started
        started = time.perf_counter()
        out = []
        for text in tqdm(texts, desc="speech recognition", disable=not progress, unit="answer"):
            tr = self.transcribe(text)
            out.append(
                SpokenAnswer(
                    reference=text,
                    transcript=tr,
                    voice=voice_for(text, self.seed),
                    wer=word_error_rate([text], [tr.text]),
                )
            )
        self.asr_s += time.perf_counter() - started
        return out


def _paired(text: Sequence[Prediction], spoken: Sequence[Prediction], labels: list[int]) -> list[float]:
    both = [
        (t, s)
        for t, s in zip(text, spoken, strict=True)
        if t.abstain_reason is None and s.abstain_reason is None
    ]
    h = [t.human for t, _ in both]
    tl, sl = [t.level for t, _ in both], [s.level for _, s in both]
    return [
        float(len(both)),
        accuracy(h, tl),
        accuracy(h, sl),
        quadratic_weighted_kappa(h, tl, labels),
        quadratic_weighted_kappa(h, sl, labels),
    ]


def evaluate_spoken(
    preds: Sequence[Prediction],
    text_of: Callable[[Prediction], str],
    rescore: Callable[[Sequence[Prediction], Sequence[Answer]], list[Prediction]],
    labels: list[int],
    *,
    speaker: Speaker,
    limit: int,
    seed: int = 0,
    progress: bool = False,
) -> SpokenResult:
    """Speak a stratified sample of the scored answers and compare their scores as text and as ASR.

    Args:
        preds: Text-mode predictions, one per answer.
        text_of: The written answer behind a prediction.
        rescore: Scores the answers given (ASR transcripts) in place of the predictions'
            written answers, with the same model, examples and calibration.
        labels: The ordered score scale.
        speaker: Synthesis and transcription, with their cache.
        limit: How many answers to speak.
        seed: Seed for the sample (voices use the speaker's seed).
        progress: Show a progress bar.
    """
    candidates = [p for p in preds if text_of(p).strip()]
    sample = [candidates[i] for i in sample_stratified([p.human for p in candidates], limit, seed)]
    heard = speaker.speak([text_of(p) for p in sample], progress=progress)
    answers = [
        Answer(
            text=h.transcript.text,
            asr_confidence=h.transcript.mean_word_probability,
            no_speech=h.transcript.no_speech,
        )
        for h in heard
    ]
    spoken = rescore(sample, answers)
    (text_result,) = build_results(sample, labels)
    (spoken_result,) = build_results(spoken, labels)
    n, acc_t, acc_s, qwk_t, qwk_s = _paired(sample, spoken, labels)
    worst = sorted(heard, key=lambda h: h.wer, reverse=True)[:3]
    return SpokenResult(
        n_answers=len(sample),
        asr_model=speaker.transcriber.model_version,
        voices="espeak-ng " + ", ".join(sorted({h.voice.name for h in heard})) + ", 145-175 wpm",
        text=text_result,
        spoken=spoken_result,
        wer=word_error_rate([h.reference for h in heard], [h.transcript.text for h in heard]),
        n_reference_words=sum(len(h.reference.split()) for h in heard),
        no_speech=sum(h.transcript.no_speech for h in heard),
        audio_s=sum(h.transcript.duration for h in heard),
        synth_s=speaker.synth_s,
        asr_s=speaker.asr_s,
        n_paired=int(n),
        accuracy_text=acc_t,
        accuracy_spoken=acc_s,
        accuracy_drop=acc_t - acc_s,
        qwk_text=qwk_t,
        qwk_spoken=qwk_s,
        qwk_drop=qwk_t - qwk_s,
        worst=tuple((h.reference, h.transcript.text, h.wer) for h in worst if h.wer > 0),
    )
