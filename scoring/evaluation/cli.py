"""``viva eval``: evaluate the content scorer against human scores, beside the baseline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click

from scoring.evaluation.report import format_report
from scoring.evaluation.runner import run_evaluation
from scoring.model_registry import DEFAULT_MODEL, MODELS
from scoring.transcription import Transcriber

__all__ = ["eval_command"]


def _snr(value: str) -> float | None:
    if value.strip().lower() == "clean":
        return None
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a number of dB nor 'clean'.", param_hint="--spoken-snr"
        ) from None


def _espeak_voices() -> set[str]:
    """Voice names espeak-ng knows, variants (``+m3``) appended to any of them."""
    out = subprocess.run(["espeak-ng", "--voices"], check=True, capture_output=True, text=True, timeout=30)
    names = {line.split()[1] for line in out.stdout.splitlines()[1:] if len(line.split()) > 1}
    variants = subprocess.run(
        ["espeak-ng", "--voices=variant"], check=True, capture_output=True, text=True, timeout=30
    )
    plus = {
        line.split()[3].split("/")[-1] for line in variants.stdout.splitlines()[1:] if len(line.split()) > 3
    }
    return names | {f"{n}+{v}" for n in names for v in plus}


@click.command("eval")
@click.option(
    "--format", "fmt", type=click.Choice(["semeval", "csv", "jsonl"]), required=True, help="Input format."
)
@click.option(
    "--train",
    type=click.Path(exists=True, path_type=Path),
    required=True,
    help="Training data (file or folder).",
)
@click.option(
    "--test",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Test data; without it, cross-validation.",
)
@click.option(
    "--folds", type=click.IntRange(min=2), default=5, show_default=True, help="Cross-validation folds."
)
@click.option(
    "--level",
    type=click.FloatRange(0.5, 0.99),
    default=0.8,
    show_default=True,
    help="Interval coverage level.",
)
@click.option(
    "--unseen-questions",
    is_flag=True,
    help="Hold out whole questions (group K-fold by question): the day-one case, scored from "
    "reference answers alone and with a few reviews; without --test only.",
)
@click.option(
    "--few-reviews",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="With --unseen-questions: also score each held-out question with this many of its answers "
    "as confirmed reviews (0: exemplars only).",
)
@click.option(
    "--min-words", type=click.IntRange(min=0), default=2, show_default=True, help="Fewer words abstain."
)
@click.option("--spoken", is_flag=True, help="Speak answers with espeak-ng and score the ASR transcripts.")
@click.option(
    "--spoken-n",
    "--spoken-limit",
    "spoken_n",
    type=click.IntRange(min=1),
    default=None,
    help="Answers to speak (a fixed hash order, so a larger run reuses a smaller one's cache); "
    "default: every answer.",
)
@click.option(
    "--spoken-voice",
    "spoken_voices",
    multiple=True,
    help="espeak-ng voice to draw from per answer (repeat; default: en-us and four of its variants).",
)
@click.option(
    "--spoken-speed",
    "spoken_speeds",
    type=click.IntRange(80, 450),
    multiple=True,
    help="Speed in words per minute to draw from per answer (repeat; default: 145-175).",
)
@click.option(
    "--spoken-snr",
    "spoken_snrs",
    multiple=True,
    help="Added white noise (sox) as a signal-to-noise ratio in dB, or 'clean'; one drawn per "
    "answer (repeat; default: clean).",
)
@click.option(
    "--spoken-drop-below",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Experiment: score transcripts without their words below this recogniser probability.",
)
@click.option(
    "--spoken-regime",
    type=click.Choice(["exemplars", "few_examples"]),
    default="exemplars",
    show_default=True,
    help="With --unseen-questions: speak the answers scored from reference answers alone (day one) "
    "or those scored with --few-reviews reviews.",
)
@click.option(
    "--spoken-model",
    type=click.Choice(sorted(MODELS)),
    default=DEFAULT_MODEL,
    show_default=True,
    help="Whisper model for spoken mode.",
)
@click.option(
    "--spoken-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Cache for spoken audio and transcripts (default: a folder in the temp dir).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write all results here.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def eval_command(
    fmt: str,
    train: Path,
    test: Path | None,
    folds: int,
    level: float,
    unseen_questions: bool,
    few_reviews: int,
    min_words: int,
    spoken: bool,
    spoken_n: int | None,
    spoken_voices: tuple[str, ...],
    spoken_speeds: tuple[int, ...],
    spoken_snrs: tuple[str, ...],
    spoken_drop_below: float | None,
    spoken_regime: str,
    spoken_model: str,
    spoken_cache: Path | None,
    json_out: Path | None,
    quiet: bool,
) -> None:
    """Score human-scored answers and report agreement, intervals and abstentions."""
    unknown = [v for v in spoken_voices if v not in _espeak_voices()]
    if unknown:
        raise click.BadParameter(
            f"espeak-ng has no voice {', '.join(map(repr, unknown))}; `espeak-ng --voices=en` lists them.",
            param_hint="--spoken-voice",
        )
    if unseen_questions and test is not None:
        raise click.UsageError("--unseen-questions holds out questions of --train; it takes no --test.")
    report = run_evaluation(
        fmt,
        train,
        test,
        folds=folds,
        level=level,
        progress=not quiet,
        spoken=spoken,
        spoken_limit=spoken_n,
        spoken_voices=spoken_voices,
        spoken_speeds=spoken_speeds,
        spoken_snrs=[_snr(v) for v in spoken_snrs],
        spoken_drop_below=spoken_drop_below,
        spoken_regime=spoken_regime,
        min_words=min_words,
        unseen_questions=unseen_questions,
        few_reviews=few_reviews,
        transcriber=Transcriber(model=spoken_model, device="cpu") if spoken else None,
        spoken_cache=spoken_cache,
    )
    click.echo(format_report(report))
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {json_out}")
