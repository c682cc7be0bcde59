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
import math
import os
import random
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from tqdm.auto import tqdm

from scoring.evaluation.metrics import accuracy, interval_coverage, quadratic_weighted_kappa
from scoring.evaluation.report import (
    SpokenBand,
    SpokenCondition,
    SpokenDifference,
    SpokenResult,
    result_of,
)
from scoring.proficiency_eval import word_error_rate
from scoring.reliability import confident_text, words_per_second
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
    "paired_bootstrap",
    "sample_answers",
    "snr_for",
    "voice_for",
]

_VARIANTS = ("", "+m3", "+m7", "+f2", "+f4")
DEFAULT_VOICES = tuple(f"en-us{v}" for v in _VARIANTS)
"""espeak-ng voices answers are read in by default (one drawn per answer)."""


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
    """One answer read aloud (at ``snr_db`` dB of added noise; None: clean) and transcribed."""

    reference: str
    transcript: Transcript
    voice: Voice
    wer: float
    snr_db: float | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def voice_for(text: str, seed: int = 0, voices: Sequence[str] = (), speeds: Sequence[int] = ()) -> Voice:
    """The voice an answer is read in: fixed for a text and seed, whatever else is sampled.

    ``voices`` and ``speeds`` (words per minute) are the choices drawn from; by default the
    five US-English variants at 145-175 wpm.
    """
    rng = random.Random(_digest(str(seed), text))
    name = rng.choice(list(voices) or _VARIANTS)
    name = name if voices else f"en-us{name}"
    speed = rng.choice(list(speeds)) if speeds else rng.randint(145, 175)
    return Voice(name, speed, rng.randint(35, 65))


def snr_for(text: str, seed: int, snrs: Sequence[float | None]) -> float | None:
    """The noise an answer is read with (signal-to-noise ratio in dB; None: clean)."""
    if not snrs:
        return None
    return random.Random(_digest("snr", str(seed), text)).choice(list(snrs))


def default_cache_dir() -> Path:
    """Where spoken audio and transcripts are kept between runs."""
    return Path(tempfile.gettempdir()) / "viva-eval-spoken"


def sample_answers(texts: Sequence[str], limit: int, seed: int = 0) -> list[int]:
    """Indices of up to ``limit`` items in a fixed order of their texts' hashes.

    The order depends on each text alone, so a larger sample contains every smaller one:
    a cache filled for ``limit`` answers serves every run up to that size, and growing it
    only speaks the new ones.
    """
    order = sorted(range(len(texts)), key=lambda i: (_digest(str(seed), texts[i]), i))
    return sorted(order[:limit])


def _rms(path: Path) -> float:
    out = subprocess.run(["sox", str(path), "-n", "stat"], check=True, capture_output=True, timeout=120)
    for line in out.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("RMS     amplitude"):
            return float(line.split(":")[1])
    raise RuntimeError(f"sox stat gave no RMS amplitude for {path}")


