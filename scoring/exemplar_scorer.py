"""Suggest a score for an answer from its question's rubric exemplars and confirmed answers.

The answer is embedded (all-MiniLM-L6-v2), compared with every exemplar and confirmed
answer level by level, and a conditional-logit model turns those similarities into level
probabilities. The suggested score is the expected level, the interval is conformal on
confirmed reviews, and the evidence lists the nearest texts and the matching sentences.
The scorer abstains, with a reason, when a human must look: no speech, too few words, an
unreliable transcript, an off-topic answer, or a question with nothing to compare with.

Example::

    scorer = ExemplarScorer()
    rubric = Rubric(question="Why ...?", levels=(RubricLevel(level=5, exemplars=("...",)), ...))
    question = scorer.prepare(rubric, examples=[ScoredExample(text="...", score=4)])
    suggestion = scorer.suggest(question, Answer(text="..."), calibrator=calibrator)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.calibration import (
    CalibrationRecord,
    ConformalCalibrator,
    Interval,
    default_prior,
    snap_to_levels,
)
from scoring.completeness import MIN_TRANSCRIPT_COMPLETENESS
from scoring.content_model import ContentModel, load_default_model
from scoring.embeddings import Encoder, default_encoder
from scoring.features import (
    AnswerVectors,
    PreparedQuestion,
    encode_answers,
    encode_demoted,
    feature_index,
    level_features,
    prepare_question,
)
from scoring.off_topic import (
    DEFAULT_OFF_TOPIC_THRESHOLD,
    DEFAULT_OFF_TOPIC_THRESHOLD_EXEMPLARS,
    DEFAULT_OFF_TOPIC_THRESHOLD_GRADED,
)
from scoring.reliability import reliability_band
from scoring.rubric import Answer, Rubric, ScoredExample
from scoring.suggestion import (
    AbstainReason,
    Evidence,
    ExemplarMatch,
    LevelEvidence,
    SentenceMatch,
    Suggestion,
)
from scoring.text_units import word_count

__all__ = [
    "SCORER_VERSION",
    "ExemplarScorer",
    "ScorerConfig",
    "calibration_groups",
    "calibration_record",
    "exemplar_kind",
    "interval_for",
    "prior_groups",
    "reliability_group",
]

SCORER_VERSION = "exemplar-scorer/1"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorerConfig:
    """Thresholds and sizes; the defaults suit spoken interview answers.

    Args:
        level: Coverage of the intervals.
        min_words: Fewer words than this abstains as too short.
        min_asr_confidence: A lower mean word probability abstains as unreliable.
        min_transcript_completeness: A transcript covering less of the detected speech
            abstains as incomplete (default from ``scoring.completeness``).
        off_topic_threshold: A lower max similarity to every exemplar, confirmed answer
            and the question abstains as off-topic (once the model relies on examples).
        off_topic_threshold_graded: The same while the question has fewer confirmed
            answers than the content model's ``full_at`` and exemplars at two or more levels.
        off_topic_threshold_exemplars: The same with fewer confirmed answers and exemplars
            at the top level only (reference answers).
        evidence_per_level: Nearest texts listed per level.
        sentences_per_level: Matching answer sentences listed per level.
    """

    level: float = 0.8
    min_words: int = 3
    min_asr_confidence: float = 0.5
    min_transcript_completeness: float = MIN_TRANSCRIPT_COMPLETENESS
    off_topic_threshold: float = DEFAULT_OFF_TOPIC_THRESHOLD
    off_topic_threshold_graded: float = DEFAULT_OFF_TOPIC_THRESHOLD_GRADED
    off_topic_threshold_exemplars: float = DEFAULT_OFF_TOPIC_THRESHOLD_EXEMPLARS
    evidence_per_level: int = 3
    sentences_per_level: int = 2


def calibration_groups(question_id: str, regime: str, band: str | None = None) -> tuple[tuple[str, ...], ...]:
    """Mondrian groups of a suggestion: its question and regime, then its regime alone.

    A transcript's reliability band (``scoring.reliability``) comes first when it is known,
    as ``("regime", regime, "reliability", band)``: calibrated on transcripts as doubtful.
    """
    usual: tuple[tuple[str, ...], ...] = (("question", question_id, regime), ("regime", regime))
    return ((*reliability_group(regime, band),), *usual) if band else usual


def reliability_group(regime: str, band: str) -> tuple[str, str, str, str]:
    """The calibration group of spoken answers of one reliability band in one regime."""
    return ("regime", regime, "reliability", band)


def exemplar_kind(pq: PreparedQuestion) -> str:
    """``graded`` (exemplars at two or more levels) or ``references`` (top level only)."""
    return "graded" if len(set(pq.exemplar_levels.tolist())) >= 2 else "references"


def prior_groups(regime: str, kind: str) -> tuple[tuple[str, str, str]]:
    """The prior calibration's most specific group: the regime and the kind of exemplars."""
    return (("regime", regime, kind),)


