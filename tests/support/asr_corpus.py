"""Long spoken answers with known words and times, made at run time (espeak-ng, sox, speechocean762).

Each answer is a 16 kHz mono WAV of 40-60 s built from sentences (espeak-ng) or
short read clips (speechocean762) joined with pauses, so the time span of every
reference sentence is known. Noise made by sox (pink, brown, white) is mixed in at
a chosen signal-to-noise ratio. Used by the completeness tests and by
``bench/bench_asr_completeness.py``; nothing is downloaded and only the five
speechocean762 clips in ``tests/data`` are stored in the repository.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["Answer", "ReferenceSpan", "espeak_answers", "speechocean_answers", "write_wav"]

SR = 16_000
PAUSE_S = 0.7

SENTENCES = (
    "In my last role I built a recommendation system for an online shop.",
    "We started with a simple popularity baseline and then moved to a two tower model.",
    "The hardest part was not the model but the data pipeline, because events arrived late.",
    "I wrote a deduplication step and a daily job that checked the counts every morning.",
    "After that we ran an online test for three weeks and the new model did better.",
    "I also learned to explain the trade offs to the product team in plain words.",
    "If I did it again I would invest earlier in monitoring and alerting.",
    "Most of our incidents came from silent changes in the systems upstream.",
    "When a model is wrong, I first look at the data it was trained on.",
    "I usually split the work into small steps that can be reviewed in a day.",
    "My team kept a short written record of every decision and the reason for it.",
    "We measured latency at the ninety ninth percentile, not only the average.",
    "A good evaluation set matters more to me than a clever architecture.",
    "I disagreed with my manager once about a launch date and we found a compromise.",
    "The customer wanted a dashboard, but what they really needed was an alert.",
    "I taught two junior engineers how to write tests for their training code.",
    "We moved the feature store to a managed database and cut the costs by half.",
    "Before I change anything in production, I make sure I can roll it back.",
    "Sometimes the simplest model is the right answer, and that is fine.",
    "I read the error logs every week to find problems before users report them.",
    "Our biggest win came from cleaning the labels rather than tuning the model.",
    "I enjoy working with people who ask hard questions in a friendly way.",
    "We documented the pipeline so that a new colleague could run it on day one.",
    "In the end the project shipped on time and the users were happy with it.",
)
VOICES = (
    ("en-us", 150),
    ("en-gb", 135),
    ("en-gb-scotland", 165),
    ("en+f3", 145),
    ("en-029", 125),
    ("en-gb-x-rp", 175),
)


@dataclass(frozen=True, slots=True)
class ReferenceSpan:
    """One sentence or clip: what was said and when, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A long answer: the file, its full reference text and each sentence's span."""

    name: str
    path: Path
    spans: tuple[ReferenceSpan, ...]

    @property
    def reference(self) -> str:
        """All reference text in order."""
        return " ".join(s.text for s in self.spans)


