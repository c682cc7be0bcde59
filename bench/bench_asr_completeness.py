"""Benchmark: word error and deletion rates of the product's transcription vs bare faster-whisper.

Long answers (40-60 s) are made at run time (``tests/support/asr_corpus.py``):
espeak-ng voices and speeds with sox noise at several SNRs, and speechocean762
clips of one speaker after another joined into answers. Each is transcribed by the
product's :class:`~scoring.transcription.Transcriber` and by a bare
``WhisperModel.transcribe(vad_filter=True)`` with the same model, beam, precision
and threads, in this process. Prints corpus WER and deletion rate (deleted
reference words / reference words) of both, their ratio, the share of speech the
product marked as gaps, and the time ratio (noisy on a shared machine).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_asr_completeness.py \\
        [--espeak 6] [--speechocean /work/shared/data/speechocean762 --max-so 4]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jiwer  # noqa: E402
from faster_whisper import decode_audio  # noqa: E402

from scoring.proficiency_eval import normalise_for_wer  # noqa: E402
from scoring.transcription import Transcriber  # noqa: E402
from tests.support.asr_corpus import espeak_answers, speechocean_answers  # noqa: E402


def _rates(refs: list[str], hyps: list[str]) -> tuple[float, float]:
    out = jiwer.process_words([normalise_for_wer(r) for r in refs], [normalise_for_wer(h) for h in hyps])
    n = out.hits + out.substitutions + out.deletions
    return float(out.wer), out.deletions / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--espeak", type=int, default=6, help="espeak-ng answers (voices x SNRs)")
    parser.add_argument("--speechocean", type=Path, default=ROOT / "tests" / "data" / "speechocean762")
    parser.add_argument("--max-so", type=int, default=4, help="speechocean762 answers at most")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        answers = espeak_answers(out, count=args.espeak, snrs=(None, 20.0, 10.0, 5.0, 15.0, 0.0))
        answers += speechocean_answers(args.speechocean, out, max_answers=args.max_so)
        product = Transcriber(device="cpu", cpu_threads=args.threads)
        bare = product.load()  # the same WhisperModel object: same weights, precision, threads
        rows, refs, hyp_p, hyp_b = [], [], [], []
        t_p = t_b = 0.0
        gap_s = speech_s = 0.0
        for a in answers:
            samples = decode_audio(str(a.path), sampling_rate=16_000)
            start = time.perf_counter()
            segments, _ = bare.transcribe(samples, beam_size=5, word_timestamps=True, vad_filter=True)
            bare_text = " ".join(s.text.strip() for s in segments)
            t_b += time.perf_counter() - start
            start = time.perf_counter()
            transcript = product.transcribe(samples)
            t_p += time.perf_counter() - start
            refs.append(a.reference)
            hyp_p.append(transcript.text)
            hyp_b.append(bare_text)
            gap_s += sum(g.seconds for g in transcript.gaps)
            speech_s += transcript.speech_seconds or 0.0
            wp, dp = _rates([a.reference], [transcript.text])
            wb, db = _rates([a.reference], [bare_text])
            rows.append(
                (a.name, a.spans[-1].end, wb, wp, db, dp, len(transcript.gaps), transcript.completeness)
            )
    print(
        f"{'answer':<40} {'s':>5} {'WER bare':>9} {'product':>8} {'del bare':>9} {'product':>8} "
        f"{'gaps':>5} {'complete':>9}"
    )
    for name, secs, wb, wp, db, dp, gaps, comp in rows:
        c = "—" if comp is None else f"{comp:.2f}"
        print(f"{name:<40} {secs:>5.0f} {wb:>9.3f} {wp:>8.3f} {db:>9.3f} {dp:>8.3f} {gaps:>5} {c:>9}")
    wer_b, del_b = _rates(refs, hyp_b)
    wer_p, del_p = _rates(refs, hyp_p)
    print(
        f"\ncorpus ({len(answers)} answers): WER bare {wer_b:.3f}, product {wer_p:.3f} "
        f"(ratio {wer_p / wer_b:.3f}); deletion rate bare {del_b:.3f}, product {del_p:.3f} "
        f"(ratio {del_p / del_b if del_b else float('nan'):.3f})"
    )
    print(f"speech marked as gaps by the product: {gap_s:.1f} s of {speech_s:.1f} s")
    print(f"time: bare {t_b:.1f} s, product {t_p:.1f} s (ratio {t_p / t_b:.2f}; shared machine, noisy)")
    verdict = "OK" if wer_p <= 1.05 * wer_b else "WORSE than bare by more than 5% relative"
    print(f"product vs bare WER: {verdict}")


if __name__ == "__main__":
    main()