class Speaker:
    """Reads texts aloud with espeak-ng, adds noise with sox, transcribes; caches both on disk.

    Audio is cached by text, voice (variant, speed, pitch) and noise level; transcripts by
    audio and Whisper model (name and precision). ``n_synthesized`` and ``n_transcribed``
    count the work a run really did (zero when everything came from the cache).

    Args:
        transcriber: The product's transcriber (loaded on first use).
        cache_dir: Folder for WAV files and transcript JSON (created if missing).
        seed: Seed for the per-answer voice and noise.
        workers: espeak-ng, sox and ffmpeg processes run at once.
        voices: espeak-ng voices to draw from (default: five US-English variants).
        speeds: Speeds in words per minute to draw from (default: 145-175).
        snrs: Signal-to-noise ratios in dB to draw from, None meaning clean (default: clean).
    """

    def __init__(
        self,
        *,
        transcriber: Transcriber,
        cache_dir: Path | str | None = None,
        seed: int = 0,
        workers: int = 2,
        voices: Sequence[str] = (),
        speeds: Sequence[int] = (),
        snrs: Sequence[float | None] = (),
    ) -> None:
        self.transcriber = transcriber
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.seed, self.workers = seed, workers
        self.voices, self.speeds, self.snrs = tuple(voices), tuple(speeds), tuple(snrs)
        self.synth_s = self.asr_s = 0.0
        self.n_synthesized = self.n_transcribed = 0

    def voice(self, text: str) -> Voice:
        """The voice ``text`` is read in."""
        return voice_for(text, self.seed, self.voices, self.speeds)

    def snr(self, text: str) -> float | None:
        """The noise ``text`` is read with."""
        return snr_for(text, self.seed, self.snrs)

    def describe(self) -> str:
        """The conditions in words, for the report."""
        voices = ", ".join(self.voices or DEFAULT_VOICES)
        speeds = ", ".join(map(str, self.speeds)) if self.speeds else "145-175"
        noise = ", ".join("clean" if s is None else f"{s:g} dB" for s in self.snrs) if self.snrs else "clean"
        return f"espeak-ng {voices} at {speeds} wpm; noise: {noise}"

    def _clean_path(self, text: str) -> Path:
        return self.cache_dir / f"{_digest(text, *self.voice(text).args())[:24]}.wav"

    def audio_path(self, text: str) -> Path:
        """Where the 16 kHz mono WAV for ``text`` is (or will be) cached."""
        snr = self.snr(text)
        if snr is None:
            return self._clean_path(text)
        return self.cache_dir / f"{_digest(text, *self.voice(text).args(), f'snr={snr:g}')[:24]}.wav"

    def synthesize(self, text: str) -> Path:
        """Speak ``text`` into a cached 16 kHz mono WAV (noise added if drawn); returns its path."""
        out = self.audio_path(text)
        if out.exists():
            return out
        clean = self._clean_path(text)
        if not clean.exists():
            self._speak(text, clean)
        snr = self.snr(text)
        if snr is not None:
            self._add_noise(clean, out, snr)
        return out

    def _speak(self, text: str, out: Path) -> None:
        tag = f"{os.getpid()}.{threading.get_ident()}"
        raw = out.with_name(f".{out.stem}.{tag}.raw.wav")
        part = out.with_name(f".{out.stem}.{tag}.part.wav")
        try:
            subprocess.run(
                ["espeak-ng", *self.voice(text).args(), "-w", str(raw), "--stdin"],
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
            self.n_synthesized += 1
        finally:
            raw.unlink(missing_ok=True)
            part.unlink(missing_ok=True)

    def _add_noise(self, clean: Path, out: Path, snr_db: float) -> None:
        """Mix white noise (sox, repeatable) into ``clean`` at ``snr_db`` dB."""
        tag = f"{os.getpid()}.{threading.get_ident()}"
        noise = out.with_name(f".{out.stem}.{tag}.noise.wav")
        part = out.with_name(f".{out.stem}.{tag}.part.wav")
        try:
            subprocess.run(
                ["sox", "-R", str(clean), str(noise), "synth", "whitenoise"],
                check=True,
                capture_output=True,
                timeout=120,
            )
            gain = _rms(clean) / max(_rms(noise), 1e-9) / 10 ** (snr_db / 20)
            subprocess.run(
                ["sox", "-m", "-v", "1", str(clean), "-v", f"{gain:.6f}", str(noise), str(part)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            os.replace(part, out)
            self.n_synthesized += 1
        finally:
            noise.unlink(missing_ok=True)
            part.unlink(missing_ok=True)

    def transcribe(self, text: str) -> Transcript:
        """The cached transcript of ``text`` read aloud (synthesized first if needed)."""
        audio = self.synthesize(text)
        key = _digest(audio.name, self.transcriber.model_name, self.transcriber.compute_type)
        cached = self.cache_dir / f"{key[:24]}.json"
        if cached.exists():
            return Transcript.from_dict(json.loads(cached.read_text(encoding="utf-8")))
        transcript = self.transcriber.transcribe(audio)
        self.n_transcribed += 1
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
        tmp.write_text(json.dumps(transcript.to_dict()), encoding="utf-8")
        os.replace(tmp, cached)
        return transcript

    def speak(self, texts: Sequence[str], *, progress: bool = False) -> list[SpokenAnswer]:
        """Read every text aloud (in parallel), transcribe each (in turn), measure its WER."""
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(self.synthesize, list(dict.fromkeys(texts))))  # a repeated text once
        self.synth_s += time.perf_counter() - started
        started = time.perf_counter()
        out = []
        for text in tqdm(texts, desc="speech recognition", disable=not progress, unit="answer"):
            tr = self.transcribe(text)
            out.append(
                SpokenAnswer(
                    reference=text,
                    transcript=tr,
                    voice=self.voice(text),
                    wer=word_error_rate([text], [tr.text]),
                    snr_db=self.snr(text),
                )
            )
        self.asr_s += time.perf_counter() - started
        return out


def _metric_pairs(
    text: Sequence[Prediction], spoken: Sequence[Prediction], labels: list[int], baseline: bool
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """Per-answer arrays (text, spoken) of what the differences are computed on."""
    if baseline:
        both = list(zip(text, spoken, strict=True))
    else:
        both = [
            (t, s)
            for t, s in zip(text, spoken, strict=True)
            if t.abstain_reason is None and s.abstain_reason is None
        ]

    def arr(values: list[float]) -> npt.NDArray[np.float64]:
        return np.asarray(values, dtype=np.float64)

    def level(p: Prediction) -> float:
        return float(p.base_level if baseline else p.level)

    def covered(p: Prediction) -> float:
        low, high = (p.base_low, p.base_high) if baseline else (p.low, p.high)
        return float(low - 1e-9 <= p.human <= high + 1e-9)

    return {
        "human": (arr([t.human for t, _ in both]), arr([s.human for _, s in both])),
        "level": (arr([level(t) for t, _ in both]), arr([level(s) for _, s in both])),
        "covered": (arr([covered(t) for t, _ in both]), arr([covered(s) for _, s in both])),
    }


def _diffs(
    idx: npt.NDArray[np.int64],
    h: npt.NDArray[np.float64],
    lt: npt.NDArray[np.float64],
    ls: npt.NDArray[np.float64],
    ct: npt.NDArray[np.float64],
    cs: npt.NDArray[np.float64],
    labels: list[int],
) -> tuple[float, float, float]:
    hh = h[idx]
    return (
        float(np.mean(lt[idx] == hh) - np.mean(ls[idx] == hh)),
        quadratic_weighted_kappa(hh, lt[idx], labels) - quadratic_weighted_kappa(hh, ls[idx], labels),
        float(np.mean(ct[idx]) - np.mean(cs[idx])),
    )


def paired_bootstrap(
    text: Sequence[Prediction],
    spoken: Sequence[Prediction],
    labels: list[int],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> tuple[SpokenDifference, ...]:
    """Text minus spoken for accuracy, QWK and interval coverage, scorer and baseline, with a
    paired bootstrap interval (answers resampled together in both modes)."""
    rng = np.random.default_rng(seed)
    out = []
    for who, baseline in (("scorer", False), ("baseline", True)):
        pairs = _metric_pairs(text, spoken, labels, baseline)
        h = pairs["human"][0]
        n = len(h)
        if n == 0:
            continue
        (lt, ls), (ct, cs) = pairs["level"], pairs["covered"]

        point = _diffs(np.arange(n), h, lt, ls, ct, cs, labels)
        boots = np.asarray(
            [_diffs(rng.integers(0, n, n), h, lt, ls, ct, cs, labels) for _ in range(n_boot)],
            dtype=np.float64,
        )
        tail = (1.0 - ci) / 2 * 100
        for j, metric in enumerate(("accuracy", "QWK", "coverage")):
            col = boots[:, j][np.isfinite(boots[:, j])]
            lo, hi = np.percentile(col, [tail, 100 - tail]) if len(col) else (math.nan, math.nan)
            out.append(
                SpokenDifference(
                    who=who,
                    metric=metric,
                    n=n,
                    text=_side(metric, h, lt if j < 2 else ct, labels),
                    spoken=_side(metric, h, ls if j < 2 else cs, labels),
                    difference=point[j],
                    low=float(lo),
                    high=float(hi),
                )
            )
    return tuple(out)


def _side(metric: str, h: npt.NDArray[np.float64], v: npt.NDArray[np.float64], labels: list[int]) -> float:
    if metric == "accuracy":
        return accuracy(h, v)
    if metric == "QWK":
        return quadratic_weighted_kappa(h, v, labels)
    return float(np.mean(v))


def _band_rows(
    spoken: Sequence[Prediction], plain: Sequence[Prediction], labels: list[int]
) -> tuple[SpokenBand, ...]:
    rows = []
    for band in ("high", "medium", "low", ""):
        mine = [
            (s, p) for s, p in zip(spoken, plain, strict=True) if s.band == band and s.abstain_reason is None
        ]
        if not mine:
            continue
        h = [s.human for s, _ in mine]
        cov, width = interval_coverage(h, [s.low for s, _ in mine], [s.high for s, _ in mine])
        cov_plain, width_plain = interval_coverage(h, [p.low for _, p in mine], [p.high for _, p in mine])
        rows.append(
            SpokenBand(
                band=band or "none",
                n=len(mine),
                accuracy=accuracy(h, [s.level for s, _ in mine]),
                coverage=cov,
                mean_width=width,
                coverage_typed_calibration=cov_plain,
                mean_width_typed_calibration=width_plain,
            )
        )
    return tuple(rows)


def _condition_rows(
    sample: Sequence[Prediction], spoken: Sequence[Prediction], heard: Sequence[SpokenAnswer]
) -> tuple[SpokenCondition, ...]:
    rows = []
    for cond in sorted({h.snr_db for h in heard}, key=lambda v: (v is None, v if v is not None else 0.0)):
        idx = [i for i, h in enumerate(heard) if h.snr_db == cond]
        both = [i for i in idx if sample[i].abstain_reason is None and spoken[i].abstain_reason is None]
        rows.append(
            SpokenCondition(
                noise="clean" if cond is None else f"{cond:g} dB SNR",
                n=len(idx),
                wer=word_error_rate(
                    [heard[i].reference for i in idx], [heard[i].transcript.text for i in idx]
                ),
                accuracy_text=accuracy([sample[i].human for i in both], [sample[i].level for i in both]),
                accuracy_spoken=accuracy([spoken[i].human for i in both], [spoken[i].level for i in both]),
            )
        )
    return tuple(rows)


def evaluate_spoken(
    preds: Sequence[Prediction],
    text_of: Callable[[Prediction], str],
    rescore: Callable[[Sequence[Prediction], Sequence[Answer]], tuple[list[Prediction], list[Prediction]]],
    labels: list[int],
    *,
    speaker: Speaker,
    limit: int | None,
    seed: int = 0,
    progress: bool = False,
    n_boot: int = 1000,
    drop_below: float | None = None,
) -> SpokenResult:
    """Speak a sample of the scored answers and compare their scores as text and as ASR.

    Args:
        preds: Text-mode predictions, one per answer.
        text_of: The written answer behind a prediction.
        rescore: Scores the answers given (ASR transcripts) in place of the predictions'
            written answers, with the same model and examples; returns them twice, with
            reliability-aware intervals and with the typed calibration's intervals.
        labels: The ordered score scale.
        speaker: Synthesis and transcription, with their cache.
        limit: How many answers to speak (None: all).
        seed: Seed for the sample (voices use the speaker's seed).
        progress: Show a progress bar.
        n_boot: Bootstrap resamples for the intervals on the differences.
        drop_below: Score the transcript without its words below this probability (an
            experiment in robust scoring; None scores the whole transcript, as the product does).
    """
    candidates = [p for p in preds if text_of(p).strip()]
    texts = [text_of(p) for p in candidates]
    sample = [candidates[i] for i in sample_answers(texts, len(texts) if limit is None else limit, seed)]
    heard = speaker.speak([text_of(p) for p in sample], progress=progress)
    answers = [
        Answer(
            text=h.transcript.text
            if drop_below is None
            else confident_text(h.transcript.words, h.transcript.text, drop_below),
            asr_confidence=h.transcript.mean_word_probability,
            no_speech=h.transcript.no_speech,
            transcript_completeness=h.transcript.completeness,
            words_per_second=words_per_second(
                len(h.transcript.words), h.transcript.speech_seconds, h.transcript.duration
            ),
        )
        for h in heard
    ]
    spoken, plain = rescore(sample, answers)
    text_result = result_of("text", sample, labels)
    spoken_result = result_of("spoken", spoken, labels)
    differences = paired_bootstrap(sample, spoken, labels, n_boot=n_boot, seed=seed)
    acc = next((d for d in differences if d.who == "scorer" and d.metric == "accuracy"), None)
    qwk = next((d for d in differences if d.who == "scorer" and d.metric == "QWK"), None)
    worst = sorted(heard, key=lambda h: h.wer, reverse=True)[:3]
    return SpokenResult(
        n_answers=len(sample),
        asr_model=speaker.transcriber.model_version,
        voices=speaker.describe(),
        text=text_result,
        spoken=spoken_result,
        spoken_typed_calibration=result_of("spoken, typed calibration", plain, labels),
        wer=word_error_rate([h.reference for h in heard], [h.transcript.text for h in heard]),
        n_reference_words=sum(len(h.reference.split()) for h in heard),
        no_speech=sum(h.transcript.no_speech for h in heard),
        audio_s=sum(h.transcript.duration for h in heard),
        synth_s=speaker.synth_s,
        asr_s=speaker.asr_s,
        n_synthesized=speaker.n_synthesized,
        n_transcribed=speaker.n_transcribed,
        n_paired=acc.n if acc is not None else 0,
        accuracy_text=acc.text if acc is not None else math.nan,
        accuracy_spoken=acc.spoken if acc is not None else math.nan,
        accuracy_drop=acc.difference if acc is not None else math.nan,
        qwk_text=qwk.text if qwk is not None else math.nan,
        qwk_spoken=qwk.spoken if qwk is not None else math.nan,
        qwk_drop=qwk.difference if qwk is not None else math.nan,
        differences=differences,
        bands=_band_rows(spoken, plain, labels),
        conditions=_condition_rows(sample, spoken, heard),
        worst=tuple((h.reference, h.transcript.text, h.wer) for h in worst if h.wer > 0),
    )
