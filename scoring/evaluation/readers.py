"""Readers for evaluation data: SemEval-2013 Task 7 XML, CSV and the product's JSONL.

Every reader returns :class:`EvalQuestion` values: a rubric (scale, levels, exemplars)
and the human-scored answers to that question. See ``FORMATS.md`` beside this module.

JSONL format (one question per line)::

    {"question_id": "q1", "question": "Why ...?", "scale": [1, 2, 3, 4, 5],
     "levels": [{"level": 5, "label": "excellent", "descriptor": "...",
                 "exemplars": ["An answer at level 5", "..."]}, ...],
     "answers": [{"id": "a1", "text": "...", "score": 4, "score_2": 3}, ...]}

``scale`` defaults to 1..5; ``levels``, ``label``, ``descriptor``, ``id`` and ``score_2``
are optional.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from scoring.rubric import Rubric, RubricLevel

__all__ = [
    "SEMEVAL_LABELS_2WAY",
    "SEMEVAL_LABELS_3WAY",
    "EvalAnswer",
    "EvalQuestion",
    "read_csv",
    "read_dataset",
    "read_jsonl",
    "read_semeval",
]

SEMEVAL_LABELS_3WAY = ("incorrect", "contradictory", "correct")
SEMEVAL_LABELS_2WAY = ("incorrect", "correct")
_BEETLE_ORDER = {"BEST": 0, "GOOD": 1, "MINIMAL": 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalAnswer:
    """A human-scored answer (``score_2`` is a second rater, when there is one)."""

    answer_id: str
    text: str
    score: int
    score_2: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalQuestion:
    """A question's rubric and its human-scored answers."""

    question_id: str
    rubric: Rubric
    answers: tuple[EvalAnswer, ...]
    dataset: str = ""


def _xml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(path.rglob("*.xml"))
    if not files:
        raise FileNotFoundError(f"No SemEval XML files under {path}.")
    return files


def read_semeval(path: Path | str, *, labels: tuple[str, ...] | None = None) -> list[EvalQuestion]:
    """Read SemEval-2013 Task 7 XML (a file, or a folder searched recursively).

    Labels map to an ordinal scale 1..n (incorrect < contradictory < correct); the
    2-way or 3-way scheme is detected from the labels unless given. Reference answers
    become top-level exemplars; Beetle's BEST/GOOD/MINIMAL references are all correct
    answers and are kept best first, so the evidence shows the best ones first.
    """
    files = _xml_files(Path(path))
    roots = [(f, ET.parse(f).getroot()) for f in files]
    if labels is None:
        seen = {sa.get("accuracy") for _, r in roots for sa in r.iter("studentAnswer")}
        three = "contradictory" in seen or any("3way" in f.parts for f, _ in roots)
        labels = SEMEVAL_LABELS_3WAY if three else SEMEVAL_LABELS_2WAY
    index = {name: i + 1 for i, name in enumerate(labels)}
    scale = tuple(range(1, len(labels) + 1))
    questions = []
    for file, root in roots:
        qid = root.get("id") or file.stem
        refs = sorted(
            root.iter("referenceAnswer"),
            key=lambda r: _BEETLE_ORDER.get(r.get("category") or "", 0),
        )
        ref_texts = tuple(dict.fromkeys((r.text or "").strip() for r in refs if (r.text or "").strip()))
        answers = []
        for sa in root.iter("studentAnswer"):
            label = sa.get("accuracy") or ""
            if label not in index:
                # 5-way labels (partially_correct_incomplete, irrelevant, non_domain) are
                # not ordinal on this scale: everything but "correct" is incorrect here.
                label = "incorrect" if label != "correct" else label
            answers.append(
                EvalAnswer(answer_id=sa.get("id") or "", text=(sa.text or "").strip(), score=index[label])
            )
        rubric = Rubric(
            question=(root.findtext("questionText") or "").strip(),
            question_id=qid,
            scale=scale,
            levels=tuple(
                RubricLevel(level=i + 1, label=name, exemplars=ref_texts if i + 1 == len(labels) else ())
                for i, name in enumerate(labels)
            ),
        )
        dataset = file.parent.name if Path(path).is_dir() else ""
        questions.append(
            EvalQuestion(question_id=qid, rubric=rubric, answers=tuple(answers), dataset=dataset)
        )
    return questions


