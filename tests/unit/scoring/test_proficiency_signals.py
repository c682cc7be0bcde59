"""Speech and text signals on inputs whose values can be checked by hand."""

from __future__ import annotations

import pytest

from scoring.proficiency.fillers import count_fillers
from scoring.proficiency.lexical import mtld, tokenize_words, vocabulary_profile
from scoring.proficiency.speech_signals import speech_signal_values
from scoring.proficiency.text_signals import split_sentences, text_signal_values
from scoring.transcription import Word


def timeline(*spans: tuple[str, float, float], probability: float = 0.9) -> list[Word]:
    return [Word(start=s, end=e, word=w, probability=probability) for w, s, e in spans]


def spaced(text: str, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words of 0.3 s each, back to back, with a silent gap after word i where given."""
    out, t = [], 0.0
    for i, w in enumerate(text.split()):
        out.append(Word(start=t, end=t + 0.3, word=w, probability=0.9))
        t += 0.3 + (gaps or {}).get(i, 0.0)
    return out


def test_speech_signals_on_a_hand_built_timeline() -> None:
    words = timeline(
        ("I", 0.0, 0.5), ("have", 0.5, 1.0), ("worked", 1.5, 2.0), ("here", 2.1, 2.6), ("before.", 3.6, 4.0)
    )
    v = speech_signal_values(words)
    # 5 words over 4.0 s; pauses of 0.5 s and 1.0 s (the 0.1 s gap is not a pause).
    assert v["words"] == 5
    assert v["speaking_time"] == pytest.approx(4.0)
    assert v["speech_rate"] == pytest.approx(75.0)
    assert v["pause_count"] == 2
    assert v["mean_pause"] == pytest.approx(0.75)
    assert v["pause_ratio"] == pytest.approx(1.5 / 4.0)
    assert v["articulation_rate"] == pytest.approx(60 * 5 / 2.5)
    assert v["mean_length_of_run"] == pytest.approx(5 / 3)
    assert v["pauses_per_minute"] == pytest.approx(30.0)
    assert v["asr_confidence"] == pytest.approx(0.9)
    assert v["filler_rate"] == 0.0


def test_a_pause_starts_at_a_quarter_second() -> None:
    words = timeline(("one", 0.0, 0.5), ("two", 0.75, 1.0), ("three", 1.24, 1.5))
    v = speech_signal_values(words)
    assert v["pause_count"] == 1 and v["mean_pause"] == pytest.approx(0.25)


def test_no_words_gives_no_values_but_zero_words() -> None:
    v = speech_signal_values([])
    assert v["words"] == 0
    assert all(value is None for key, value in v.items() if key != "words")


def test_punctuation_only_tokens_are_not_words() -> None:
    words = timeline(("Hello", 0.0, 0.5), ("...", 0.5, 0.6), ("there.", 0.6, 1.0))
    assert speech_signal_values(words)["words"] == 2


@pytest.mark.parametrize(
    ("text", "gaps", "expected"),
    [
        ("um I uh think so", None, 2),
        ("I like tea", None, 0),
        ("it was, like, huge", None, 1),
        ("it was like huge", {1: 0.4, 2: 0.4}, 1),
        ("you know, it works", None, 2),
        ("do you know him", None, 0),
        ("I mean, it is fine", None, 2),
        ("I mean it", None, 0),
        ("Erm, well, hmm.", None, 2),
    ],
)
def test_fillers_count_hesitations_and_set_off_discourse_markers(
    text: str, gaps: dict[int, float] | None, expected: int
) -> None:
    assert count_fillers(spaced(text, gaps)) == expected


def test_filler_rate_is_per_hundred_words() -> None:
    v = speech_signal_values(spaced("um so I uh worked there"))
    assert v["filler_rate"] == pytest.approx(100 * 2 / 6)


def test_mtld_on_texts_computed_by_hand() -> None:
    # "the cat the": TTR 2/3 <= 0.72 -> one full factor, nothing left over: 4 / 1 = 4.
    assert mtld(["the", "cat", "the", "cat"]) == pytest.approx(4.0)
    # "a b c a": TTR 3/4 never reaches 0.72; partial factor (1 - .75) / (1 - .72).
    assert mtld(["a", "b", "c", "a"]) == pytest.approx(4 / (0.25 / 0.28))


def test_mtld_is_undefined_without_any_factor() -> None:
    assert mtld([]) is None
    assert mtld(["every", "token", "here", "differs"]) is None


def test_mtld_is_bidirectional() -> None:
    # Forward: "a a" closes a factor at token 2 (TTR .5), then "b c" leaves TTR 1 -> 1 factor.
    # Backward: "c b a" has TTR 1, "a" makes 3/4 -> partial .25/.28 only.
    tokens = ["a", "a", "b", "c"]
    expected = (4 / 1 + 4 / (0.25 / 0.28)) / 2
    assert mtld(tokens) == pytest.approx(expected)


def test_mtld_ranks_varied_text_above_repetitive_text() -> None:
    repetitive = tokenize_words("I like my dog and my dog likes me and I like my dog. " * 8)
    varied = tokenize_words(
        "Before joining the company I studied chemistry, travelled through Portugal, taught "
        "evening classes to adults, repaired bicycles for neighbours and eventually discovered "
        "that writing software combined most of what I enjoyed: patient analysis, concrete "
        "results and constant learning from colleagues with very different backgrounds. "
        "Later, managing a small team taught me how much clear communication matters when "
        "deadlines tighten and priorities shift unexpectedly."
    )
    repetitive_mtld, varied_mtld = mtld(repetitive), mtld(varied)
    assert repetitive_mtld is not None and varied_mtld is not None
    assert repetitive_mtld < 10 < 40 < varied_mtld


def test_vocabulary_profile_counts_rare_and_advanced_words() -> None:
    simple = vocabulary_profile(tokenize_words("I like my big dog and my small cat"))
    advanced = vocabulary_profile(
        tokenize_words("The ubiquitous proliferation of ambiguous regulations is detrimental")
    )
    assert simple.rare_share == 0.0
    assert advanced.rare_share is not None and advanced.rare_share > 0.3
    assert simple.cefr_shares is not None and sum(simple.cefr_shares) == pytest.approx(1.0)
    assert simple.mean_cefr_level is not None and advanced.mean_cefr_level is not None
    assert simple.mean_cefr_level < 1.5 < 2.5 < advanced.mean_cefr_level


def test_sentence_length_and_clauses_by_hand() -> None:
    text = "I stayed because it rained. We left when it stopped, which was late. Fine!"
    assert split_sentences(text) == [
        "I stayed because it rained.",
        "We left when it stopped, which was late.",
        "Fine!",
    ]
    v = text_signal_values(text)
    assert v["words"] == 14
    assert v["mean_sentence_length"] == pytest.approx(14 / 3)
    assert v["clauses_per_sentence"] == pytest.approx((3 + 3) / 3)


def test_tokenizer_keeps_contractions_and_drops_numbers() -> None:
    assert tokenize_words("It\u2019s 5 o'clock, isn't it?") == ["it's", "o'clock", "isn't", "it"]