def interval_for(
    calibrator: ConformalCalibrator,
    *,
    score: float,
    spread: float,
    question_id: str,
    regime: str,
    kind: str,
    low: float,
    high: float,
    band: str | None = None,
) -> Interval:
    """The interval of a suggestion under ``calibrator``: at scoring time, and again for a
    stored suggestion whenever the calibration changes (the same groups, the same rule).

    A transcript's reliability ``band`` picks the band's own calibration (the
    organization's reviews of transcripts that doubtful, else the prior's) whenever one
    exists, so that intervals widen when recognition is doubtful; without one, the usual
    groups. The conformal interval is read as the range of whole levels it contains
    (``snap_to_levels``): the same levels covered, said the way a rubric is read.
    """
    if band:
        group = reliability_group(regime, band)
        if calibrator.knows(group):
            iv = calibrator.interval(
                score, spread, low=low, high=high, groups=(group,), prior_groups=(group,)
            )
            return snap_to_levels(iv, score, range(round(low), round(high) + 1))
    iv = calibrator.interval(
        score,
        spread,
        low=low,
        high=high,
        groups=calibration_groups(question_id, regime),
        prior_groups=prior_groups(regime, kind) if kind else (),
    )
    return snap_to_levels(iv, score, range(round(low), round(high) + 1))


def calibration_record(suggestion: Suggestion, human: float, question_id: str) -> CalibrationRecord:
    """Turn a stored suggestion and the human's confirmed score into a calibration record."""
    if suggestion.abstained or suggestion.score is None or suggestion.spread is None:
        raise ValueError("An abstained suggestion has no score to calibrate.")
    return CalibrationRecord(
        suggested=suggestion.score,
        spread=suggestion.spread,
        human=human,
        groups=calibration_groups(
            question_id, suggestion.regime, suggestion.evidence.reliability_band or None
        ),
    )