def _int_score(value: str, where: str) -> int:
    try:
        number = float(value)
    except ValueError as exc:
        raise ValueError(f"{where}: score {value!r} is not a number.") from exc
    if number != int(number):
        raise ValueError(f"{where}: score {value!r} is not an integer level.")
    return int(number)


def read_csv(path: Path | str, *, scale: tuple[int, ...] | None = None) -> list[EvalQuestion]:
    """Read ``question_id,question,reference_answer,answer,score[,score_2]`` rows.

    Each question's distinct reference answers become its top-level exemplars; the
    scale is every integer between the lowest and highest score unless given.
    """
    rows: list[dict[str, str]] = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        needed = {"question_id", "question", "reference_answer", "answer", "score"}
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing CSV columns {sorted(missing)}.")
        rows = list(reader)
    scores = [_int_score(r["score"], f"{path} row {i + 2}") for i, r in enumerate(rows)]
    if scale is None:
        scale = tuple(range(min(scores), max(scores) + 1)) if scores else (1, 2, 3, 4, 5)
    grouped: dict[str, list[tuple[dict[str, str], int, int]]] = {}
    for i, (row, score) in enumerate(zip(rows, scores, strict=True)):
        grouped.setdefault(row["question_id"], []).append((row, score, i))
    questions = []
    for qid, items in grouped.items():
        refs = tuple(
            dict.fromkeys(r["reference_answer"].strip() for r, _, _ in items if r["reference_answer"].strip())
        )
        answers = tuple(
            EvalAnswer(
                answer_id=f"{qid}#{i}",
                text=row["answer"].strip(),
                score=score,
                score_2=_int_score(row["score_2"], f"{path} row {i + 2}")
                if (row.get("score_2") or "").strip()
                else None,
            )
            for row, score, i in items
        )
        rubric = Rubric.from_references(items[0][0]["question"], refs, scale=scale, question_id=qid)
        questions.append(EvalQuestion(question_id=qid, rubric=rubric, answers=answers))
    return questions


def read_jsonl(path: Path | str) -> list[EvalQuestion]:
    """Read the product's JSONL format: one question per line (see the module docstring)."""
    questions = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            scale = tuple(int(s) for s in obj.get("scale", (1, 2, 3, 4, 5)))
            levels = tuple(
                RubricLevel(
                    level=int(lv["level"]),
                    descriptor=str(lv.get("descriptor", "")),
                    exemplars=tuple(str(t) for t in lv.get("exemplars", ())),
                    label=str(lv.get("label", "")),
                )
                for lv in obj.get("levels", ())
            )
            qid = str(obj.get("question_id", f"line{n}"))
            rubric = Rubric(
                question=str(obj.get("question", "")), levels=levels, scale=scale, question_id=qid
            )
            answers = tuple(
                EvalAnswer(
                    answer_id=str(a.get("id", f"{qid}#{i}")),
                    text=str(a["text"]),
                    score=int(a["score"]),
                    score_2=int(a["score_2"]) if a.get("score_2") is not None else None,
                )
                for i, a in enumerate(obj.get("answers", ()))
            )
            questions.append(EvalQuestion(question_id=qid, rubric=rubric, answers=answers))
    return questions


def read_dataset(fmt: str, path: Path | str) -> list[EvalQuestion]:
    """Read evaluation data in ``semeval``, ``csv`` or ``jsonl`` format."""
    readers = {"semeval": read_semeval, "csv": read_csv, "jsonl": read_jsonl}
    if fmt not in readers:
        raise ValueError(f"Unknown format {fmt!r}; use one of {sorted(readers)}.")
    if fmt == "semeval":
        return read_semeval(path)
    return read_csv(path) if fmt == "csv" else read_jsonl(path)
