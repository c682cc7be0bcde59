"""Benchmark: from a finished video answer to its stored suggestion, as a share of the answer's length.

For each length (default 30 s, 2 min, 5 min) espeak-ng reads ML-engineering interview
answers (the seeded assessment's exemplars, run together); the speech is muxed with a
still 640x480 VP8 video into WebM/Opus by ffmpeg and stored in a local object store as a
submitted video response in a freshly migrated SQLite database (``build_world``). The
worker's own ``process_response`` then runs it through ``build_context(settings)``:
derive WAV and poster with ffmpeg, transcribe, score, assess English. Reported per
length: wall time per stage and in total, total / answer length, scoring and
proficiency as a share of transcription, and the bare baseline, a plain
``WhisperModel.transcribe()`` of the same speech WAV with the same model, precision,
threads, beam size, VAD and word timestamps, in the same process (runs interleaved).
Models are loaded and warmed on a 5 s answer first; load times are reported apart.
Peak RSS of a fresh process holding both models (Whisper + MiniLM) after one answer
is measured in a child process per Whisper model.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_pipeline.py [--lengths 30,120,300] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT  # noqa: E402

SAMPLE_RATE = 16_000


# ------------------------------------------------------------------------------ media
def answer_text(words: int) -> str:
    """Interview-answer prose of about ``words`` words: the seeded exemplars, best first."""
    pieces = [
        ex["text"]
        for q in ML_ENGINEER_ASSESSMENT["questions"]
        if "rubric" in q
        for ex in sorted(q["rubric"]["exemplars"], key=lambda e: -e["level"])
        if ex["level"] >= 3
    ]
    out: list[str] = []
    while sum(len(p.split()) for p in out) < words:
        out += pieces
    return " ".join(out)


def _run(cmd: list[str], **kw: Any) -> None:
    subprocess.run(cmd, check=True, capture_output=True, **kw)


def make_answer(seconds: int, folder: Path) -> tuple[Path, Path]:
    """A ``seconds``-long speech WAV (16 kHz mono) and WebM (VP8 still + Opus); cached by length."""
    wav, webm = folder / f"answer_{seconds}s.wav", folder / f"answer_{seconds}s.webm"
    if wav.exists() and webm.exists():
        return wav, webm
    raw = folder / f"raw_{seconds}s.wav"
    words = int(seconds * 3.2)
    while True:  # espeak-ng's pace depends on the text; read more until long enough
        _run(
            ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(raw), "--stdin"],
            input=answer_text(words).encode(),
        )
        if raw.stat().st_size / (22_050 * 2) >= seconds:
            break
        words *= 2
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(raw),
            "-t",
            str(seconds),
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-c:a",
            "pcm_s16le",
            str(wav),
        ]
    )
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x3c4650:s=640x480:r=30",
            "-i",
            str(wav),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-t",
            str(seconds),
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-b:v",
            "300k",
            "-c:a",
            "libopus",
            "-b:a",
            "48k",
            "-ar",
            "48000",
            str(webm),
        ]
    )
    raw.unlink()
    return wav, webm


# ------------------------------------------------------------------------------ timing
class Stages:
    """Wall time of the pipeline's stages, recorded by wrapping them (no change to the worker)."""

    def __init__(self) -> None:
        self.t: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.t[name] = self.t.get(name, 0.0) + seconds

    def wrap_async(self, module: Any, attr: str, name: str) -> None:
        fn = getattr(module, attr)

        async def timed(*a: Any, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return await fn(*a, **kw)
            finally:
                self.add(name, time.perf_counter() - start)

        setattr(module, attr, timed)

    def wrap_sync(self, owner: Any, attr: str, name: str) -> None:
        fn = getattr(owner, attr)

        def timed(*a: Any, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.add(name, time.perf_counter() - start)

        setattr(owner, attr, timed)


@contextmanager
def timer(out: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    out[name] = time.perf_counter() - start


# ------------------------------------------------------------------------------ pipeline
async def _submit(db_url: str, store: Any, world: Any, webm: Path, seconds: float, take: int) -> uuid.UUID:
    """A submitted, queued video response whose WebM is in the object store."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from server.db.engine import session_maker
    from server.db.models import Attempt, QuestionKind, Response, ResponseState

    key = f"responses/{uuid.uuid4()}/video.webm"
    store.put_file(key, webm, "video/webm")
    engine = create_async_engine(db_url, poolclass=NullPool)
    async with session_maker(engine)() as db:
        if world.attempt_id is None:
            attempt = Attempt(
                invitation_id=world.a.invitation_ids["Alice"],
                consented_at=datetime.now(UTC),
                consent_version="bench",
            )
            db.add(attempt)
            await db.flush()
            world.attempt_id = attempt.id
        r = Response(
            attempt_id=world.attempt_id,
            question_id=world.a.question_ids[1],
            take_id=uuid.uuid4(),
            take=take,
            kind=QuestionKind.VIDEO,
            media_key=key,
            duration_s=seconds,
            state=ResponseState.QUEUED,
            is_current=True,
            submitted_at=datetime.now(UTC),
        )
        db.add(r)
        await db.commit()
        rid = r.id
    await engine.dispose()
    return rid


async def _words_if_ready(ctx: Any, rid: uuid.UUID) -> int:
    """Words in the stored transcript; exits unless a transcript and a suggestion were stored."""
    from sqlalchemy import select

    from server.db.models import Response, Suggestion, Transcript

    async with ctx.sessions() as db:
        r = await db.get(Response, rid)
        sugg = (
            await db.execute(
                select(Suggestion).where(Suggestion.response_id == rid, Suggestion.is_current.is_(True))
            )
        ).scalar_one_or_none()
        tr = (await db.execute(select(Transcript).where(Transcript.response_id == rid))).scalar_one_or_none()
        assert r is not None
        if sugg is None or tr is None:
            raise SystemExit(f"response {rid} ended {r.state}: {r.state_reason}")
        return len(tr.text.split())


async def bench(args: argparse.Namespace, work: Path) -> None:
    from faster_whisper import WhisperModel, decode_audio

    from server.db.migrate import upgrade
    from server.jobs import pipeline
    from server.jobs.runtime import build_context
    from server.settings import Settings
    from tests.support.world import build_world

    lengths = [int(x) for x in args.lengths.split(",") if x.strip()]
    folder = args.media_dir
    folder.mkdir(parents=True, exist_ok=True)
    prep: dict[str, float] = {}
    with timer(prep, "make media (cached)"):
        answers = {s: make_answer(s, folder) for s in [5, *lengths]}

    db_path = work / "viva.db"
    db_url = f"sqlite+aiosqlite:///{db_path}"
    with timer(prep, "migrate+world"):
        upgrade(db_url)
        world = await build_world(db_url)
    world.attempt_id = None  # type: ignore[attr-defined]
    settings = Settings.from_env(
        {
            "VIVA_DATABASE_URL": db_url,
            "VIVA_SECRET_KEY": "bench-" + "x" * 40,
            "VIVA_WHISPER_MODEL": args.model,
            "VIVA_MODEL_DEVICE": "cpu",
            "VIVA_MODEL_THREADS": str(args.threads),
            "VIVA_JOBS_MAX_TRIES": "1",
        },
        data_dir=work / "data",
    )
    ctx, engine = build_context(settings)
    ctx.models.cache_dir = str(args.cache_dir)

    stages = Stages()
    stages.wrap_async(pipeline, "_transcribe", "transcription")
    stages.wrap_async(pipeline, "_score", "scoring")
    stages.wrap_async(pipeline, "_proficiency", "proficiency")
    import media.derive

    stages.wrap_sync(media.derive, "extract_wav", "ffmpeg wav")
    stages.wrap_sync(media.derive, "make_poster", "ffmpeg poster")
    transcriber = ctx.models.transcriber()
    with timer(prep, "load Transcriber"):
        transcriber.load()
    stages.wrap_sync(transcriber, "transcribe", "asr")
    with timer(prep, "load bare WhisperModel"):
        bare = WhisperModel(
            str(transcriber.model_dir),
            device="cpu",
            compute_type=transcriber.compute_type,
            cpu_threads=args.threads,
        )

    take = 0

    async def run_pipeline(seconds: int) -> dict[str, float]:
        nonlocal take
        take += 1
        rid = await _submit(db_url, ctx.store, world, answers[seconds][1], seconds, take)
        stages.t = {}
        start = time.perf_counter()
        await pipeline.process_response(ctx, response_id=str(rid))
        total = time.perf_counter() - start
        return {**stages.t, "total": total, "words": await _words_if_ready(ctx, rid)}

    def run_bare(seconds: int) -> float:
        samples = decode_audio(str(answers[seconds][0]), sampling_rate=SAMPLE_RATE)
        start = time.perf_counter()
        segments, _ = bare.transcribe(samples, beam_size=5, word_timestamps=True, vad_filter=True)
        list(segments)
        return time.perf_counter() - start

    with timer(prep, "warm-up (5 s answer)"):
        await run_pipeline(5)  # loads MiniLM, content model, caches the rubric's embeddings
        run_bare(5)

    results: dict[int, list[dict[str, float]]] = {s: [] for s in lengths}
    bare_s: dict[int, list[float]] = {s: [] for s in lengths}
    for rep in range(args.runs):
        for s in lengths:
            if rep % 2 == 0:  # interleave, alternating which goes first
                results[s].append(await run_pipeline(s))
                bare_s[s].append(run_bare(s))
            else:
                bare_s[s].append(run_bare(s))
                results[s].append(await run_pipeline(s))
            print(
                f"  {s:4d} s answer, run {rep + 1}: pipeline {results[s][-1]['total']:.1f} s, "
                f"bare {bare_s[s][-1]:.1f} s",
                flush=True,
            )
    await engine.dispose()
    peak_here = peak_rss_mib()

    def med(s: int, key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in results[s])

    print()
    print(
        f"model {transcriber.model_version}, {args.threads} threads, beam 5, VAD, word timestamps; "
        f"median of {args.runs} run(s) per length"
    )
    print("setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in prep.items()))
    head = (
        f"{'answer':>7} {'words':>6} {'total s':>8} {'ratio':>7} {'transcr.':>8} {'ffmpeg':>7} "
        f"{'asr':>7} {'score':>7} {'prof.':>7} {'other':>6} {'score%':>7} {'prof%':>7} "
        f"{'bare s':>7} {'bare':>6} {'vs bare':>8}"
    )
    print(head)
    for s in lengths:
        total, tr, asr = med(s, "total"), med(s, "transcription"), med(s, "asr")
        ff = med(s, "ffmpeg wav") + med(s, "ffmpeg poster")
        sc, pr = med(s, "scoring"), med(s, "proficiency")
        b = statistics.median(bare_s[s])
        print(
            f"{s:>6}s {int(med(s, 'words')):>6} {total:>8.2f} {total / s:>7.3f} {tr:>8.2f} {ff:>7.2f} "
            f"{asr:>7.2f} {sc:>7.3f} {pr:>7.3f} {total - tr - sc - pr:>6.2f} {100 * sc / tr:>6.2f}% "
            f"{100 * pr / tr:>6.2f}% {b:>7.2f} {b / s:>6.3f} {total / b:>7.2f}x"
        )
    print(
        "ratio = total / answer length; bare = bare WhisperModel.transcribe / answer length; "
        "vs bare = pipeline total / bare transcribe"
    )
    print(f"peak RSS of this process (Transcriber + bare WhisperModel + MiniLM): {peak_here:.0f} MiB")


# ------------------------------------------------------------------------------ memory
def peak_rss_mib(field: str = "VmHWM") -> float:
    """Peak (``VmHWM``) or current (``VmRSS``) resident memory; unlike ru_maxrss, not inherited over exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_probe(model: str, cache_dir: Path, audio: Path) -> None:
    """Child process: load Whisper ``model`` and MiniLM, handle one answer, print peak and current RSS."""
    from scoring.exemplar_scorer import ExemplarScorer
    from scoring.rubric import Rubric
    from scoring.transcription import Transcriber

    transcript = Transcriber(model=model, device="cpu", cache_dir=cache_dir).transcribe(audio)
    scorer = ExemplarScorer()
    scorer.suggest(scorer.prepare(Rubric(question="Tell us about your last project."), []), transcript.text)
    print(f"{peak_rss_mib():.0f} MiB (resident afterwards {peak_rss_mib('VmRSS'):.0f} MiB)")


def measure_rss(models: list[str], cache_dir: Path, audio: Path) -> None:
    for model in models:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--rss-probe",
                model,
                "--cache-dir",
                str(cache_dir),
                "--probe-audio",
                str(audio),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = out.stdout.strip().splitlines()
        value = lines[-1] if out.returncode == 0 and lines else f"failed: {out.stderr[-300:]}"
        print(f"peak RSS, fresh process with Whisper {model} + MiniLM after one answer: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lengths", default="30,120,300", help="answer lengths in seconds, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per length (median reported)")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rss-models", default="tiny.en,base", help="Whisper models to measure peak RSS with (empty to skip)"
    )
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".viva" / "models")
    parser.add_argument(
        "--media-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "viva-bench-media",
        help="generated answers are kept here and reused",
    )
    parser.add_argument("--rss-probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--probe-audio", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_probe:
        rss_probe(args.rss_probe, args.cache_dir, args.probe_audio)
        return
    import logging

    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory(prefix="viva-bench-pipeline-") as tmp:
        work = Path(tmp)
        asyncio.run(bench(args, work))
        models = [m for m in args.rss_models.split(",") if m.strip()]
        if models:
            measure_rss(models, args.cache_dir, args.media_dir / "answer_5s.wav")


if __name__ == "__main__":
    main()
