"""A candidate report as CSV (stdlib csv: quoting, and no cell a spreadsheet would run)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import quote

from server.domain.reports.schemas import CohortExport, InvitationReport, ScoreOut

__all__ = ["attachment", "cohort_csv", "report_csv"]

HEADER = ("section", "item", "score", "low", "high", "coverage", "source", "detail")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Numbers rounded; text that a spreadsheet would evaluate as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 1)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _score_row(section: str, s: ScoreOut) -> list[Any]:
    detail = f"n={s.n_scored}/{s.n_responses}, human={s.n_human}" + (f", {s.note}" if s.partial else "")
    return [section, s.name, s.score, s.low, s.high, s.coverage, "", detail]


def report_csv(report: InvitationReport) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    rows: list[list[Any]] = [
        list(HEADER),
        ["candidate", report.candidate_name, None, None, None, None, report.status, report.assessment_title],
    ]
    rows.append(_score_row("overall", report.overall))
    rows += [_score_row("dimension", d) for d in report.dimensions]
    rows += [_score_row("competency", c) for c in report.competencies]
    for q in report.questions:
        detail = q.abstain_reason or (q.decision or "")
        rows.append(
            [
                "question",
                f"Q{q.number}: {q.prompt}",
                q.score,
                q.low,
                q.high,
                None,
                q.source + ("" if q.confirmed or q.score is None else " (unconfirmed)"),
                detail,
            ]
        )
    e = report.english
    rows.append(
        [
            "english",
            f"threshold {e.threshold}",
            None,
            None,
            None,
            None,
            e.verdict.replace("_", " "),
            f"{e.band or 'n/a'} (range {e.band_low or '?'}-{e.band_high or '?'})",
        ]
    )
    rows += [
        ["note", f"Q{n.question_number}", n.score, None, None, None, n.reviewer_name or "", n.comment]
        for n in report.notes
    ]
    rows += [["count", k, v, None, None, None, "", ""] for k, v in report.counts.items()]
    w.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets read it as UTF-8


def _triple(s: ScoreOut | None) -> list[Any]:
    return [None, None, None] if s is None else [s.score, s.low, s.high]


def cohort_csv(export: CohortExport) -> bytes:
    """One row per candidate (the compare table, wider): stage, decision, every score with its
    interval, English level, report link; cells a spreadsheet would evaluate are defused."""
    head: list[str] = [
        "candidate",
        "email",
        "stage",
        "status",
        "decision",
        "decision_reason",
        "decision_note",
        "decided_at",
        "completed_at",
        "overall",
        "overall_low",
        "overall_high",
    ]
    for name in export.dimensions:
        head += [f"dimension: {name}", f"dimension: {name} low", f"dimension: {name} high"]
    for name in export.competencies:
        head += [f"competency: {name}", f"competency: {name} low", f"competency: {name} high"]
    head += ["english", "english_low", "english_high", "english_verdict", "english_confirmed"]
    head += ["answers_confirmed", "answers_unconfirmed", "answers_missing", "report_url"]
    rows: list[list[Any]] = [head]
    for c in export.candidates:
        dims = {d.name: d for d in c.dimensions}
        comps = {x.name: x for x in c.competencies}
        row: list[Any] = [
            c.candidate_name,
            c.candidate_email,
            c.stage,
            c.status,
            c.decision,
            c.decision_reason,
            c.decision_note,
            c.decided_at.isoformat() if c.decided_at else None,
            c.completed_at.isoformat() if c.completed_at else None,
            *_triple(c.overall),
        ]
        for name in export.dimensions:
            row += _triple(dims.get(name))
        for name in export.competencies:
            row += _triple(comps.get(name))
        e = c.english
        row += [e.band, e.band_low, e.band_high, e.verdict, e.confirmed_level]
        confirmed = sum(c.counts.get(k, 0) for k in ("confirmed", "overridden", "resolved"))
        unconfirmed = c.counts.get("unconfirmed", 0) + c.counts.get("needs_human", 0)
        row += [confirmed, unconfirmed, c.counts.get("missing", 0), c.report_url]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(
        [[_cell(v) for v in row] for row in rows]
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def attachment(name: str, ext: str) -> str:
    """A Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "candidate"
    full = quote(f"viva-report-{name}.{ext}", safe="")
    return f"attachment; filename=\"viva-report-{slug}.{ext}\"; filename*=UTF-8''{full}"
