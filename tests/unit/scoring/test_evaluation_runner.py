"""The evaluation routine end to end on the copied SemEval files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_content import SEMEVAL_DIR

from scoring.evaluation.readers import read_semeval
from scoring.evaluation.report import format_report
from scoring.evaluation.runner import run_evaluation

pytestmark = pytest.mark.slow


def test_cross_validation_beats_baseline_and_reports_everything() -> None:
    report = run_evaluation("semeval", SEMEVAL_DIR / "3way" / "beetle", folds=5, progress=False)
    (beetle,) = report.results
    assert beetle.dataset == "beetle" and report.n_answers == 446
    assert beetle.scorer.accuracy > beetle.baseline.accuracy
    assert beetle.scorer.qwk > beetle.baseline.qwk
    text = format_report(report)
    assert "baseline" in text and "QWK" in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["results"][0]["baseline"]["accuracy"] == pytest.approx(beetle.baseline.accuracy)


def test_train_test_on_unseen_questions(tmp_path: Path) -> None:
    report = run_evaluation(
        "semeval",
        SEMEVAL_DIR / "3way" / "beetle",
        SEMEVAL_DIR / "3way" / "sciEntsBank",
        folds=3,
        progress=False,
    )
    result = report.results[0]
    n_test = sum(len(q.answers) for q in read_semeval(SEMEVAL_DIR / "3way" / "sciEntsBank"))
    assert report.mode == "train/test" and report.n_answers == n_test
    assert result.scorer.n_scored > 0.9 * n_test
    # an unseen domain with reference answers only: the vote always says "correct"
    assert result.scorer.accuracy > result.baseline.accuracy + 0.05
    assert result.scorer.macro_f1 > result.baseline.macro_f1


def test_csv_reports_human_human_agreement(tmp_path: Path) -> None:
    rows = ["question_id,question,reference_answer,answer,score,score_2"]
    for q in read_semeval(SEMEVAL_DIR / "2way" / "sciEntsBank"):
        ref = q.rubric.level(2).exemplars[0].replace('"', "'")
        for i, a in enumerate(q.answers):
            second = a.score if i % 5 else 3 - a.score  # a second rater who disagrees on 1 in 5
            text = a.text.replace('"', "'")
            rows.append(f'{q.question_id},"{q.rubric.question}","{ref}","{text}",{a.score},{second}')
    path = tmp_path / "two_raters.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = run_evaluation("csv", path, folds=3, progress=False)
    hh = report.results[0].human_human
    assert hh is not None and 0.75 <= hh.accuracy <= 0.85
