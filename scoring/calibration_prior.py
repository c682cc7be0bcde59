"""Build the prior calibration shipped in ``scoring/calibration_prior.json``.

The prior holds conformal quantiles of the scorer's nonconformity per regime, measured
where the scorer could not have seen the answers it was scored on:

* ``regime:exemplars:references`` and ``regime:few_examples``: SemEval-2013 training data
  (CC BY-SA 3.0, see ``/work/shared/data/semeval2013/LICENSE``), group K-fold by question:
  each question scored by a content model fitted on other questions only, from its
  reference answers alone and with a few of its own answers as confirmed reviews;
* ``regime:examples``: the same data, K-fold within questions (many reviews);
* ``regime:exemplars:graded``: the bank's own exemplars, leave-one-out: each exemplar is
  scored against its question's other exemplars (the day-one case of a bank question,
  whose exemplars sit at several levels).

* ``regime:exemplars:reliability:<band>``: the same SemEval answers of unseen questions read
  aloud by espeak-ng and transcribed by tiny.en (``viva eval --spoken``), per transcript
  reliability band (``scoring.reliability``), so that a new question's spoken answers get
  intervals as wide as their transcripts are doubtful. Added to an existing prior with
  ``--spoken`` (the other groups are kept as they are)::

    python -m scoring.calibration_prior --update scoring/calibration_prior.json \
        --spoken $D/beetle --spoken $D/sciEntsBank --spoken-n 2000 -o scoring/calibration_prior.json

Only the quantiles are shipped (a few kilobytes), not the data. Run::

    D=/work/shared/data/semeval2013/training/3way
    python -m scoring.calibration_prior --semeval $D/sciEntsBank --semeval $D/beetle \
        --bank server/seed/bank -o scoring/calibration_prior.json

Each SemEval folder is evaluated on its own (its questions' models fitted on its other
questions), exactly as ``viva eval --unseen-questions`` and ``viva eval`` do, with the
same folds and seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from scoring.calibration import CalibrationPrior, nonconformity
from scoring.embeddings import Encoder, default_encoder
from scoring.exemplar_scorer import ExemplarScorer, ScorerConfig
from scoring.rubric import Rubric, RubricLevel

__all__ = ["bank_leave_one_out", "build_prior", "read_bank_rubrics", "spoken_groups"]


def read_bank_rubrics(paths: Iterable[Path]) -> list[Rubric]:
    """Rubrics of bank questions (the bank's JSON format) from files or folders of them."""
    files: list[Path] = []
    for p in paths:
        files += sorted(p.glob("*.json")) if p.is_dir() else [p]
    out = []
    for f in files:
        obj = json.loads(f.read_text(encoding="utf-8"))
        for q in obj.get("questions", []):
            rubric = q.get("rubric") or {}
            scale = tuple(range(int(rubric.get("scale_min", 1)), int(rubric.get("scale_max", 5)) + 1))
            descriptors = {int(lv["level"]): str(lv.get("descriptor", "")) for lv in rubric.get("levels", [])}
            exemplars: dict[int, list[str]] = {}
            for ex in rubric.get("exemplars", []):
                exemplars.setdefault(int(ex["level"]), []).append(str(ex["text"]))
            out.append(
                Rubric(
                    question=str(q["prompt"]),
                    question_id=str(q.get("id", "")),
                    scale=scale,
                    levels=tuple(
                        RubricLevel(
                            level=lv,
                            descriptor=descriptors.get(lv, ""),
                            exemplars=tuple(exemplars.get(lv, ())),
                        )
                        for lv in scale
                    ),
                )
            )
    return out


def bank_leave_one_out(scorer: ExemplarScorer, rubrics: Sequence[Rubric]) -> list[float]:
    """Nonconformity of each bank exemplar scored against its question's other exemplars."""
    scores: list[float] = []
    for rubric in rubrics:
        pairs = rubric.exemplar_pairs()
        if len({lv for _, lv in pairs}) < 3:
            continue  # without the other exemplars at two levels there is no graded rubric left
        for text, level in pairs:
            rest = Rubric(
                question=rubric.question,
                question_id=rubric.question_id,
                scale=rubric.scale,
                levels=tuple(
                    RubricLevel(
                        level=lv.level,
                        descriptor=lv.descriptor,
                        exemplars=tuple(t for t in lv.exemplars if t != text),
                    )
                    for lv in rubric.levels
                ),
            )
            s = scorer.suggest(rest, text)
            if s.abstained or s.score is None or s.spread is None:
                continue
            scores.append(float(nonconformity([s.score], [s.spread], [level])[0]))
    return scores


def build_prior(
    semeval: Sequence[Path],
    bank: Sequence[Path],
    *,
    folds: int = 5,
    seed: int = 0,
    encoder: Encoder | None = None,
) -> CalibrationPrior:
    """Fit the prior on SemEval-style folders (unseen questions and within questions) and the bank."""
    from scoring.evaluation.runner import Prediction, run_predictions

    enc = encoder if encoder is not None else default_encoder()
    groups: dict[str, list[float]] = {}
    sources = []

    def add(preds: Sequence[Prediction], key_of: dict[str, str]) -> None:
        for p in preds:
            if p.abstain_reason is None and p.regime in key_of:
                groups.setdefault(key_of[p.regime], []).extend(
                    float(v) for v in nonconformity([p.score], [p.spread], [p.human])
                )

    for path in semeval:
        unseen = run_predictions("semeval", path, folds=folds, seed=seed, unseen_questions=True, encoder=enc)
        add(unseen, {"exemplars": "regime:exemplars:references", "few_examples": "regime:few_examples"})
        within = run_predictions("semeval", path, folds=folds, seed=seed, encoder=enc)
        add(within, {"examples": "regime:examples", "few_examples": "regime:few_examples"})
    if semeval:
        names = ", ".join(p.name for p in semeval)
        sources.append(f"SemEval-2013 Task 7 training data ({names}; CC BY-SA 3.0)")
    rubrics = read_bank_rubrics(bank)
    if rubrics:
        scorer = ExemplarScorer(encoder=enc, config=ScorerConfig(min_words=2))
        groups["regime:exemplars:graded"] = bank_leave_one_out(scorer, rubrics)
        sources.append(f"bank exemplars leave-one-out ({len(rubrics)} questions)")
    refs, graded = groups.get("regime:exemplars:references", []), groups.get("regime:exemplars:graded", [])
    if refs or graded:
        groups["regime:exemplars"] = [*refs, *graded]
    return CalibrationPrior.fit(groups, source="; ".join(sources))


def spoken_groups(
    semeval: Sequence[Path],
    *,
    limit: int | None,
    cache_dir: Path | None = None,
    folds: int = 5,
    seed: int = 0,
    encoder: Encoder | None = None,
    report_dir: Path | None = None,
) -> dict[str, list[float]]:
    """Nonconformity of spoken day-one answers (unseen questions) per reliability band.

    With ``report_dir``, each folder's ``viva eval`` report (text and JSON) is written there.
    """
    from scoring.evaluation.report import format_report
    from scoring.evaluation.runner import Prediction, run_evaluation
    from scoring.transcription import Transcriber

    enc = encoder if encoder is not None else default_encoder()
    transcriber = Transcriber(model="tiny.en", device="cpu")
    groups: dict[str, list[float]] = {}
    for path in semeval:
        spoken: list[Prediction] = []
        report = run_evaluation(
            "semeval",
            path,
            folds=folds,
            seed=seed,
            unseen_questions=True,
            spoken=True,
            spoken_limit=limit,
            spoken_cache=cache_dir,
            transcriber=transcriber,
            encoder=enc,
            progress=False,
            spoken_out=spoken,
        )
        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
            (report_dir / f"{path.name}.txt").write_text(format_report(report) + "\n", encoding="utf-8")
            (report_dir / f"{path.name}.json").write_text(
                json.dumps(report.to_dict(), indent=2), encoding="utf-8"
            )
        for p in spoken:
            if p.abstain_reason is None and p.band:
                groups.setdefault(f"regime:{p.regime}:reliability:{p.band}", []).extend(
                    float(v) for v in nonconformity([p.score], [p.spread], [p.human])
                )
    return groups


@click.command()
@click.option(
    "--semeval",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="SemEval XML folder (repeat for several).",
)
@click.option(
    "--bank", type=click.Path(exists=True, path_type=Path), multiple=True, help="Bank JSON file/folder."
)
@click.option(
    "--spoken",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    help="SemEval XML folder to speak (espeak-ng, tiny.en) for the reliability-band groups.",
)
@click.option("--spoken-n", type=click.IntRange(min=1), default=None, help="Answers to speak per folder.")
@click.option("--spoken-cache", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write each spoken folder's viva eval report here.",
)
@click.option(
    "--update",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Start from this prior and only add (or replace) the spoken groups.",
)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def main(
    semeval: tuple[Path, ...],
    bank: tuple[Path, ...],
    spoken: tuple[Path, ...],
    spoken_n: int | None,
    spoken_cache: Path | None,
    report_dir: Path | None,
    update: Path | None,
    folds: int,
    output: Path,
) -> None:
    """Fit and write the prior calibration."""
    if update is not None:
        prior = CalibrationPrior.from_json(update.read_text(encoding="utf-8"))
    else:
        prior = build_prior(semeval, bank, folds=folds)
    if spoken:
        extra = CalibrationPrior.fit(
            spoken_groups(spoken, limit=spoken_n, cache_dir=spoken_cache, folds=folds, report_dir=report_dir),
            source="",
        )
        names = ", ".join(p.name for p in spoken)
        n_spoken = f"{spoken_n} answers each" if spoken_n else "every answer"
        prior = CalibrationPrior(
            quantiles={**prior.quantiles, **extra.quantiles},
            n={**prior.n, **extra.n},
            source=f"{prior.source.split('; spoken')[0]}; spoken (espeak-ng, tiny.en) SemEval-2013 "
            f"{names}, {n_spoken}",
            version=prior.version,
        )
    output.write_text(prior.to_json() + "\n", encoding="utf-8")
    for key in sorted(prior.quantiles):
        click.echo(f"{key}: n={prior.n[key]} q80={prior.quantile(key, 0.8):.3f}")


if __name__ == "__main__":
    main()
