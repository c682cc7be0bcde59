"""``viva eval-proficiency``: correlate English-proficiency signals with expert scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

__all__ = ["eval_proficiency_command", "format_proficiency_report"]


def format_proficiency_report(report: dict[str, Any]) -> str:
    """A plain-text table: each signal's Pearson r / Spearman rho with each score column."""
    columns: list[str] = list(report.get("score_columns", []))
    correlations: dict[str, dict[str, dict[str, Any]]] = report.get("correlations", {})
    lines = [
        f"clips: {report.get('clips')}  no speech: {report.get('no_speech')}  "
        f"reliable: {report.get('reliable')}  model: {report.get('model', {}).get('version')}  "
        f"time: {report.get('seconds')} s",
    ]
    if report.get("wer") is not None:
        lines.append(f"word error rate ({report.get('text_column')}): {report['wer']:.3f}")
    width = max([len(s) for s in correlations] + [12])
    lines.append("signal".ljust(width) + "".join(f"  {c[:18]:>18}" for c in columns))
    lines.append(" " * width + "".join(f"  {'r / rho':>18}" for _ in columns))
    for signal, per_column in correlations.items():
        cells = []
        for c in columns:
            cell = per_column.get(c) or {}
            r, rho = cell.get("pearson"), cell.get("spearman")
            cells.append("—" if r is None else f"{r:+.2f} / {rho:+.2f}")
        lines.append(signal.ljust(width) + "".join(f"  {x:>18}" for x in cells))
    return "\n".join(lines)


@click.command("eval-proficiency")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="CSV with an audio column (paths relative to the CSV) and "
              "numeric expert-score columns.")
@click.option("--audio-column", default="audio", show_default=True)
@click.option("--text-column", default="text", show_default=True,
              help="Reference transcripts, for word error rate (when present).")
@click.option("--model", type=click.Choice(["tiny.en", "base"]), default="tiny.en",
              show_default=True, help="Whisper model.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N clips.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every figure here as one JSON object.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def eval_proficiency_command(csv_path: Path, audio_column: str, text_column: str, model: str,
                             limit: int | None, json_out: Path | None, quiet: bool) -> None:
    """Transcribe each clip and report how each signal and the band track the experts."""
    from scoring.proficiency_eval import evaluate_proficiency
    from scoring.transcription import Transcriber

    report = evaluate_proficiency(csv_path, audio_column=audio_column, text_column=text_column,
                                  transcriber=Transcriber(model=model), limit=limit,
                                  progress=not quiet)
    click.echo(format_proficiency_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, default=str))
        click.echo(f"wrote {json_out}")
