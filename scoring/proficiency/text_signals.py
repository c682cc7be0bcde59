"""Text signals: lexical diversity, vocabulary and sentence complexity.

They apply to written answers and to transcripts alike. Sentence measures on a
transcript depend on the punctuation the recogniser inserted, so they are
weighted less for speech (see ``scoring.proficiency.scales``).

Clauses are approximated without a parser: one main clause per sentence plus
one per subordinating conjunction or relative pronoun (:data:`SUBORDINATORS`).
This misses clauses without a marker ("I think [that] it works"), miscounts
"since"/"while"/"when" used as prepositions or questions, and ignores
coordination; it rises with syntactic complexity but is not a clause count a
linguist would sign. No grammar checker is used: none is reliable offline.
"""

from __future__ import annotations

import re

from scoring.proficiency.lexical import mtld, tokenize_words, vocabulary_profile

__all__ = ["SUBORDINATORS", "split_sentences", "text_signal_values"]

SUBORDINATORS = frozenset(
    {
        "because",
        "although",
        "though",
        "whereas",
        "unless",
        "whether",
        "which",
        "who",
        "whom",
        "whose",
        "if",
        "when",
        "whenever",
        "where",
        "wherever",
        "while",
        "since",
        "until",
        "once",
    }
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def split_sentences(text: str) -> list[str]:
    """Split on ``.``, ``!`` and ``?``; keep only pieces that contain a word."""
    return [s.strip() for s in _SENTENCE.findall(text) if tokenize_words(s)]


def text_signal_values(text: str) -> dict[str, float | None]:
    """Raw text measurements keyed by signal name (None where not computable).

    Keys: ``words``, ``mtld``, ``rare_word_share``, ``unknown_word_share``,
    ``mean_zipf``, ``mean_cefr_word_level``, ``cefr_a1_share`` ... ``cefr_c2_share``,
    ``mean_sentence_length``, ``clauses_per_sentence``.
    """
    tokens = tokenize_words(text)
    vocab = vocabulary_profile(tokens)
    sentences = split_sentences(text)
    values: dict[str, float | None] = {
        "words": float(len(tokens)),
        "mtld": mtld(tokens),
        "rare_word_share": vocab.rare_share,
        "unknown_word_share": vocab.unknown_share,
        "mean_zipf": vocab.mean_zipf,
        "mean_cefr_word_level": vocab.mean_cefr_level,
    }
    for level, share in zip(
        ("a1", "a2", "b1", "b2", "c1", "c2"), vocab.cefr_shares or (None,) * 6, strict=True
    ):
        values[f"cefr_{level}_share"] = share
    if sentences:
        values["mean_sentence_length"] = len(tokens) / len(sentences)
        markers = sum(1 for t in tokens if t in SUBORDINATORS)
        values["clauses_per_sentence"] = (len(sentences) + markers) / len(sentences)
    else:
        values["mean_sentence_length"] = None
        values["clauses_per_sentence"] = None
    return values
