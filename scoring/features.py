"""Similarity features between answers and a question's exemplars and scored examples.

Features are computed per (answer, rubric level), so one model serves every question and
every ordered scale: a level looks likely when the answer resembles what was written or
confirmed at that level. Everything here is arithmetic on unit vectors and word sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring.embeddings import Encoder
from scoring.rubric import Rubric, ScoredExample
from scoring.text_units import Span, content_words, split_sentences, without_words, word_count

__all__ = [
    "FEATURE_NAMES",
    "AnswerVectors",
    "PreparedQuestion",
    "encode_answers",
    "encode_demoted",
    "feature_index",
    "level_features",
    "prepare_question",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FEATURE_NAMES: tuple[str, ...] = (
    "exemplar_max_sim",
    "exemplar_present",
    "example_max_sim",
    "example_top3_sim",
    "example_centroid_sim",
    "knn_vote_share",
    "example_level_prior",
    "word_overlap",
    "negation_agrees",
    "level_position",
    "level_position_sq",
    "reference_sim_x_position",
    "reference_coverage_x_position",
    "reference_word_recall_x_position",
    "log_words_x_position",
    "question_sim_x_position",
    "soft_vote_share",
    "example_word_overlap_top3",
    # the reference's words the question does not already give away ("question demoting")
    "demoted_recall_x_position",
    "demoted_precision_x_position",
    "demoted_precision_best_x_position",
    "negation_mismatch_x_position",
    "question_overlap_x_position",
    "nothing_new_x_position",
    "demoted_sim_x_position",
    # the same answer-level signals on the middle of the scale (a level between wrong and
    # right, e.g. SemEval's "contradictory"), so the model need not be monotone in them
    *(
        f"{name}_x_middle"
        for name in (
            "reference_sim",
            "reference_coverage",
            "reference_word_recall",
            "log_words",
            "question_sim",
            "demoted_recall",
            "demoted_precision",
            "demoted_precision_best",
            "negation_mismatch",
            "question_overlap",
            "nothing_new",
            "demoted_sim",
        )
    ),
)
_NEGATION = re.compile(r"\b(not|no|never|nothing|none|nor|neither|cannot|without)\b|n't\b", re.I)
KNN_K = 5
SOFT_TEMPERATURE = 0.05


def feature_index() -> dict[str, int]:
    """Column of each feature in ``level_features``' output, by name (``FEATURE_NAMES`` order)."""
    return {name: i for i, name in enumerate(FEATURE_NAMES)}


def _negated(text: str) -> bool:
    return _NEGATION.search(text) is not None


@dataclass(frozen=True, slots=True)
class AnswerVectors:
    """An answer's embedding, sentence spans and sentence embeddings, and word set."""

    text: str
    vector: FloatArray
    sentences: tuple[Span, ...]
    sentence_vectors: FloatArray
    words: frozenset[str]
    negated: bool
    n_words: int


@dataclass(frozen=True, slots=True)
class PreparedQuestion:
    """A rubric and its scored examples, embedded once and reused for every answer."""

    rubric: Rubric
    scale: IntArray
    exemplar_texts: tuple[str, ...]
    exemplar_levels: IntArray  # index into scale
    exemplar_vectors: FloatArray
    exemplar_words: tuple[frozenset[str], ...]
    exemplar_negated: npt.NDArray[np.bool_]
    reference_sentences: tuple[tuple[int, Span], ...]  # (exemplar index, sentence)
    reference_sentence_vectors: FloatArray
    example_texts: tuple[str, ...]
    example_levels: IntArray
    example_vectors: FloatArray
    example_words: tuple[frozenset[str], ...]
    example_negated: npt.NDArray[np.bool_]
    question_vector: FloatArray
    question_words: frozenset[str]
    demoted_reference_vectors: FloatArray  # top-level exemplars without the question's words

    @property
    def n_examples(self) -> int:
        """How many human-confirmed examples the question has."""
        return len(self.example_texts)


