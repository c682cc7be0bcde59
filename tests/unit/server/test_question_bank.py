"""The question bank: it loads, covers six roles, is complete, converts to payloads and scores sensibly."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import msgspec
import pytest

from server.domain.assessments.schemas import QuestionIn
from server.domain.bank.format import FOCUSES, BankQuestion, export_json, import_json, to_question_in
from server.seed.bank import BANK_PATH, bank_files, load_bank
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from server.seed.roles import BEHAVIOURAL, ROLES

ML_DIMENSIONS = ML_ENGINEER_ASSESSMENT["dimensions"]
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
    assert len(bank) >= 100
    ml = Counter(q.competency for q in bank if "ml-engineer" in q.roles)
    assert all(ml[c["key"]] >= 6 for d in ML_DIMENSIONS for c in d["competencies"]), ml


def test_every_role_has_twenty_questions_covering_its_competencies(bank: list[BankQuestion]) -> None:
    for role in ROLES:
        questions = [q for q in bank if role.key in q.roles]
        assert len(questions) >= 20, (role.key, len(questions))
        per_competency = Counter(q.competency for q in questions)
        assert set(per_competency) == set(role.competencies), role.key
        assert any(q.kind == "written" for q in questions), role.key


def test_behavioural_questions_are_shared_between_roles(bank: list[BankQuestion]) -> None:
    shared = [q for q in bank if len(q.roles) == len(ROLES)]
    assert len(shared) >= 6 and all(q.competency in BEHAVIOURAL for q in shared)
    assert {q.competency for q in shared} == set(BEHAVIOURAL)


def test_the_ml_bank_covers_frameworks_sql_and_the_candidates_own_production(
    bank: list[BankQuestion],
) -> None:
    ml = {q.id: q for q in bank if "ml-engineer" in q.roles}
    tags = {t for q in ml.values() for t in q.tags}
    assert {"pytorch", "distributed-training", "sql", "own-experience", "serving"} <= tags
    assert sum(q.competency == "sql-data" for q in ml.values()) >= 3


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
        assert not {"id", "roles", "tags", "focus", "difficulty"} & payload.keys()
        question = msgspec.convert(payload, QuestionIn)
        assert question.prompt == q.prompt
        assert question.competency == q.competency
        assert question.rubric is not None
        assert len(question.rubric.exemplars) == len(q.rubric.exemplars)


def test_export_then_import_is_identity(bank: list[BankQuestion]) -> None:
    text = export_json(bank)
    assert import_json(text) == bank
    assert export_json(import_json(text)) == text
    files = bank_files()
    assert files[0] == BANK_PATH and len(files) >= 6
    for path in files:  # every shipped file is exactly what the exporter writes
        assert path.read_text(encoding="utf-8") == export_json(load_bank(path)), path.name


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


def test_unknown_and_misfitting_roles_are_rejected_by_name() -> None:
    doc = _raw_bank()
    doc["questions"][0]["roles"] = ["ml-engineer", "astronaut"]
    qid = doc["questions"][0]["id"]
    with pytest.raises(ValueError, match=rf"question '{qid}', field roles: unknown role 'astronaut'"):
        import_json(json.dumps(doc))
    doc = _raw_bank()
    mlops = next(q for q in doc["questions"] if q["competency"] == "mlops")
    mlops["roles"] = ["ml-engineer", "sales"]
    with pytest.raises(ValueError, match=r"field roles: competency 'mlops' is not assessed for 'sales'"):
        import_json(json.dumps(doc))


@pytest.mark.slow
@pytest.mark.timeout(1800)  # about 560 suggestions with the real model (112 questions)
def test_level_five_exemplars_outscore_level_one_left_out(bank: list[BankQuestion]) -> None:
    """Each level-5 (and level-1) exemplar, scored against the rest of its rubric, lands higher (lower).

    Holds for at least 90% of the questions of every role (the issue's bar), with the same
    leave-one-out the admin's question form runs on draft exemplars.
    """
    from scoring.embeddings import default_encoder
    from scoring.exemplar_scorer import ExemplarScorer
    from server.domain.curation.exemplar_check import leave_one_out

    scorer = ExemplarScorer(encoder=default_encoder())

    def ordered(q: BankQuestion) -> bool:
        pairs = [(e.level, e.text) for e in q.rubric.exemplars]
        results = leave_one_out(
            scorer, q.prompt, pairs, {lv.level: lv.descriptor for lv in q.rubric.levels}, question_id=q.id
        )
        for r in results:
            assert r.score is not None, (q.id, r.level, r.abstain_reason)
        top = [r.score for r in results if r.level == 5 and r.score is not None]
        bottom = [r.score for r in results if r.level == 1 and r.score is not None]
        return sum(top) / len(top) > sum(bottom) / len(bottom)

    good = {q.id for q in bank if ordered(q)}
    for role in ROLES:
        ids = [q.id for q in bank if role.key in q.roles]
        share = sum(i in good for i in ids) / len(ids)
        print(f"{role.key}: level 5 above level 1 (leave-one-out) in {share:.2f} of {len(ids)} questions")
        assert share >= 0.9, (role.key, sorted(set(ids) - good))
