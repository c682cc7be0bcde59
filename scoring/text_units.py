"""Sentences with character spans, content words and word counts for answer texts."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["STOPWORDS", "Span", "content_words", "split_sentences", "without_words", "word_count"]

_SENTENCE_END = re.compile(r"[^.!?;\n]+(?:[.!?;]+|\n|$)")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "me",
        "my",
        "your",
        "our",
        "their",
        "his",
        "her",
        "them",
        "us",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "not",
        "no",
        "yes",
        "because",
        "since",
        "than",
        "too",
        "very",
        "just",
        "also",
        "into",
        "out",
        "up",
        "down",
        "over",
        "about",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "s",
        "t",
    ]
)


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence of an answer and where it sits in the answer text."""

    text: str
    start: int
    end: int


def split_sentences(text: str, *, max_chars: int = 400) -> list[Span]:
    """Split a text into sentences, keeping character offsets into the original text.

    Transcripts often lack punctuation, so sentences longer than ``max_chars`` are cut
    at word boundaries. An empty text gives no spans.
    """
    spans: list[Span] = []
    for match in _SENTENCE_END.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start or not _WORD.search(text, start, end):
            continue
        while end - start > max_chars:
            cut = text.rfind(" ", start, start + max_chars)
            cut = cut if cut > start else start + max_chars
            spans.append(Span(text[start:cut], start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            spans.append(Span(text[start:end], start, end))
    return spans


def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(_WORD.findall(text))


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words of a text without stopwords, crudely stemmed."""
    words = set()
    for w in _WORD.findall(text.lower()):
        if w in STOPWORDS:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(w) > len(suffix) + 2 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        words.add(w)
    return frozenset(words)


def without_words(text: str, words: frozenset[str]) -> str:
    """``text``'s words in order, less those whose content word (as ``content_words`` gives it) is in
    ``words``; stopwords stay, so what is left still reads as a phrase. ``"."`` when nothing is."""
    kept = [w for w in _WORD.findall(text) if not ((cw := content_words(w)) and cw <= words)]
    return " ".join(kept) or "."
