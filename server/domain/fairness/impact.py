"""Selection rates, scoring rates and impact ratios by category: pure arithmetic, no database.

* selection rate = selected / n, where selected means overall score >= threshold;
* scoring rate = share of the category scoring above the median of everyone scored;
* impact ratio = a category's rate / the highest rate among the reference categories, which
  are the known categories with at least ``min_n`` people (LL 144 lets an auditor leave out
  very small categories); if none is that large, every known category with people;
* ``unknown`` (not volunteered) is counted but has no impact ratio;
* below four-fifths: impact ratio < 0.8.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from server.domain.fairness.schemas import CategoryRates

__all__ = ["FOUR_FIFTHS", "UNKNOWN", "Person", "rates_by_category"]

FOUR_FIFTHS = 0.8
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Person:
    """One scored candidate: their category and overall score."""

    category: str
    score: float


def _ratio(rate: float | None, ref: float | None) -> float | None:
    if rate is None or not ref:
        return None
    return round(rate / ref, 4)


def rates_by_category(
    people: Iterable[Person],
    categories: Sequence[str],
    *,
    threshold: float | None,
    median: float | None,
    min_n: int,
) -> list[CategoryRates]:
    """One row per category (known ones in order, then ``unknown``)."""
    people = list(people)
    rows: dict[str, dict[str, float | int | None]] = {}
    for cat in (*categories, UNKNOWN):
        members = [p for p in people if p.category == cat]
        n = len(members)
        selected = None if threshold is None else sum(p.score >= threshold for p in members)
        above = 0 if median is None else sum(p.score > median for p in members)
        rows[cat] = {
            "n": n,
            "selected": selected,
            "selection_rate": None if selected is None or not n else selected / n,
            "above": above,
            "scoring_rate": None if not n or median is None else above / n,
        }
    known = [c for c in categories if rows[c]["n"]]
    reference = [c for c in known if int(rows[c]["n"] or 0) >= min_n] or known

    def best(key: str) -> float | None:
        values = [float(v) for c in reference if (v := rows[c][key]) is not None]
        return max(values) if values else None

    ref_sel, ref_score = best("selection_rate"), best("scoring_rate")
    out = []
    for cat, r in rows.items():
        n = int(r["n"] or 0)
        excluded = cat == UNKNOWN or cat not in reference
        sel_rate = None if r["selection_rate"] is None else round(float(r["selection_rate"]), 4)
        score_rate = None if r["scoring_rate"] is None else round(float(r["scoring_rate"]), 4)
        sel_ir = (
            None
            if cat == UNKNOWN
            else _ratio(None if r["selection_rate"] is None else float(r["selection_rate"]), ref_sel)
        )
        score_ir = (
            None
            if cat == UNKNOWN
            else _ratio(None if r["scoring_rate"] is None else float(r["scoring_rate"]), ref_score)
        )
        out.append(
            CategoryRates(
                category=cat,
                n=n,
                selected=None if r["selected"] is None else int(r["selected"]),
                selection_rate=sel_rate,
                selection_impact_ratio=sel_ir,
                selection_below_four_fifths=None if sel_ir is None else sel_ir < FOUR_FIFTHS,
                above_median=int(r["above"] or 0),
                scoring_rate=score_rate,
                scoring_impact_ratio=score_ir,
                scoring_below_four_fifths=None if score_ir is None else score_ir < FOUR_FIFTHS,
                small_sample=0 < n < min_n,
                excluded_from_reference=excluded,
            )
        )
    return out