def encode_answers(encoder: Encoder, texts: Sequence[str]) -> list[AnswerVectors]:
    """Embed answers and their sentences in one batch."""
    spans = [tuple(split_sentences(t)) for t in texts]
    flat = [s.text for group in spans for s in group]
    vectors = encoder.encode(list(texts)).astype(np.float64)
    sent_vectors = encoder.encode(flat).astype(np.float64)
    out, offset = [], 0
    for text, vec, group in zip(texts, vectors, spans, strict=True):
        sv = sent_vectors[offset : offset + len(group)]
        offset += len(group)
        if len(group) == 0:
            sv = vec[None, :]
        out.append(AnswerVectors(text, vec, group, sv, content_words(text), _negated(text), word_count(text)))
    return out


def prepare_question(
    encoder: Encoder, rubric: Rubric, examples: Sequence[ScoredExample] = ()
) -> PreparedQuestion:
    """Embed a rubric's exemplars, its top-level sentences and its scored examples."""
    scale = np.asarray(rubric.scale, dtype=np.int64)
    pos = {lv: i for i, lv in enumerate(rubric.scale)}
    pairs = rubric.exemplar_pairs()
    ex_texts = tuple(t for t, _ in pairs)
    ex_levels = np.asarray([pos[lv] for _, lv in pairs], dtype=np.int64)
    kept = [e for e in examples if e.score in pos and e.text.strip()]
    se_texts = tuple(e.text for e in kept)
    ref_sents = tuple(
        (i, s) for i, (t, lv) in enumerate(pairs) if lv == rubric.high for s in split_sentences(t)
    )
    q_words = content_words(rubric.question)
    demoted_refs = [without_words(t, q_words) for t, lv in pairs if lv == rubric.high]
    texts = [rubric.question, *ex_texts, *se_texts, *(s.text for _, s in ref_sents), *demoted_refs]
    vecs: FloatArray = np.asarray(encoder.encode(texts), dtype=np.float64)
    n_ex, n_se, n_rs = len(ex_texts), len(se_texts), len(ref_sents)
    return PreparedQuestion(
        rubric=rubric,
        scale=scale,
        exemplar_texts=ex_texts,
        exemplar_levels=ex_levels,
        exemplar_vectors=vecs[1 : 1 + n_ex],
        exemplar_words=tuple(content_words(t) for t in ex_texts),
        exemplar_negated=np.asarray([_negated(t) for t in ex_texts], dtype=bool),
        reference_sentences=ref_sents,
        reference_sentence_vectors=vecs[1 + n_ex + n_se : 1 + n_ex + n_se + n_rs],
        example_texts=se_texts,
        example_levels=np.asarray([pos[e.score] for e in kept], dtype=np.int64),
        example_vectors=vecs[1 + n_ex : 1 + n_ex + n_se],
        example_words=tuple(content_words(t) for t in se_texts),
        example_negated=np.asarray([_negated(t) for t in se_texts], dtype=bool),
        question_vector=vecs[0],
        question_words=q_words,
        demoted_reference_vectors=vecs[1 + n_ex + n_se + n_rs :],
    )


