"""``viva eval-proficiency``: correlate English-proficiency signals with expert scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

__all__ = ["eval_proficiency_command", "format_model_report", "format_proficiency_report"]


def format_model_report(report: dict[str, Any]) -> str:
    """The learned model's figures: in-sample and speaker-grouped CV r, feature gains, fairness."""
    cv = report["cv"]
    lines = [
        f"learned model {report['model']} on {report['clips']} clips / {report['speakers']} speakers",
        f"  total:   in-sample r = {report['in_sample_r']['total']:.3f}   speaker-grouped CV r = "
        f"{cv['r']['total']:.3f} (± {cv['r_sd']['total']:.3f} over {cv['repeats']} fold splits)",
        f"  fluency: in-sample r = {report['in_sample_r']['fluency']:.3f}   speaker-grouped CV r = "
        f"{cv['r']['fluency']:.3f} (± {cv['r_sd']['fluency']:.3f})",
        f"  held-out RMSE on the 0-10 total: {cv['rmse']:.2f}  ({cv['folds']} folds by speaker, "
        "ridge penalty chosen inside each training fold)",
    ]
    if report.get("feature_gains"):
        lines.append(
            "signal families (speaker-grouped CV r with the total; gain over the shipped signals "
            "on the same clips):"
        )
        for g in report["feature_gains"]:
            gain = "" if g["gain"] is None else f"  gain {g['gain']:+.3f}"
            lines.append(
                f"  {g['set']:<28} {g['clips']:>4} clips  r = {g['cv_r_total']:.3f}  fluency "
                f"{g['cv_r_fluency']:.3f}  RMSE {g['rmse']:.2f}{gain}"
            )
    lines.append("fairness by age group (held-out predictions; error = predicted - experts, 0-10):")
    lines.append(f"  {'group':<22} {'n':>4} {'mean error':>11} {'MAE':>6} {'r':>6}")
    for row in report["fairness"]:
        r = "—" if row["r"] is None else f"{row['r']:.2f}"
        lines.append(
            f"  {row['group']:<22} {row['n']:>4} {row['mean_error']:>+11.2f} {row['mae']:>6.2f} {r:>6}"
        )
    return "\n".join(lines)


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
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="CSV with an audio column (paths relative to the CSV) and numeric expert-score columns.",
)
@click.option("--audio-column", default="audio", show_default=True)
@click.option(
    "--text-column",
    default="text",
    show_default=True,
    help="Reference transcripts, for word error rate (when present).",
)
@click.option(
    "--model",
    type=click.Choice(["tiny.en", "base"]),
    default="tiny.en",
    show_default=True,
    help="Whisper model.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N clips.")
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every figure here as one JSON object.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Transcribe each clip once into this JSON-lines file (resumed if present) and report "
    "the learned model: in-sample and speaker-grouped cross-validated r, each signal family's "
    "gain, and the error by age group. Needs speaker, age, total_mean and fluency_mean columns.",
)
@click.option(
    "--fit",
    "fit_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --cache: refit the model on every clip and save it here (versioned JSON).",
)
def eval_proficiency_command(
    csv_path: Path,
    audio_column: str,
    text_column: str,
    model: str,
    limit: int | None,
    json_out: Path | None,
    quiet: bool,
    cache_path: Path | None,
    fit_out: Path | None,
) -> None:
    """Transcribe each clip and report how each signal and the band track the experts."""
    from scoring.proficiency_eval import evaluate_proficiency
    from scoring.transcription import Transcriber

    if cache_path is not None:
        from scoring.proficiency_cache import build_cache, read_cache
        from scoring.proficiency_training import evaluate_cache, fit_default

        build_cache(
            csv_path,
            cache_path,
            primary=Transcriber(model=model),
            audio_column=audio_column if audio_column != "audio" else "wav",
            progress=not quiet,
        )
        records = read_cache(cache_path)[:limit] if limit else read_cache(cache_path)
        if fit_out is not None:
            fitted = fit_default(records, trained_on=f"{csv_path} ({len(records)} clips)")
            fitted.save(fit_out)
            click.echo(f"wrote {fit_out}")
        model_report = evaluate_cache(records)
        click.echo(format_model_report(model_report))
        if json_out:
            json_out.write_text(json.dumps(model_report, indent=2, default=str))
            click.echo(f"wrote {json_out}")
        return
    if fit_out is not None:
        raise click.UsageError("--fit needs --cache.")

    report = evaluate_proficiency(
        csv_path,
        audio_column=audio_column,
        text_column=text_column,
        transcriber=Transcriber(model=model),
        limit=limit,
        progress=not quiet,
    )
    click.echo(format_proficiency_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, default=str))
        click.echo(f"wrote {json_out}")
