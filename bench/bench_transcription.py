"""Benchmark: the product's Transcriber against a bare faster-whisper WhisperModel.

Same audio, model, precision and threads, in one process. Prints the median
wall time of each over several runs, their ratio, the proficiency computation
time as a share of transcription time, and the peak resident memory.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_transcription.py [--audio F] [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faster_whisper import WhisperModel, decode_audio  # noqa: E402

from scoring.proficiency import assess_speech  # noqa: E402
from scoring.transcription import Transcriber  # noqa: E402


def _median_seconds(*fns: Callable[[], object], runs: int) -> list[float]:
    """Median wall time of each function; runs are interleaved so drift hits all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, slot in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            slot.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, default=ROOT / "tests" / "data" / "jfk.flac")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".viva" / "models")
    args = parser.parse_args()

    product = Transcriber(
        model=args.model,
        device="cpu",
        compute_type="int8",
        cpu_threads=args.threads,
        cache_dir=args.cache_dir,
    )
    started = time.perf_counter()
    product.load()
    load_product = time.perf_counter() - started
    started = time.perf_counter()
    bare = WhisperModel(str(product.model_dir), device="cpu", compute_type="int8", cpu_threads=args.threads)
    load_bare = time.perf_counter() - started
    samples = decode_audio(str(args.audio), sampling_rate=16_000)

    def run_bare() -> list[object]:
        segments, _ = bare.transcribe(samples, beam_size=5, word_timestamps=True, vad_filter=True)
        return list(segments)

    transcript = product.transcribe(samples)  # warm-up both, and keep one result
    run_bare()
    t_bare, t_product, t_decode = _median_seconds(
        run_bare,
        lambda: product.transcribe(samples),
        lambda: product.transcribe(args.audio),
        runs=args.runs,
    )
    (t_prof,) = _median_seconds(lambda: assess_speech(transcript.words, transcript.text), runs=args.runs * 20)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    audio_s = len(samples) / 16_000
    print(
        f"audio {args.audio.name} ({audio_s:.1f} s), model {product.model_version}, "
        f"{args.threads} threads, median of {args.runs} runs"
    )
    rows = [
        ("model load, Transcriber", load_product, ""),
        ("model load, bare WhisperModel", load_bare, ""),
        ("bare WhisperModel.transcribe (array)", t_bare, f"RTF {t_bare / audio_s:.3f}"),
        ("Transcriber.transcribe (array)", t_product, f"x{t_product / t_bare:.3f} of bare"),
        ("Transcriber.transcribe (file, decode)", t_decode, f"x{t_decode / t_bare:.3f} of bare"),
        ("assess_speech (proficiency)", t_prof, f"{100 * t_prof / t_product:.2f}% of transcribe"),
    ]
    print(f"{'step':40s} {'seconds':>9s}  note")
    for name, seconds, note in rows:
        print(f"{name:40s} {seconds:9.4f}  {note}")
    print(f"{'peak RSS':40s} {peak_mib:8.0f}M")


if __name__ == "__main__":
    main()