def encode_demoted(encoder: Encoder, pq: PreparedQuestion, answers: Sequence[AnswerVectors]) -> FloatArray:
    """The answers' embeddings without the question's words (``level_features``' ``demoted``)."""
    if not answers:
        return np.zeros((0, pq.question_vector.shape[0]))
    texts = [without_words(a.text, pq.question_words) for a in answers]
    return np.asarray(encoder.encode(texts), dtype=np.float64)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2.0 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def level_features(
    pq: PreparedQuestion,
    answers: Sequence[AnswerVectors],
    *,
    demoted: FloatArray,
    use_examples: bool = True,
    exclude: Sequence[int] | None = None,
) -> npt.NDArray[np.float64]:
    """Features of shape ``(len(answers), levels, len(FEATURE_NAMES))``.

    Args:
        pq: The prepared question.
        answers: Embedded answers.
        demoted: The answers' embeddings without the question's words (``encode_demoted``).
        use_examples: Use the scored examples (False: exemplars only).
        exclude: Per answer, the index of a scored example to leave out (the answer
            itself when it is one, for leave-one-out training), or -1.
    """
    n, k = len(answers), len(pq.scale)
    F = feature_index()  # columns by name: FEATURE_NAMES may be reordered or extended freely
    feats = np.zeros((n, k, len(F)), dtype=np.float64)
    if n == 0:
        return feats
    position = (np.arange(k) / (k - 1)) if k > 1 else np.zeros(1)
    a_vec = np.stack([a.vector for a in answers])
    s_ex = a_vec @ pq.exemplar_vectors.T  # (n, n_ex)
    n_se = pq.n_examples if use_examples else 0
    s_se = a_vec @ pq.example_vectors[:n_se].T if n_se else np.zeros((n, 0))
    valid_se = np.ones((n, n_se), dtype=bool)
    if exclude is not None and n_se:
        for i, j in enumerate(exclude):
            if j >= 0:
                valid_se[i, j] = False
    ex_words, se_words = pq.exemplar_words, pq.example_words[:n_se]
    lex_ex = np.array([[_dice(a.words, w) for w in ex_words] for a in answers]).reshape(n, -1)
    lex_se = np.array([[_dice(a.words, w) for w in se_words] for a in answers]).reshape(n, -1)
    neg_a = np.array([a.negated for a in answers])

    # kNN vote over every labelled text (exemplars + scored examples)
    pool_s = np.concatenate([s_ex, np.where(valid_se, s_se, -np.inf)], axis=1)
    pool_lv = np.concatenate([pq.exemplar_levels, pq.example_levels[:n_se]])
    pool_neg = np.concatenate([pq.exemplar_negated, pq.example_negated[:n_se]])
    pool_lex = np.concatenate([lex_ex, np.where(valid_se, lex_se, 0.0)], axis=1)
    if pool_s.shape[1]:
        top = np.argsort(-pool_s, axis=1)[:, :KNN_K]
        for i in range(n):
            w = np.clip(pool_s[i, top[i]], 0.0, None)
            w = np.where(np.isfinite(w), w, 0.0)
            if w.sum() > 0:
                np.add.at(feats[i, :, F["knn_vote_share"]], pool_lv[top[i]], w / w.sum())
        soft = np.exp((pool_s - pool_s.max(axis=1, keepdims=True)) / SOFT_TEMPERATURE)
        soft = soft / soft.sum(axis=1, keepdims=True)
        for lv in range(k):
            feats[:, lv, F["soft_vote_share"]] = soft[:, pool_lv == lv].sum(axis=1)

    for lv in range(k):
        m_ex = pq.exemplar_levels == lv
        if m_ex.any():
            feats[:, lv, F["exemplar_max_sim"]] = s_ex[:, m_ex].max(axis=1)
            feats[:, lv, F["exemplar_present"]] = 1.0
        if n_se:
            m_se = (pq.example_levels[:n_se] == lv)[None, :] & valid_se
            cnt = m_se.sum(axis=1)
            s = np.where(m_se, s_se, -np.inf)
            srt = -np.sort(-s, axis=1)[:, :3]
            has = cnt > 0
            feats[has, lv, F["example_max_sim"]] = srt[has, 0]
            top3 = np.where(np.isfinite(srt), srt, 0.0).sum(axis=1) / np.maximum(np.minimum(cnt, 3), 1)
            feats[has, lv, F["example_top3_sim"]] = top3[has]
            cent = (m_se[:, :, None] * pq.example_vectors[None, :n_se, :]).sum(axis=1)
            norm = np.linalg.norm(cent, axis=1)
            feats[has, lv, F["example_centroid_sim"]] = np.einsum("nd,nd->n", a_vec, cent)[has] / norm[has]
            total = valid_se.sum(axis=1)
            feats[:, lv, F["example_level_prior"]] = np.log((cnt + 1.0) / (total + k))
            lex = -np.sort(-np.where(m_se, lex_se, -1.0), axis=1)[:, :3]
            feats[has, lv, F["example_word_overlap_top3"]] = (
                np.clip(lex, 0.0, None).sum(axis=1) / np.maximum(np.minimum(cnt, 3), 1)
            )[has]
        m_pool = pool_lv == lv
        if m_pool.any():
            s_lv = np.where(m_pool[None, :], pool_s, -np.inf)
            best = np.argmax(s_lv, axis=1)
            ok = np.isfinite(s_lv[np.arange(n), best])
            feats[:, lv, F["word_overlap"]] = np.where(m_pool[None, :], pool_lex, 0.0).max(axis=1)
            feats[ok, lv, F["negation_agrees"]] = (pool_neg[best[ok]] == neg_a[ok]).astype(float)

    feats[:, :, F["level_position"]] = position[None, :]
    feats[:, :, F["level_position_sq"]] = position[None, :] ** 2
    middle = 4.0 * position * (1.0 - position)  # 0 at both ends, 1 in the middle
    answer_level: dict[str, FloatArray] = {}
    top_mask = pq.exemplar_levels == k - 1
    if top_mask.any():
        refs = np.flatnonzero(top_mask)
        recall = np.array(
            [
                max(len(a.words & pq.exemplar_words[r]) / max(len(pq.exemplar_words[r]), 1) for r in refs)
                for a in answers
            ]
        )
        answer_level["reference_sim"] = s_ex[:, top_mask].max(axis=1)
        answer_level["reference_coverage"] = _coverage(pq, answers)
        answer_level["reference_word_recall"] = recall
        answer_level.update(_demoted(pq, answers, refs))
        # same order as refs: demoted_reference_vectors holds the top-level exemplars in order
        answer_level["demoted_sim"] = (demoted @ pq.demoted_reference_vectors.T).max(axis=1)
    answer_level["log_words"] = np.log1p([a.n_words for a in answers])
    answer_level["question_sim"] = a_vec @ pq.question_vector
    answer_level["question_overlap"] = np.array(
        [len(a.words & pq.question_words) / max(len(a.words), 1) for a in answers]
    )
    answer_level["nothing_new"] = np.array([float(not (a.words - pq.question_words)) for a in answers])
    for name, value in answer_level.items():
        feats[:, :, F[f"{name}_x_position"]] = value[:, None] * position[None, :]
        feats[:, :, F[f"{name}_x_middle"]] = value[:, None] * middle[None, :]
    return feats


