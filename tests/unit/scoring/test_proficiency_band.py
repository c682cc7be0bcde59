"""CEFR band estimates: ordering, intervals, thresholds, text-only and real speech."""

from __future__ import annotations

import json

import pytest

from scoring.proficiency import LEVELS, ProficiencyResult, assess_speech, assess_text
from scoring.proficiency.result import level_from_score, level_index
from scoring.proficiency.scales import SCALES
from scoring.transcription import Transcript, Word

ANSWER = (
    "In my last job I managed a small team that built tools for hospital staff. "
    "We talked to nurses every week, because their needs changed quickly, and I learned "
    "that listening carefully saves more time than any clever piece of code. When a "
    "deadline slipped, I explained the reasons to our director, which was difficult but "
    "honest, and we agreed on a smaller first release that people actually used."
)


def speak(text: str, *, word_s: float, pause_s: float, every: int, probability: float = 0.92) -> list[Word]:
    """Words of ``word_s`` seconds with a pause of ``pause_s`` after every ``every`` words."""
    words, t = [], 0.0
    for i, w in enumerate(text.split(), start=1):
        words.append(Word(start=t, end=t + word_s, word=w, probability=probability))
        t += word_s + (pause_s if i % every == 0 else 0.02)
    return words


def width(result: ProficiencyResult) -> float:
    assert result.score_low is not None and result.score_high is not None
    assert result.band_low == level_from_score(result.score_low)
    return result.score_high - result.score_low


def test_levels_map_to_unit_intervals() -> None:
    assert [level_from_score(s) for s in (1.0, 1.49, 1.5, 3.2, 4.49, 5.5, 6.0)] == [
        "A1",
        "A1",
        "A2",
        "B1",
        "B2",
        "C2",
        "C2",
    ]
    assert level_index("b2") == 4
    with pytest.raises(ValueError, match="CEFR"):
        level_index("B3")


def test_b2_ranges_are_what_the_mapping_calls_b2() -> None:
    for scale in SCALES:
        low, high = scale.b2_range()
        if low is None or high is None:
            continue
        subs = sorted((scale.sub_score(low), scale.sub_score(high)))  # type: ignore[type-var]
        assert subs == pytest.approx([3.5, 4.5]), scale.name


def test_band_falls_as_fluency_falls() -> None:
    scores = []
    for word_s, pause_s, every in [
        (0.30, 0.3, 12),
        (0.34, 0.6, 8),
        (0.40, 1.0, 5),
        (0.45, 1.6, 3),
        (0.55, 2.5, 2),
    ]:
        result = assess_speech(speak(ANSWER, word_s=word_s, pause_s=pause_s, every=every), ANSWER)
        assert result.score is not None
        scores.append(result.score)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] - scores[-1] > 1.0


def test_fluent_speech_reports_signals_with_b2_ranges() -> None:
    result = assess_speech(speak(ANSWER, word_s=0.3, pause_s=0.3, every=12), ANSWER)
    assert result.reliable and result.band is not None
    rate = result.signal("speech_rate")
    assert rate.unit == "words/min" and rate.value is not None and rate.value > 130
    assert rate.typical_low is not None and rate.typical_high is not None
    assert rate.typical_low < rate.typical_high
    assert {"articulation_rate", "pause_ratio", "mtld", "asr_confidence"} <= {s.name for s in result.signals}
    stored = json.loads(json.dumps(result.to_dict()))
    assert stored["band"] == result.band and len(stored["signals"]) == len(result.signals)


def test_interval_widens_with_fewer_words_and_doubtful_recognition() -> None:
    long = assess_speech(speak(ANSWER, word_s=0.35, pause_s=0.6, every=6), ANSWER)
    short_text = " ".join(ANSWER.split()[:12])
    short = assess_speech(speak(short_text, word_s=0.35, pause_s=0.6, every=6), short_text)
    unclear = assess_speech(speak(ANSWER, word_s=0.35, pause_s=0.6, every=6, probability=0.45), ANSWER)
    assert width(short) > width(long)
    assert width(unclear) > width(long)
    assert long.reliable
    assert not short.reliable and "words" in short.reason
    assert not unclear.reliable and "confidence" in unclear.reason


def test_threshold_is_met_only_when_the_whole_interval_clears_it() -> None:
    words = speak(ANSWER, word_s=0.3, pause_s=0.3, every=12)
    result = assess_speech(words, ANSWER, threshold="A2")
    assert result.band_low is not None and level_index(result.band_low) >= level_index("A2")
    assert result.meets_threshold is True
    strict = assess_speech(words, ANSWER, threshold="C2", interval_level=0.5)
    assert strict.band_high is not None
    assert strict.meets_threshold is (False if strict.band_high != "C2" else None)
    with pytest.raises(ValueError, match="CEFR"):
        assess_speech(words, ANSWER, threshold="native")


def test_no_speech_gives_no_band() -> None:
    result = assess_speech([], "")
    assert result.band is None and result.score is None and result.meets_threshold is None
    assert not result.reliable and "No speech" in result.reason


def test_text_only_uses_text_signals_and_a_wider_interval() -> None:
    written = assess_text(ANSWER * 2)
    spoken = assess_speech(speak(ANSWER * 2, word_s=0.3, pause_s=0.4, every=10), ANSWER * 2)
    names = {s.name for s in written.signals}
    assert "speech_rate" not in names and {"mtld", "rare_word_share"} <= names
    assert written.band in LEVELS
    assert width(written) >= width(spoken)
    plain = assess_text("I like my dog. My dog is big. I play with my dog. " * 6)
    assert written.score is not None and plain.score is not None
    assert written.score > plain.score + 1.0
    assert assess_text("12 345 !!").band is None


@pytest.mark.slow
def test_real_speech_gets_a_band_from_its_transcript(jfk_transcript: Transcript) -> None:
    result = assess_speech(jfk_transcript.words, jfk_transcript.text)
    assert result.band in LEVELS and result.score is not None
    assert result.signal("asr_confidence").value == pytest.approx(jfk_transcript.mean_word_probability)
    assert not result.reliable  # 22 words are too few to rely on
