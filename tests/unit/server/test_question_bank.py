"""The ML-engineer question bank: it loads, is complete, converts to API payloads and scores sensibly."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import msgspec
import pytest

from server.domain.assessments.schemas import QuestionIn
from server.seed.bank import (
    BANK_PATH,
    COMPETENCIES,
    FOCUSES,
    BankQuestion,
    export_json,
    import_json,
    load_bank,
    to_question_in,
)

CLASSICS = (
    "mlops-notebook-to-production",
    "mlops-degrading-model",
    "pt-batch-vs-realtime",
    "collab-pushback-not-ready",
    "ps-production-issue-debugged",
)


@pytest.fixture(scope="module")
def bank() -> list[BankQuestion]:
    return load_bank()


def _raw_bank() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(BANK_PATH.read_text(encoding="utf-8"))
    return doc


def test_bank_loads_with_enough_questions_for_every_competency(bank: list[BankQuestion]) -> None:
    assert len(bank) >= 50
    per_competency = Counter(q.competency for q in bank)
    assert set(per_competency) == COMPETENCIES
    assert all(n >= 6 for n in per_competency.values()), per_competency


def test_bank_mixes_kinds_focuses_and_difficulties(bank: list[BankQuestion]) -> None:
    kinds = Counter(q.kind for q in bank)
    assert kinds["written"] >= 6 and kinds["video"] > kinds["written"]
    assert {f for q in bank for f in q.focus} == FOCUSES
    assert {q.difficulty for q in bank} == {"mid", "senior"}
    ids = {q.id for q in bank}
    assert set(CLASSICS) <= ids


def test_every_question_has_a_complete_rubric(bank: list[BankQuestion]) -> None:
    for q in bank:
        assert sorted(lv.level for lv in q.rubric.levels) == [1, 2, 3, 4, 5], q.id
        for level in (1, 3, 5):
            assert q.exemplars_at(level), f"{q.id} has no exemplar at level {level}"
        assert q.rubric.reveals and q.rubric.red_flags, q.id
        assert q.tags, q.id


def test_timings_suit_the_answer_kind(bank: list[BankQuestion]) -> None:
    for q in bank:
        if q.kind == "video":
            assert 120 <= q.max_answer_s <= 240, q.id
        else:
            assert 600 <= q.max_answer_s <= 900, q.id


def test_level_five_exemplars_say_more_than_level_one(bank: list[BankQuestion]) -> None:
    for q in bank:
        top = min(len(t.split()) for t in q.exemplars_at(5))
        bottom = max(len(t.split()) for t in q.exemplars_at(1))
        assert 100 <= top <= 260 and bottom < top / 2, q.id


def test_every_payload_is_a_valid_question_in(bank: list[BankQuestion]) -> None:
    for q in bank:
        payload = to_question_in(q)
        assert not {"id", "tags", "focus", "difficulty"} & payload.keys()
        question = msgspec.convert(payload, QuestionIn)
        assert question.prompt == q.prompt
        assert question.competency == q.competency
        assert question.rubric is not None
        assert len(question.rubric.exemplars) == len(q.rubric.exemplars)


def test_export_then_import_is_identity(bank: list[BankQuestion]) -> None:
    text = export_json(bank)
    assert import_json(text) == bank
    assert export_json(import_json(text)) == text
    assert BANK_PATH.read_text(encoding="utf-8") == text


def test_import_accepts_a_bare_list_of_questions(bank: list[BankQuestion]) -> None:
    assert import_json(json.dumps(_raw_bank()["questions"][:3])) == bank[:3]


def test_duplicate_id_is_rejected_by_name() -> None:
    doc = _raw_bank()
    doc["questions"].append(dict(doc["questions"][0]))
    qid = doc["questions"][0]["id"]
    with pytest.raises(ValueError, match=rf"question '{qid}', field id: duplicate id"):
        import_json(json.dumps(doc))


def test_unknown_competency_is_rejected_by_name() -> None:
    doc = _raw_bank()
    doc["questions"][2]["competency"] = "vibes"
    qid = doc["questions"][2]["id"]
    with pytest.raises(ValueError, match=rf"question '{qid}', field competency: unknown competency 'vibes'"):
        import_json(json.dumps(doc))


def test_missing_level_five_exemplar_is_rejected_by_name() -> None:
    doc = _raw_bank()
    rubric = doc["questions"][4]["rubric"]
    rubric["exemplars"] = [e for e in rubric["exemplars"] if e["level"] != 5]
    qid = doc["questions"][4]["id"]
    expected = rf"question '{qid}', field rubric.exemplars: no exemplar at level 5"
    with pytest.raises(ValueError, match=expected):
        import_json(json.dumps(doc))


def test_a_level_described_twice_is_rejected() -> None:
    doc = _raw_bank()
    doc["questions"][1]["rubric"]["levels"][1]["level"] = 1
    with pytest.raises(ValueError, match=r"field rubric.levels: level 1 is described 2 times"):
        import_json(json.dumps(doc))


def test_schema_limits_name_the_question_and_field() -> None:
    doc = _raw_bank()
    doc["questions"][3]["think_time_s"] = 601
    qid = doc["questions"][3]["id"]
    with pytest.raises(ValueError, match=rf"question '{qid}', field think_time_s: Expected `int` <= 600"):
        import_json(json.dumps(doc))
    doc = _raw_bank()
    doc["questions"][0]["rubric"]["exemplars"][0]["text"] = "x" * 20001
    expected = r"field rubric.exemplars\[0\].text: Expected `str` of length <= 20000"
    with pytest.raises(ValueError, match=expected):
        import_json(json.dumps(doc))


def test_unknown_fields_and_bad_json_are_rejected() -> None:
    doc = _raw_bank()
    doc["questions"][0]["colour"] = "blue"
    with pytest.raises(ValueError, match=r"Object contains unknown field `colour`"):
        import_json(json.dumps(doc))
    with pytest.raises(ValueError, match="not valid JSON"):
        import_json("{not json")
    with pytest.raises(ValueError, match="'questions' list"):
        import_json('{"format": "viva-question-bank", "version": 1}')


@pytest.mark.slow
def test_level_five_exemplars_outscore_level_one_left_out(bank: list[BankQuestion]) -> None:
    """Each level-5 (and level-1) exemplar, scored against the rest of its rubric, lands higher (lower)."""
    from scoring.embeddings import default_encoder
    from scoring.exemplar_scorer import ExemplarScorer
    from scoring.rubric import Rubric, RubricLevel

    scorer = ExemplarScorer(encoder=default_encoder())

    def rubric_without(q: BankQuestion, text: str) -> Rubric:
        descriptors = {lv.level: lv.descriptor for lv in q.rubric.levels}
        return Rubric(
            question=q.prompt,
            question_id=q.id,
            levels=tuple(
                RubricLevel(
                    level=lv,
                    descriptor=descriptors[lv],
                    exemplars=tuple(t for t in q.exemplars_at(lv) if t != text),
                )
                for lv in range(1, 6)
            ),
        )

    def mean_score(q: BankQuestion, level: int) -> float:
        scores = []
        for text in q.exemplars_at(level):
            suggestion = scorer.suggest(rubric_without(q, text), text)
            assert not suggestion.abstained, (q.id, level, suggestion.abstain_reason)
            assert suggestion.score is not None
            scores.append(suggestion.score)
        return sum(scores) / len(scores)

    ordered = [q.id for q in bank if mean_score(q, 5) > mean_score(q, 1)]
    fraction = len(ordered) / len(bank)
    print(f"level 5 above level 1 (leave-one-out): {len(ordered)}/{len(bank)} = {fraction:.2f}")
    assert fraction >= 0.9, sorted({q.id for q in bank} - set(ordered))