def _demoted(
    pq: PreparedQuestion, answers: Sequence[AnswerVectors], refs: npt.NDArray[np.intp]
) -> dict[str, FloatArray]:
    """Word overlap with the references once the question's own words are removed from both.

    An answer that repeats the question ("the bulb is in a closed path") shares words with
    the reference without saying anything the question did not; demoting those words keeps
    only what the candidate contributed. The best reference is the one the answer recalls
    most of; negation is compared with that reference.
    """
    q = pq.question_words
    out = {
        n: np.zeros(len(answers))
        for n in ("demoted_recall", "demoted_precision", "demoted_precision_best", "negation_mismatch")
    }
    for i, a in enumerate(answers):
        own = a.words - q
        rec, prec = [], []
        for r in refs:
            ref = pq.exemplar_words[r] - q
            shared = len(own & ref)
            rec.append(shared / max(len(ref), 1))
            prec.append(shared / max(len(own), 1))
        best = int(np.argmax(rec))
        out["demoted_recall"][i] = rec[best]
        out["demoted_precision"][i] = prec[best]
        out["demoted_precision_best"][i] = max(prec)
        out["negation_mismatch"][i] = float(bool(pq.exemplar_negated[refs[best]]) != a.negated)
    return out


def _coverage(pq: PreparedQuestion, answers: Sequence[AnswerVectors]) -> FloatArray:
    """Best reference's mean over its sentences of the max similarity to an answer sentence."""
    out = np.zeros(len(answers))
    if not pq.reference_sentences:
        return out
    owners = np.asarray([i for i, _ in pq.reference_sentences])
    for a_i, a in enumerate(answers):
        sims = (pq.reference_sentence_vectors @ a.sentence_vectors.T).max(axis=1)
        out[a_i] = max(sims[owners == o].mean() for o in np.unique(owners))
    return out
