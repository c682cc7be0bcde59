"""The exemplar scorer on the real encoder: ordering, abstentions, learning, evidence."""

from __future__ import annotations

import pytest
from fixtures_content import SEMEVAL_DIR, interview_rubric

from scoring.evaluation.readers import read_semeval
from scoring.exemplar_scorer import ExemplarScorer
from scoring.rubric import Answer, Rubric, ScoredExample
from scoring.suggestion import AbstainReason

pytestmark = pytest.mark.slow

LEVEL5_PARAPHRASE = (
    "First I met my colleague to hear why they preferred their approach. We wrote down the "
    "advantages and drawbacks of each option, tried both on a sample of real data, and chose the "
    "one that did better. Later we agreed on a way to raise disagreements sooner."
)
LEVEL1_PARAPHRASE = "I ignored my colleague's opinion and simply did the work the way I wanted."


@pytest.fixture(scope="module")
def scorer() -> ExemplarScorer:
    return ExemplarScorer()


def test_level5_paraphrase_scores_above_level1_paraphrase(scorer: ExemplarScorer) -> None:
    rubric = interview_rubric()
    high = scorer.suggest(rubric, LEVEL5_PARAPHRASE)
    low = scorer.suggest(rubric, LEVEL1_PARAPHRASE)
    assert not high.abstained and not low.abstained
    assert high.score is not None and low.score is not None
    assert high.score > low.score + 1.0
    assert high.rounded_level is not None and high.rounded_level >= 4
    assert low.rounded_level is not None and low.rounded_level <= 2


def test_off_topic_answer_abstains(scorer: ExemplarScorer) -> None:
    answer = "Preheat the oven, then mix two cups of flour with butter and a pinch of salt for the pastry."
    suggestion = scorer.suggest(interview_rubric(), answer)
    assert suggestion.abstained
    assert suggestion.abstain_reason is AbstainReason.OFF_TOPIC
    assert suggestion.score is None and suggestion.interval_low is None
    assert suggestion.abstain_message and "off-topic" in suggestion.abstain_message


def test_off_topic_answer_abstains_with_confirmed_examples(scorer: ExemplarScorer) -> None:
    q = read_semeval(SEMEVAL_DIR / "3way" / "beetle")[0]
    examples = [ScoredExample(text=a.text, score=a.score) for a in q.answers]
    prepared = scorer.prepare(q.rubric, examples)
    off = scorer.suggest(prepared, "My favourite holiday was a week of hiking in the mountains with friends.")
    on = scorer.suggest(prepared, "terminal 1 is not connected to the positive battery terminal")
    assert off.abstain_reason is AbstainReason.OFF_TOPIC
    assert not on.abstained and on.rounded_level == 3


def test_no_exemplars_abstains(scorer: ExemplarScorer) -> None:
    bare = Rubric(question="Describe a project you are proud of.")
    suggestion = scorer.suggest(
        bare, "I built a tool that cut our release time in half, and the team still uses it."
    )
    assert suggestion.abstained and suggestion.abstain_reason is AbstainReason.NO_EXEMPLARS


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(text="", no_speech=True), AbstainReason.NO_SPEECH),
        (Answer(text="Yes.", asr_confidence=0.95), AbstainReason.TOO_SHORT),
        (Answer(text=LEVEL5_PARAPHRASE, asr_confidence=0.3), AbstainReason.LOW_ASR_CONFIDENCE),
        (
            Answer(text=LEVEL5_PARAPHRASE, asr_confidence=0.95, transcript_completeness=0.7),
            AbstainReason.INCOMPLETE_TRANSCRIPT,
        ),
    ],
)
def test_transcriber_flags_abstain(scorer: ExemplarScorer, answer: Answer, reason: AbstainReason) -> None:
    suggestion = scorer.suggest(interview_rubric(), answer)
    assert suggestion.abstained and suggestion.abstain_reason is reason


def test_a_nearly_complete_transcript_is_scored(scorer: ExemplarScorer) -> None:
    answer = Answer(text=LEVEL5_PARAPHRASE, asr_confidence=0.95, transcript_completeness=0.95)
    assert not scorer.suggest(interview_rubric(), answer).abstained


def test_confirmed_examples_move_later_suggestions(scorer: ExemplarScorer) -> None:
    rubric = interview_rubric()
    answer = "I told my manager we disagreed and asked them which approach the team should use."
    before = scorer.suggest(rubric, answer).score
    similar = [
        "I went to my manager about the disagreement and asked them to pick an approach.",
        "I asked my boss to decide which of our two ways of working we should follow.",
        "I let our team lead decide between my approach and my colleague's.",
        "I raised the disagreement with my manager and did what they decided.",
        "I escalated it to my supervisor so they could choose how we would do it.",
        "My manager settled it after I explained that my colleague and I disagreed.",
    ] * 4  # 24 confirmed reviews: enough for the examples to dominate
    low = [ScoredExample(text=t, score=1) for t in similar]
    high = [ScoredExample(text=t, score=5) for t in similar]
    after_low = scorer.suggest(rubric, answer, examples=low).score
    after_high = scorer.suggest(rubric, answer, examples=high).score
    assert before is not None and after_low is not None and after_high is not None
    assert after_low < before - 0.5
    assert after_high > before + 0.5


def test_evidence_points_into_the_answer(scorer: ExemplarScorer) -> None:
    answer = (
        "I listened to my colleague first. "
        "Then we tested both approaches with real data and chose the better one."
    )
    suggestion = scorer.suggest(interview_rubric(), answer)
    ev = suggestion.evidence
    assert [lv.level for lv in ev.levels] == [1, 2, 3, 4, 5]
    assert abs(sum(lv.probability for lv in ev.levels) - 1.0) < 1e-6
    top = ev.levels[-1]
    assert top.nearest and top.nearest[0].source == "exemplar"
    for match in top.sentences:
        assert answer[match.start : match.end] == match.text
    assert top.sentences[0].text.startswith("Then we tested")
    assert set(suggestion.model_versions) == {"encoder", "content_model", "scorer"}
    assert "all-MiniLM-L6-v2" in suggestion.model_versions["encoder"]
    # No reviews yet: the shipped prior calibration (fitted on public scored data) gives an
    # interval narrower than the scale from the first answer, and says where it comes from.
    assert 1.0 <= suggestion.interval_low <= suggestion.interval_high <= 5.0
    assert suggestion.interval_high - suggestion.interval_low < 4.0
    assert ev.interval_method.startswith("prior:")
