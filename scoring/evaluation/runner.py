"""Run an evaluation: cross-validation within questions, or train/test, beside the baseline.

Cross-validation (no test set): each question's answers are split into ``folds``; for
each fold, the content model is fitted on the other folds of every question (features
leave-one-out) and the held-out answers are scored with the other folds as confirmed
examples. Conformal intervals for an answer are calibrated on the out-of-fold
predictions of the *other* folds only, so no answer calibrates its own interval.

Unseen questions (``unseen_questions=True``, group K-fold by question): the questions are
split into ``folds``; for each fold the content model is fitted on the other folds'
questions only, and every answer of a held-out question is scored as on day one: from its
reference answers alone (regime ``exemplars``), and again with ``few_reviews`` of its own
answers as confirmed examples (regime ``few_examples``; those answers are not scored).
Intervals are calibrated on the other folds' predictions in the same regime, so no
question calibrates its own intervals: this is what the shipped prior does for a new
question.

Train/test: the model is fitted on all training answers; each test answer is scored with
its question's training answers as confirmed examples (none for an unseen question, which
is then scored from its reference answers alone). Intervals are calibrated on
cross-validated out-of-fold predictions on the training set, per regime (with confirmed
examples, or exemplars only).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from scoring.baseline import knn_baseline
from scoring.calibration import CalibrationRecord, ConformalCalibrator
from scoring.content_model import ContentModel
from scoring.content_training import fit_arrays
from scoring.embeddings import Encoder, default_encoder
from scoring.evaluation.prediction import Prediction
from scoring.evaluation.readers import EvalAnswer, EvalQuestion, read_dataset
from scoring.evaluation.report import EvalReport, SpokenResult, build_results
from scoring.evaluation.spoken import Speaker, evaluate_spoken
from scoring.exemplar_scorer import ExemplarScorer, ScorerConfig, calibration_groups, interval_for
from scoring.features import AnswerVectors, encode_answers, encode_demoted, level_features, prepare_question
from scoring.reliability import reliability_band
from scoring.rubric import Answer, ScoredExample
from scoring.text_units import split_sentences
from scoring.transcription import Transcriber

__all__ = ["Prediction", "fit_content_model", "run_evaluation", "run_predictions"]


def _examples(q: EvalQuestion, idx: Sequence[int]) -> list[ScoredExample]:
    return [
        ScoredExample(text=q.answers[i].text, score=q.answers[i].score, example_id=q.answers[i].answer_id)
        for i in idx
    ]


def _usable(q: EvalQuestion, idx: Sequence[int]) -> list[int]:
    return [i for i in idx if q.answers[i].text.strip() and q.answers[i].score in q.rubric.scale]


class _Runner:
    def __init__(self, encoder: Encoder, config: ScorerConfig, level: float, progress: bool) -> None:
        self.encoder, self.config, self.level, self.progress = encoder, config, level, progress
        self.vectors: dict[str, AnswerVectors] = {}
        self.fold_models: dict[int, tuple[ContentModel, list[list[int]]]] = {}
        self.seen: dict[tuple[str, str], list[int]] = {}  # unseen questions: the few reviews used

    def embed_all(self, questions: Sequence[EvalQuestion]) -> None:
        texts: dict[str, None] = {}
        for q in questions:
            texts[q.rubric.question] = None
            for t, _ in q.rubric.exemplar_pairs():
                texts[t] = None
                texts.update((s.text, None) for s in split_sentences(t))
            for a in q.answers:
                texts[a.text] = None
                texts.update((s.text, None) for s in split_sentences(a.text))
        unique = list(texts)
        for start in tqdm(
            range(0, len(unique), 512), desc="embedding", disable=not self.progress, unit="batch"
        ):
            self.encoder.encode(unique[start : start + 512])
        self.embed_answers([a.text for q in questions for a in q.answers])

    def embed_answers(self, texts: Sequence[str]) -> None:
        """Embed answers (and their sentences) not embedded yet."""
        new = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        self.vectors.update(zip(new, encode_answers(self.encoder, new), strict=True))

    def fit(self, questions: Sequence[EvalQuestion], train_idx: Sequence[Sequence[int]]) -> ContentModel:
        x_ex, x_se, ys = [], [], []
        for q, idx in zip(questions, train_idx, strict=True):
            idx = _usable(q, idx)
            if not idx:
                continue
            pq = prepare_question(self.encoder, q.rubric, _examples(q, idx))
            vecs = [self.vectors[q.answers[i].text] for i in idx]
            demoted = encode_demoted(self.encoder, pq, vecs)
            x_ex.append(level_features(pq, vecs, demoted=demoted, use_examples=False))
            x_se.append(level_features(pq, vecs, demoted=demoted, exclude=list(range(len(idx)))))
            ys.append(np.asarray([q.rubric.scale.index(q.answers[i].score) for i in idx]))
        return fit_arrays(
            np.concatenate(x_ex), np.concatenate(x_se), np.concatenate(ys), version="content-clogit-eval"
        )

    def predict(
        self,
        model: ContentModel,
        q: EvalQuestion,
        examples_idx: Sequence[int],
        answers: Sequence[tuple[int, EvalAnswer]],
        fold: int,
        source: EvalQuestion | None = None,
        heard: Sequence[Answer] | None = None,
    ) -> list[Prediction]:
        """Score ``answers`` ((index, EvalAnswer) pairs) of ``q`` with ``source``'s examples.

        ``heard`` replaces the written answers with what was scored instead (ASR transcripts).
        """
        src = source if source is not None else q
        scorer = ExemplarScorer(encoder=self.encoder, model=model, config=self.config)
        pq = scorer.prepare(src.rubric, _examples(src, _usable(src, examples_idx)))
        items = [a for _, a in answers]
        scored = list(heard) if heard is not None else [Answer(text=a.text) for a in items]
        vecs = [self.vectors[a.text] for a in scored]
        sugg = scorer.suggest_vectors(pq, scored, vecs)
        b_score, b_level = knn_baseline(pq, vecs)
        out = []
        for (i, a), s, bs, bl in zip(answers, sugg, b_score, b_level, strict=True):
            p = Prediction(
                dataset=q.dataset,
                question_id=q.question_id,
                human=a.score,
                human_2=a.score_2,
                fold=fold,
                answer_index=i,
                regime=scorer.regime(pq),
                base_score=float(bs),
                base_level=int(bl),
            )
            if s.abstained:
                p.abstain_reason = str(s.abstain_reason)
            else:
                p.score, p.level, p.spread = float(s.score), int(s.rounded_level), float(s.spread)  # type: ignore[arg-type]
            out.append(p)
        return out


def _records(preds: Sequence[Prediction], baseline: bool, use_band: bool = True) -> list[CalibrationRecord]:
    out = []
    for p in preds:
        band = (p.band or None) if use_band else None
        if baseline:
            out.append(
                CalibrationRecord(
                    suggested=p.base_score,
                    spread=0.0,
                    human=p.human,
                    groups=calibration_groups(p.question_id, p.regime, band),
                )
            )
        elif p.abstain_reason is None:
            out.append(
                CalibrationRecord(
                    suggested=p.score,
                    spread=p.spread,
                    human=p.human,
                    groups=calibration_groups(p.question_id, p.regime, band),
                )
            )
    return out


def _apply_intervals(
    preds: Sequence[Prediction],
    calib: Sequence[Prediction],
    level: float,
    scale: Sequence[int],
    *,
    use_band: bool = True,
) -> None:
    """Intervals as the product gives them (``interval_for``), calibrated on ``calib`` only.

    With ``use_band``, a spoken answer's transcript reliability band picks its own Mondrian
    group (calibrated on the spoken answers of ``calib`` in that band); without, every
    answer gets the typed calibration.
    """
    lo, hi = float(min(scale)), float(max(scale))
    ours = ConformalCalibrator.fit(_records(calib, False, use_band), level=level)
    base = ConformalCalibrator.fit(_records(calib, True, use_band), level=level)
    for p in preds:
        band = (p.band or None) if use_band else None
        if p.abstain_reason is None:
            iv = interval_for(
                ours,
                score=p.score,
                spread=p.spread,
                question_id=p.question_id,
                regime=p.regime,
                kind="",
                low=lo,
                high=hi,
                band=band,
            )
            p.low, p.high = iv.low, iv.high
        iv = interval_for(
            base,
            score=p.base_score,
            spread=0.0,
            question_id=p.question_id,
            regime=p.regime,
            kind="",
            low=lo,
            high=hi,
            band=band,
        )
        p.base_low, p.base_high = iv.low, iv.high


def _assign_folds(questions: Sequence[EvalQuestion], folds: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for q in questions:
        order = sorted(range(len(q.answers)), key=lambda i: (q.answers[i].score, rng.random()))
        f = np.empty(len(q.answers), dtype=np.int64)
        f[order] = (np.arange(len(order)) + int(rng.integers(folds))) % folds  # stratified by score
        out.append(f)
    return out


def _cross_validate(
    run: _Runner, questions: Sequence[EvalQuestion], folds: int, seed: int, *, exemplar_regime: bool
) -> list[Prediction]:
    assignment = _assign_folds(questions, folds, seed)
    preds: list[Prediction] = []
    for k in tqdm(range(folds), desc="folds", disable=not run.progress):
        train_idx = [np.flatnonzero(f != k).tolist() for f in assignment]
        model = run.fit(questions, train_idx)
        run.fold_models[k] = (model, train_idx)
        for q, f, tr in zip(questions, assignment, train_idx, strict=True):
            held = [(int(i), q.answers[i]) for i in np.flatnonzero(f == k)]
            if held:
                preds += run.predict(model, q, tr, held, k)
                if exemplar_regime:
                    preds += run.predict(model, q, [], held, k)
    return preds


def _question_folds(questions: Sequence[EvalQuestion], folds: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(questions))
    f = np.empty(len(questions), dtype=np.int64)
    f[order] = np.arange(len(questions)) % folds
    return f


def _unseen_questions(
    run: _Runner, questions: Sequence[EvalQuestion], folds: int, seed: int, few_reviews: int
) -> list[Prediction]:
    """Group K-fold by question: each question scored by a model that never saw it."""
    assignment = _question_folds(questions, folds, seed)
    rng = np.random.default_rng(seed + 1)
    preds: list[Prediction] = []
    for k in tqdm(range(folds), desc="question folds", disable=not run.progress):
        train = [q for q, f in zip(questions, assignment, strict=True) if f != k]
        model = run.fit(train, [list(range(len(q.answers))) for q in train])
        run.fold_models[k] = (model, [])
        for q, f in zip(questions, assignment, strict=True):
            if f != k or not q.answers:
                continue
            preds += run.predict(model, q, [], list(enumerate(q.answers)), k)
            usable = _usable(q, range(len(q.answers)))
            if few_reviews > 0 and len(usable) > few_reviews:
                seen = sorted(rng.choice(usable, size=few_reviews, replace=False).tolist())
                run.seen[q.dataset, q.question_id] = seen
                rest = [(i, a) for i, a in enumerate(q.answers) if i not in set(seen)]
                preds += run.predict(model, q, seen, rest, k)
    return preds


def fit_content_model(
    fmt: str,
    paths: Sequence[Path | str],
    *,
    version: str,
    min_words: int = 2,
    encoder: Encoder | None = None,
    progress: bool = False,
) -> ContentModel:
    """The content model fitted on every answer of the given data sets, pooled.

    This is how the shipped default (``scoring/content_model_default.json``) is made; the
    evaluation modes fit the same way on their training folds only.
    """
    run = _Runner(
        encoder if encoder is not None else default_encoder(),
        ScorerConfig(min_words=min_words),
        0.8,
        progress,
    )
    questions = [q for path in paths for q in read_dataset(fmt, path)]
    run.embed_all(questions)
    model = run.fit(questions, [list(range(len(q.answers))) for q in questions])
    return dataclasses.replace(model, version=version)


def run_predictions(
    fmt: str,
    train: Path | str,
    *,
    folds: int = 5,
    seed: int = 0,
    unseen_questions: bool = False,
    few_reviews: int = 5,
    min_words: int = 2,
    encoder: Encoder | None = None,
    progress: bool = False,
) -> list[Prediction]:
    """Out-of-fold predictions (no intervals) within questions or by question (see module doc)."""
    run = _Runner(
        encoder if encoder is not None else default_encoder(),
        ScorerConfig(min_words=min_words),
        0.8,
        progress,
    )
    questions = read_dataset(fmt, train)
    run.embed_all(questions)
    if unseen_questions:
        return _unseen_questions(run, questions, folds, seed, few_reviews)
    return _cross_validate(run, questions, folds, seed, exemplar_regime=False)


def run_evaluation(
    fmt: str,
    train: Path | str,
    test: Path | str | None = None,
    *,
    folds: int = 5,
    level: float = 0.8,
    progress: bool = True,
    spoken: bool = False,
    spoken_limit: int | None = None,
    spoken_voices: Sequence[str] = (),
    spoken_speeds: Sequence[int] = (),
    spoken_snrs: Sequence[float | None] = (),
    spoken_drop_below: float | None = None,
    spoken_regime: str = "exemplars",
    min_words: int = 2,
    seed: int = 0,
    unseen_questions: bool = False,
    few_reviews: int = 5,
    encoder: Encoder | None = None,
    transcriber: Transcriber | None = None,
    spoken_cache: Path | str | None = None,
    spoken_out: list[Prediction] | None = None,
) -> EvalReport:
    """Evaluate the scorer and the k-nearest baseline against human scores.

    Args:
        fmt: ``semeval``, ``csv`` or ``jsonl``.
        train: Training data (scored examples and exemplars), or the only data for CV.
        test: Test data to score; without it, ``folds``-fold CV within each question.
        folds: Number of cross-validation folds.
        level: Interval coverage level.
        progress: Show tqdm progress bars.
        spoken: Speak test answers with espeak-ng and score their ASR transcripts.
        spoken_limit: How many answers to speak in spoken mode (None: every answer).
        spoken_voices: espeak-ng voices drawn from per answer (default: five US-English ones).
        spoken_speeds: Speeds (words per minute) drawn from per answer (default: 145-175).
        spoken_snrs: Noise levels (dB SNR; None: clean) drawn from per answer (default: clean).
        spoken_drop_below: Score transcripts without their words below this probability.
        spoken_regime: With unseen questions, which answers are spoken: those scored from the
            reference answers alone (``exemplars``, day one) or with a few reviews (``few_examples``).
        min_words: Answers with fewer words abstain (written short answers can be terse).
        seed: Seed for fold assignment and spoken-mode sampling.
        unseen_questions: Without a test set, hold out whole questions (group K-fold by
            question) instead of answers within questions: the day-one case.
        few_reviews: In unseen-questions mode, also score each held-out question with this
            many of its own answers as confirmed examples (0: exemplars only).
        encoder: Sentence encoder (the process-wide one by default).
        transcriber: Spoken mode's speech recognizer (tiny.en on the CPU by default).
        spoken_cache: Spoken mode's audio and transcript cache (a temp folder by default).
        spoken_out: When given, the spoken predictions (with their bands) are appended to it.
    """
    started = time.perf_counter()
    if folds < 2:
        raise ValueError("Cross-validation needs at least 2 folds.")
    config = ScorerConfig(level=level, min_words=min_words)
    run = _Runner(encoder if encoder is not None else default_encoder(), config, level, progress)
    train_qs = read_dataset(fmt, train)
    test_qs = read_dataset(fmt, test) if test is not None else []
    run.embed_all([*train_qs, *test_qs])
    scale = train_qs[0].rubric.scale if train_qs else test_qs[0].rubric.scale
    if test is None:
        if unseen_questions:
            preds = _unseen_questions(run, train_qs, folds, seed, few_reviews)
        else:
            preds = _cross_validate(run, train_qs, folds, seed, exemplar_regime=False)
        by_fold: dict[int, list[Prediction]] = {}
        for p in preds:
            by_fold.setdefault(p.fold, []).append(p)
        for k, fold_preds in by_fold.items():
            _apply_intervals(fold_preds, [p for p in preds if p.fold != k], level, scale)
        mode = (
            f"{folds}-fold cross-validation by question (unseen questions)"
            if unseen_questions
            else f"{folds}-fold cross-validation within questions"
        )
    else:
        calib = _cross_validate(run, train_qs, folds, seed, exemplar_regime=True)
        model = run.fit(train_qs, [list(range(len(q.answers))) for q in train_qs])
        by_id = {q.question_id: q for q in train_qs}
        preds = []
        for q in tqdm(test_qs, desc="scoring", disable=not progress):
            src = by_id.get(q.question_id)
            idx = list(range(len(src.answers))) if src is not None else []
            preds += run.predict(model, q, idx, list(enumerate(q.answers)), -1, source=src)
        _apply_intervals(preds, calib, level, scale)
        mode = "train/test"
    spoken_result: SpokenResult | None = None
    if spoken:
        questions = {(q.dataset, q.question_id): (n, q) for n, q in enumerate(test_qs or train_qs)}

        def rescore(
            sample: Sequence[Prediction], heard: Sequence[Answer]
        ) -> tuple[list[Prediction], list[Prediction]]:
            run.embed_answers([a.text for a in heard])
            out = []
            for p, a in zip(sample, heard, strict=True):
                n, q = questions[p.dataset, p.question_id]
                pair = [(p.answer_index, q.answers[p.answer_index])]
                if test is None and unseen_questions:  # the fold's model, the regime's examples
                    fold_model, _ = run.fold_models[p.fold]
                    seen = run.seen.get((q.dataset, q.question_id), []) if p.regime != "exemplars" else []
                    (s,) = run.predict(fold_model, q, seen, pair, p.fold, heard=[a])
                elif test is None:  # the fold's own model and examples
                    fold_model, train_idx = run.fold_models[p.fold]
                    (s,) = run.predict(fold_model, q, train_idx[n], pair, p.fold, heard=[a])
                else:
                    src = by_id.get(q.question_id)
                    idx = list(range(len(src.answers))) if src is not None else []
                    (s,) = run.predict(model, q, idx, pair, -1, source=src, heard=[a])
                s.band = (
                    reliability_band(a.asr_confidence, a.transcript_completeness, a.words_per_second) or ""
                )
                out.append(s)
            plain = [copy.copy(s) for s in out]
            if test is None:  # calibrated on the other folds: typed and spoken answers alike
                for k in {s.fold for s in out}:
                    others = [c for c in preds if c.fold != k] + [c for c in out if c.fold != k]
                    _apply_intervals([s for s in out if s.fold == k], others, level, scale)
                    typed = [c for c in preds if c.fold != k]
                    _apply_intervals([s for s in plain if s.fold == k], typed, level, scale, use_band=False)
            else:  # no spoken training answers: the typed calibration (bands fall back to it)
                _apply_intervals(out, calib, level, scale)
                _apply_intervals(plain, calib, level, scale, use_band=False)
            if spoken_out is not None:
                spoken_out.extend(out)
            return out, plain

        speaker = Speaker(
            transcriber=transcriber or Transcriber(device="cpu"),
            cache_dir=spoken_cache,
            seed=seed,
            voices=spoken_voices,
            speeds=spoken_speeds,
            snrs=spoken_snrs,
        )
        day_one = (
            [p for p in preds if p.regime == "exemplars"] if unseen_questions and test is None else preds
        )
        spoken_result = evaluate_spoken(
            day_one,
            lambda p: questions[p.dataset, p.question_id][1].answers[p.answer_index].text,
            rescore,
            list(scale),
            speaker=speaker,
            limit=spoken_limit,
            seed=seed,
            progress=progress,
            drop_below=spoken_drop_below,
        )
    results = build_results(preds, list(scale))
    return EvalReport(
        format=fmt,
        train=str(train),
        test=str(test) if test is not None else None,
        mode=mode,
        level=level,
        n_questions=len(test_qs or train_qs),
        n_answers=len(preds),
        results=results,
        abstain_counts=dict(Counter(p.abstain_reason for p in preds if p.abstain_reason)),
        spoken=spoken_result,
        runtime_s=time.perf_counter() - started,
        model_versions=ExemplarScorer(encoder=run.encoder, config=config).model_versions,
    )