def write_wav(path: Path, samples: npt.NDArray[np.float32]) -> None:
    """Write 16 kHz mono 16-bit WAV with sox."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    subprocess.run(
        ["sox", "-t", "raw", "-r", str(SR), "-e", "signed", "-b", "16", "-c", "1", "-", str(path)],
        input=pcm,
        check=True,
        capture_output=True,
    )


def _read(path: Path) -> npt.NDArray[np.float32]:
    raw = subprocess.run(
        ["sox", str(path), "-t", "raw", "-r", str(SR), "-e", "float", "-b", "32", "-c", "1", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def _noise(kind: str, seconds: float, seed: int) -> npt.NDArray[np.float32]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "noise.wav"
        subprocess.run(
            [
                "sox",
                "-R",
                "-n",
                "-r",
                str(SR),
                "-c",
                "1",
                "-b",
                "16",
                str(out),
                "synth",
                f"{seconds:.3f}",
                f"{kind}noise",
                "vol",
                "0.5",
            ],
            check=True,
            capture_output=True,
        )
        noise = _read(out)
    return np.roll(noise, seed * 977)


def _mix(
    speech: npt.NDArray[np.float32], snr_db: float | None, kind: str, seed: int
) -> npt.NDArray[np.float32]:
    if snr_db is None:
        return speech
    noise = _noise(kind, len(speech) / SR, seed)[: len(speech)]
    noise = np.pad(noise, (0, len(speech) - len(noise)))
    active = speech[np.abs(speech) > 1e-4]
    p_speech = float(np.mean(active**2)) if len(active) else 1e-8
    scale = np.sqrt(p_speech / (10 ** (snr_db / 10.0)) / max(float(np.mean(noise**2)), 1e-12))
    mixed = speech + scale * noise
    peak = float(np.max(np.abs(mixed)))
    return (mixed / peak * 0.9 if peak > 0.9 else mixed).astype(np.float32)


def _join(
    pieces: Sequence[tuple[npt.NDArray[np.float32], str]],
) -> tuple[npt.NDArray[np.float32], tuple[ReferenceSpan, ...]]:
    pause = np.zeros(int(PAUSE_S * SR), dtype=np.float32)
    parts, spans, t = [pause], [], PAUSE_S
    for audio, text in pieces:
        spans.append(ReferenceSpan(start=round(t, 3), end=round(t + len(audio) / SR, 3), text=text))
        parts += [audio, pause]
        t += (len(audio) + len(pause)) / SR
    return np.concatenate(parts), tuple(spans)


def espeak_answers(
    out_dir: Path,
    *,
    count: int = 4,
    snrs: Sequence[float | None] = (None, 20.0, 10.0, 5.0),
    target_s: float = 45.0,
) -> list[Answer]:
    """``count`` answers in turn-taking voices and speeds, each at the next SNR (None: clean)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds = ("pink", "brown", "white")
    answers = []
    for i in range(count):
        voice, speed = VOICES[i % len(VOICES)]
        pieces: list[tuple[npt.NDArray[np.float32], str]] = []
        total, k = 0.0, 0
        while total < target_s:
            sentence = SENTENCES[(i * 7 + k) % len(SENTENCES)]
            wav = out_dir / f"s{i}_{k}.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), sentence],
                check=True,
                capture_output=True,
            )
            audio = _read(wav)
            wav.unlink()
            pieces.append((audio, sentence))
            total += len(audio) / SR + PAUSE_S
            k += 1
        speech, spans = _join(pieces)
        snr = snrs[i % len(snrs)]
        kind = kinds[i % len(kinds)]
        name = f"espeak-{voice}-{speed}-" + ("clean" if snr is None else f"{kind}{snr:g}dB")
        path = out_dir / f"{name}.wav"
        write_wav(path, _mix(speech, snr, kind, i))
        answers.append(Answer(name=name, path=path, spans=spans))
    return answers


def speechocean_answers(
    data_dir: Path, out_dir: Path, *, target_s: float = 45.0, max_answers: int | None = None
) -> list[Answer]:
    """speechocean762 clips of one speaker after another joined into answers of about ``target_s``.

    ``data_dir`` holds ``scores.csv`` (columns ``wav``, ``text_scored``) and the WAVE folder; with
    few clips (the five in ``tests/data``) they are used over again in turn.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "scores.csv").open(newline="", encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: (r.get("speaker", ""), r["wav"]))
    clips = [(_read(data_dir / r["wav"]), r["text_scored"]) for r in rows]
    answers: list[Answer] = []
    used, i = 0, 0
    while used < len(clips) or not answers:
        pieces, total = [], 0.0
        while total < target_s and (used < len(clips) or len(clips) < 20):
            audio, text = clips[used % len(clips)]
            pieces.append((audio, text))
            total += len(audio) / SR + PAUSE_S
            used += 1
        if total < 40.0 and answers:
            break
        speech, spans = _join(pieces)
        path = out_dir / f"speechocean-{i}.wav"
        write_wav(path, speech)
        answers.append(Answer(name=f"speechocean-{i}", path=path, spans=spans))
        i += 1
        if (max_answers is not None and i >= max_answers) or len(clips) < 20:
            break
    return answers
