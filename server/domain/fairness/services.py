"""Volunteered demographics, and the fairness report of one assessment."""

from __future__ import annotations

import statistics
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import CandidateDemographics, Invitation
from server.db.models.enums import CandidateDecision
from server.domain.fairness.impact import UNKNOWN, Person, rates_by_category
from server.domain.fairness.schemas import (
    RACE_ETHNICITY,
    SEX,
    CategoryRates,
    DecisionRates,
    Demographics,
    FairnessReport,
)
from server.domain.invitations.services import effective_status
from server.domain.reports.services import compare

__all__ = ["fairness_report", "get_demographics", "set_demographics"]


async def get_demographics(db: AsyncSession, inv: Invitation) -> Demographics:
    row = (
        await db.execute(select(CandidateDemographics).where(CandidateDemographics.invitation_id == inv.id))
    ).scalar_one_or_none()
    if row is None:
        return Demographics()
    return Demographics(sex=row.sex, race_ethnicity=row.race_ethnicity)  # type: ignore[arg-type]


async def set_demographics(db: AsyncSession, inv: Invitation, data: Demographics) -> Demographics:
    """Store what the candidate chose to say; both fields empty removes the record."""
    row = (
        await db.execute(select(CandidateDemographics).where(CandidateDemographics.invitation_id == inv.id))
    ).scalar_one_or_none()
    if data.sex is None and data.race_ethnicity is None:
        if row is not None:
            await db.delete(row)
        return Demographics()
    if row is None:
        row = CandidateDemographics(invitation_id=inv.id)
        db.add(row)
    row.sex, row.race_ethnicity = data.sex, data.race_ethnicity
    await db.flush()
    return data


async def _decision_rates(db: AsyncSession, assessment_id: uuid.UUID, min_group_size: int) -> DecisionRates:
    """Selection rates from recorded decisions (advanced = selected), by group."""
    rows = (
        await db.execute(
            select(Invitation, CandidateDemographics)
            .outerjoin(CandidateDemographics, CandidateDemographics.invitation_id == Invitation.id)
            .where(Invitation.assessment_id == assessment_id)
        )
    ).all()
    decided = [(inv, d) for inv, d in rows if inv.decision is not None]
    undecided = sum(1 for inv, _ in rows if inv.decision is None and effective_status(inv) == "completed")

    def people(key: str) -> list[Person]:
        out = []
        for inv, d in decided:
            sex = (d.sex if d else None) or UNKNOWN
            race = (d.race_ethnicity if d else None) or UNKNOWN
            cat = {"sex": sex, "race": race, "both": _intersection(sex, race)}[key]
            out.append(Person(category=cat, score=1.0 if inv.decision is CandidateDecision.ADVANCED else 0.0))
        return out

    both = tuple(f"{s}/{r}" for s in SEX for r in RACE_ETHNICITY)

    def rates(key: str, categories: tuple[str, ...]) -> list[CategoryRates]:
        # a person is selected (score 1 >= threshold 1) when advanced; no scoring rate here
        return rates_by_category(people(key), categories, threshold=1.0, median=None, min_n=min_group_size)

    return DecisionRates(
        decided=len(decided),
        advanced=sum(inv.decision is CandidateDecision.ADVANCED for inv, _ in decided),
        undecided=undecided,
        sex=rates("sex", SEX),
        race_ethnicity=rates("race", RACE_ETHNICITY),
        intersectional=rates("both", both),
    )


def _intersection(sex: str, race: str) -> str:
    return UNKNOWN if UNKNOWN in (sex, race) else f"{sex}/{race}"


async def fairness_report(
    db: AsyncSession,
    organization_id: uuid.UUID,
    assessment_id: uuid.UUID,
    *,
    threshold: float | None,
    min_group_size: int,
) -> FairnessReport:
    """Selection and scoring rates with impact ratios by sex, race/ethnicity and both.

    Candidates are those who completed the assessment; their overall score (0-100) is the
    report's (human scores where decided, else the AI suggestion), from ``reports.compare``.
    """
    table = await compare(db, organization_id, assessment_id, viewer_is_admin=True)
    done = [r for r in table.rows if r.status == "completed"]
    demo = (
        {
            d.invitation_id: d
            for d in (
                await db.execute(
                    select(CandidateDemographics).where(
                        CandidateDemographics.invitation_id.in_([r.invitation_id for r in done])
                    )
                )
            ).scalars()
        }
        if done
        else {}
    )
    scored = [(r, r.overall.score) for r in done if r.overall.score is not None]
    median = statistics.median(s for _, s in scored) if scored else None

    def person(row_score: tuple[object, float], key: str) -> Person:
        row, score = row_score
        d = demo.get(row.invitation_id)  # type: ignore[attr-defined]
        sex = (d.sex if d else None) or UNKNOWN
        race = (d.race_ethnicity if d else None) or UNKNOWN
        cat = {"sex": sex, "race": race, "both": _intersection(sex, race)}[key]
        return Person(category=cat, score=float(score))

    both = tuple(f"{s}/{r}" for s in SEX for r in RACE_ETHNICITY)
    notes = [
        "Candidates who completed the assessment; overall score 0-100 as in their report "
        "(reviewed scores where decided, else unconfirmed AI suggestions).",
        "Scoring rate: share of the category scoring above the median of all scored candidates.",
        "Impact ratio: the category's rate divided by the highest rate among categories with at "
        f"least {min_group_size} people; below 0.8 fails the four-fifths rule of thumb.",
        "'unknown': the candidate did not volunteer the information; counted, no impact ratio.",
    ]
    if threshold is None:
        notes.append("No threshold given: selection rates are left out (add ?threshold=).")
    unscored = len(done) - len(scored)
    if unscored:
        notes.append(
            f"{unscored} completed candidate(s) have no overall score yet and are left out of the rates."
        )
    tables = {
        "sex": rates_by_category(
            (person(x, "sex") for x in scored), SEX, threshold=threshold, median=median, min_n=min_group_size
        ),
        "race/ethnicity": rates_by_category(
            (person(x, "race") for x in scored),
            RACE_ETHNICITY,
            threshold=threshold,
            median=median,
            min_n=min_group_size,
        ),
        "intersectional": rates_by_category(
            (person(x, "both") for x in scored),
            both,
            threshold=threshold,
            median=median,
            min_n=min_group_size,
        ),
    }
    for name, rows in tables.items():
        known = [r for r in rows if r.category != UNKNOWN and r.n]
        if known and all(r.n < min_group_size for r in known):
            notes.append(
                f"No {name} category has {min_group_size} or more people: its impact "
                "ratios compare every category with people and are only indicative."
            )
    decisions = await _decision_rates(db, assessment_id, min_group_size)
    return FairnessReport(
        decisions=decisions,
        assessment_id=table.assessment_id,
        assessment_title=table.assessment_title,
        threshold=threshold,
        selection_basis=None if threshold is None else f"overall score >= {threshold:g}",
        median_score=None if median is None else round(float(median), 4),
        candidates=len(done),
        scored=len(scored),
        unscored=unscored,
        min_group_size=min_group_size,
        sex=tables["sex"],
        race_ethnicity=tables["race/ethnicity"],
        intersectional=tables["intersectional"],
        notes=notes,
        generated_at=datetime.now(UTC),
    )
