"""Readers on the copied SemEval files and on small CSV / JSONL files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_content import SEMEVAL_DIR

from scoring.evaluation.readers import read_csv, read_dataset, read_jsonl, read_semeval


def test_semeval_3way_beetle() -> None:
    questions = {q.question_id: q for q in read_semeval(SEMEVAL_DIR / "3way" / "beetle")}
    assert len(questions) == 4
    q = questions["BULB_C_VOLTAGE_EXPLAIN_WHY1"]
    assert q.rubric.scale == (1, 2, 3)
    assert [lv.label for lv in q.rubric.levels] == ["incorrect", "contradictory", "correct"]
    refs = q.rubric.level(3).exemplars
    assert len(refs) == 5 and refs[0] == "Terminal 1 and the positive terminal are separated by the gap"
    # MINIMAL references come after BEST ones
    assert refs[-1] == "Terminal 1 and the positive battery terminal are in different electrical states"
    assert q.rubric.level(1).exemplars == ()
    by_text = {a.text: a.score for a in q.answers}
    assert by_text["positive battery terminal is separated by a gap from terminal 1"] == 3
    assert by_text["Because terminal 1 is connected to the positive battery terminal"] == 2
    assert by_text["i do not understand"] == 1
    assert len(q.answers) == 103 and q.dataset == "beetle"


def test_semeval_2way_scale() -> None:
    questions = read_semeval(SEMEVAL_DIR / "2way" / "sciEntsBank")
    assert len(questions) == 4
    assert all(q.rubric.scale == (1, 2) for q in questions)
    assert {a.score for q in questions for a in q.answers} == {1, 2}


def test_csv_with_second_rater(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        "question_id,question,reference_answer,answer,score,score_2\n"
        "q1,Why is the sky blue?,Rayleigh scattering of sunlight,Because of scattering,3,2\n"
        "q1,Why is the sky blue?,Rayleigh scattering of sunlight,It reflects the sea,0,\n"
        'q2,"What is 2+2, in words?",four,four,3,3\n',
        encoding="utf-8",
    )
    questions = {q.question_id: q for q in read_csv(path)}
    assert questions["q1"].rubric.scale == (0, 1, 2, 3)
    assert questions["q1"].rubric.level(3).exemplars == ("Rayleigh scattering of sunlight",)
    assert [(a.score, a.score_2) for a in questions["q1"].answers] == [(3, 2), (0, None)]
    assert questions["q2"].rubric.question == "What is 2+2, in words?"


def test_csv_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("question_id,answer,score\nq1,x,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing CSV columns"):
        read_csv(path)


def test_jsonl(tmp_path: Path) -> None:
    line = {
        "question_id": "conflict",
        "question": "Tell us about a disagreement.",
        "scale": [1, 2, 3, 4, 5],
        "levels": [
            {"level": 5, "label": "excellent", "descriptor": "Tests options", "exemplars": ["We ran a test."]}
        ],
        "answers": [{"id": "a1", "text": "We argued.", "score": 2, "score_2": 3}],
    }
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(line) + "\n\n", encoding="utf-8")
    (q,) = read_dataset("jsonl", path)
    assert q.rubric.level(5).exemplars == ("We ran a test.",) and q.rubric.level(5).label == "excellent"
    assert q.answers[0].answer_id == "a1" and q.answers[0].score_2 == 3
    assert read_jsonl(path) == [q]
