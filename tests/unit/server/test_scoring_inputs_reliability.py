"""What the review page is told about the transcript a suggestion rests on."""

from __future__ import annotations

import msgspec

from scoring.calibration import CalibrationRecord
from scoring.exemplar_scorer import calibration_record
from scoring.rubric import Answer
from scoring.suggestion import Evidence
from scoring.suggestion import Suggestion as ScoredSuggestion
from scoring.transcript import Segment, Transcript, Word
from server.db.documents import SuggestionEvidence, TranscriptReliability
from server.jobs.scoring_inputs import reliability_of


def _transcript(probabilities: list[float]) -> Transcript:
    words = tuple(
        Word(start=0.5 * i, end=0.5 * i + 0.4, word=f" w{i}", probability=p)
        for i, p in enumerate(probabilities)
    )
    return Transcript(
        text=" ".join(w.word.strip() for w in words),
        language="en",
        language_probability=1.0,
        duration=0.5 * len(words),
        segments=(
            Segment(
                start=0.0, end=0.5 * len(words), text="", avg_logprob=-0.3, no_speech_prob=0.0, words=words
            ),
        ),
        no_speech=False,
        model_name="tiny.en",
        model_version="tiny.en@test",
        speech_seconds=0.5 * len(words),
        completeness=1.0,
    )


def test_written_answers_have_no_reliability() -> None:
    assert reliability_of(Answer(text="typed"), None) is None


def test_a_doubtful_transcript_names_its_words_and_times() -> None:
    tr = _transcript([0.9, 0.3, 0.8, 0.45, 0.7])
    answer = Answer(
        text=tr.text,
        asr_confidence=tr.mean_word_probability,
        transcript_completeness=1.0,
        words_per_second=2.0,
    )
    rel = reliability_of(answer, tr)
    assert rel is not None and rel.band == "low"  # mean word probability 0.63
    assert [(w.word, w.start) for w in rel.doubtful_words] == [("w1", 0.5), ("w3", 1.5)]
    # stored in the suggestion's evidence and read back as the same typed struct
    ev = msgspec.convert(
        {
            "levels": [],
            "reference_similarity": None,
            "reference_coverage": None,
            "max_similarity": None,
            "n_exemplars": 0,
            "n_scored_examples": 0,
            "example_share": 0.0,
            "interval_method": "",
            "n_calibration": 0,
            "spread": 0.3,
            "regime": "exemplars",
            "rounded_level": 2,
            "abstain_code": None,
            "scale": [1, 3],
            "reliability": msgspec.to_builtins(rel),
        },
        SuggestionEvidence,
    )
    assert isinstance(ev.reliability, TranscriptReliability) and ev.reliability == rel
    old = msgspec.json.decode(
        msgspec.json.encode(msgspec.structs.replace(ev, reliability=None)), type=SuggestionEvidence
    )
    assert old.reliability is None  # evidence stored before this field reads as it was


def test_a_clear_transcript_is_high_and_calibrates_in_its_band() -> None:
    tr = _transcript([0.95, 0.9, 0.99, 0.85])
    answer = Answer(text=tr.text, asr_confidence=tr.mean_word_probability, words_per_second=2.0)
    rel = reliability_of(answer, tr)
    assert rel is not None and rel.band == "high" and rel.doubtful_words == ()
    s = ScoredSuggestion(
        score=2.0,
        rounded_level=2,
        interval_low=1.0,
        interval_high=3.0,
        level=0.8,
        abstained=False,
        spread=0.4,
        regime="exemplars",
        evidence=Evidence(reliability_band="medium"),
    )
    rec = calibration_record(s, 3.0, "q1")
    assert isinstance(rec, CalibrationRecord)
    assert rec.groups[0] == ("regime", "exemplars", "reliability", "medium")