class ExemplarScorer:
    """Scores answers against exemplars and confirmed examples; load once, share freely.

    Args:
        encoder: The sentence encoder (the process-wide MiniLM by default).
        model: Content-model weights (the shipped default by default).
        config: Thresholds.
    """

    def __init__(
        self,
        *,
        encoder: Encoder | None = None,
        model: ContentModel | None = None,
        config: ScorerConfig | None = None,
    ) -> None:
        self.encoder = encoder if encoder is not None else default_encoder()
        self.model = model if model is not None else load_default_model()
        self.config = config if config is not None else ScorerConfig()

    @property
    def model_versions(self) -> dict[str, str]:
        """Versions recorded with every suggestion."""
        return {
            "encoder": self.encoder.model_version,
            "content_model": self.model.version,
            "scorer": SCORER_VERSION,
        }

    def prepare(self, rubric: Rubric, examples: Sequence[ScoredExample] = ()) -> PreparedQuestion:
        """Embed a rubric and its confirmed examples once, to score many answers."""
        return prepare_question(self.encoder, rubric, examples)

    def regime(self, pq: PreparedQuestion) -> str:
        """``exemplars`` (no confirmed answers), ``few_examples`` or ``examples``."""
        if pq.n_examples == 0:
            return "exemplars"
        return "examples" if self.model.blend(pq.n_examples) >= 1.0 else "few_examples"

    def suggest(
        self,
        question: Rubric | PreparedQuestion,
        answer: Answer | str,
        *,
        examples: Sequence[ScoredExample] = (),
        calibrator: ConformalCalibrator | None = None,
    ) -> Suggestion:
        """Suggest a score for one answer (see :meth:`suggest_many`)."""
        return self.suggest_many(question, [answer], examples=examples, calibrator=calibrator)[0]

    def suggest_many(
        self,
        question: Rubric | PreparedQuestion,
        answers: Sequence[Answer | str],
        *,
        examples: Sequence[ScoredExample] = (),
        calibrator: ConformalCalibrator | None = None,
    ) -> list[Suggestion]:
        """Suggest scores for answers to one question, embedding them in one batch.

        Args:
            question: A rubric, or a question already prepared with :meth:`prepare`.
            answers: Answers (plain strings are written answers).
            examples: Confirmed examples, when ``question`` is a bare rubric.
            calibrator: Conformal calibration from confirmed reviews; without one the
                interval is the whole scale.
        """
        pq = question if isinstance(question, PreparedQuestion) else self.prepare(question, examples)
        items = [a if isinstance(a, Answer) else Answer(text=a) for a in answers]
        vectors = encode_answers(self.encoder, [a.text for a in items])
        return self.suggest_vectors(pq, items, vectors, calibrator=calibrator)

    def max_similarity(self, pq: PreparedQuestion, vectors: Sequence[AnswerVectors]) -> np.ndarray:
        """Each answer's highest cosine to an exemplar, confirmed answer or the question."""
        refs = np.concatenate([pq.exemplar_vectors, pq.example_vectors, pq.question_vector[None, :]])
        return (
            np.asarray((np.stack([v.vector for v in vectors]) @ refs.T).max(axis=1))
            if vectors
            else np.zeros(0)
        )

    def suggest_vectors(
        self,
        pq: PreparedQuestion,
        answers: Sequence[Answer],
        vectors: Sequence[AnswerVectors],
        *,
        calibrator: ConformalCalibrator | None = None,
        exclude: Sequence[int] | None = None,
    ) -> list[Suggestion]:
        """Suggest from already-embedded answers (``exclude``: see ``level_features``)."""
        max_sim = self.max_similarity(pq, vectors)
        reasons = [
            self._abstain_reason(pq, a, v, float(s))
            for a, v, s in zip(answers, vectors, max_sim, strict=True)
        ]
        keep = [i for i, r in enumerate(reasons) if r is None]
        out: list[Suggestion] = [
            Suggestion(
                score=None,
                rounded_level=None,
                interval_low=None,
                interval_high=None,
                level=self.config.level,
                abstained=True,
                abstain_reason=r,
                abstain_message=r.message,
                evidence=Evidence(
                    max_similarity=float(s),
                    n_exemplars=len(pq.exemplar_texts),
                    n_scored_examples=pq.n_examples,
                ),
                model_versions=self.model_versions,
            )
            if r is not None
            else None  # type: ignore[misc]
            for r, s in zip(reasons, max_sim, strict=True)
        ]
        if keep:
            kept_vectors = [vectors[i] for i in keep]
            kept_exclude = [exclude[i] for i in keep] if exclude is not None else None
            demoted = encode_demoted(self.encoder, pq, kept_vectors)
            x_ex = level_features(pq, kept_vectors, demoted=demoted, use_examples=False)
            x_se = (
                level_features(pq, kept_vectors, demoted=demoted, exclude=kept_exclude)
                if pq.n_examples
                else x_ex
            )
            probs = self.model.probabilities(x_ex, x_se, pq.n_examples)
            for j, i in enumerate(keep):
                band = reliability_band(
                    answers[i].asr_confidence, answers[i].transcript_completeness, answers[i].words_per_second
                )
                out[i] = self._suggestion(
                    pq, vectors[i], probs[j], calibrator, float(max_sim[i]), x_ex[j], band
                )
        return [s for s in out if s is not None]

    def _abstain_reason(
        self, pq: PreparedQuestion, answer: Answer, vec: AnswerVectors, max_sim: float
    ) -> AbstainReason | None:
        cfg = self.config
        if answer.no_speech:
            return AbstainReason.NO_SPEECH
        completeness = answer.transcript_completeness
        if completeness is not None and completeness < cfg.min_transcript_completeness:
            return AbstainReason.INCOMPLETE_TRANSCRIPT
        if not pq.exemplar_texts and not pq.n_examples:
            return AbstainReason.NO_EXEMPLARS
        if answer.asr_confidence is not None and answer.asr_confidence < cfg.min_asr_confidence:
            return AbstainReason.LOW_ASR_CONFIDENCE
        if word_count(answer.text) < cfg.min_words:
            return AbstainReason.TOO_SHORT
        if self.regime(pq) == "examples":
            threshold = cfg.off_topic_threshold
        elif len(set(pq.exemplar_levels.tolist())) >= 2:
            threshold = cfg.off_topic_threshold_graded
        else:
            threshold = cfg.off_topic_threshold_exemplars
        if max_sim < threshold:
            return AbstainReason.OFF_TOPIC
        return None

    def _suggestion(
        self,
        pq: PreparedQuestion,
        vec: AnswerVectors,
        probs: np.ndarray,
        calibrator: ConformalCalibrator | None,
        max_sim: float,
        x_ex: np.ndarray,
        band: str | None = None,
    ) -> Suggestion:
        scale = pq.scale.astype(np.float64)
        mu = float(probs @ scale)
        spread = float(np.sqrt(max(float(probs @ (scale - mu) ** 2), 0.0)))
        regime = self.regime(pq)
        cal = (
            calibrator
            if calibrator is not None
            else ConformalCalibrator(level=self.config.level, prior=default_prior())
        )
        kind = exemplar_kind(pq)
        interval = interval_for(
            cal,
            score=mu,
            spread=spread,
            question_id=pq.rubric.question_id,
            regime=regime,
            kind=kind,
            low=float(scale[0]),
            high=float(scale[-1]),
            band=band,
        )
        f = feature_index()
        has_refs = bool(x_ex[-1, f["exemplar_present"]]) if len(x_ex) else False
        evidence = Evidence(
            levels=self._level_evidence(pq, vec, probs),
            reference_similarity=float(x_ex[-1, f["exemplar_max_sim"]]) if has_refs else None,
            reference_coverage=float(x_ex[-1, f["reference_coverage_x_position"]]) if has_refs else None,
            max_similarity=max_sim,
            n_exemplars=len(pq.exemplar_texts),
            n_scored_examples=pq.n_examples,
            example_share=self.model.blend(pq.n_examples),
            interval_method=interval.method,
            n_calibration=interval.n_calibration,
            exemplar_kind=kind,
            reliability_band=band or "",
        )
        return Suggestion(
            score=mu,
            rounded_level=int(pq.scale[int(np.argmax(probs))]),
            interval_low=interval.low,
            interval_high=interval.high,
            level=interval.level,
            abstained=False,
            spread=spread,
            regime=regime,
            evidence=evidence,
            model_versions=self.model_versions,
        )

    def _level_evidence(
        self, pq: PreparedQuestion, vec: AnswerVectors, probs: np.ndarray
    ) -> tuple[LevelEvidence, ...]:
        cfg = self.config
        texts = list(pq.exemplar_texts) + list(pq.example_texts)
        sources = ["exemplar"] * len(pq.exemplar_texts) + ["scored_example"] * pq.n_examples
        vectors = np.concatenate([pq.exemplar_vectors, pq.example_vectors])
        levels = np.concatenate([pq.exemplar_levels, pq.example_levels])
        whole = vectors @ vec.vector if len(texts) else np.zeros(0)
        per_sentence = vec.sentence_vectors @ vectors.T if len(texts) else np.zeros((len(vec.sentences), 0))
        out = []
        for li, lv in enumerate(pq.scale):
            entry = pq.rubric.level(int(lv))
            idx = np.flatnonzero(levels == li)
            nearest = idx[np.argsort(-whole[idx])][: cfg.evidence_per_level] if len(idx) else idx
            sentences: list[SentenceMatch] = []
            if len(idx) and vec.sentences:
                best = per_sentence[:, idx]
                arg = best.argmax(axis=1)
                order = np.argsort(-best.max(axis=1))[: cfg.sentences_per_level]
                sentences = [
                    SentenceMatch(
                        text=vec.sentences[s].text,
                        start=vec.sentences[s].start,
                        end=vec.sentences[s].end,
                        similarity=float(best[s, arg[s]]),
                        matched=texts[int(idx[arg[s]])],
                    )
                    for s in order
                ]
            out.append(
                LevelEvidence(
                    level=int(lv),
                    label=entry.label,
                    descriptor=entry.descriptor,
                    probability=float(probs[li]),
                    nearest=tuple(
                        ExemplarMatch(text=texts[int(j)], similarity=float(whole[j]), source=sources[int(j)])
                        for j in nearest
                    ),
                    sentences=tuple(sentences),
                )
            )
        return tuple(out)
