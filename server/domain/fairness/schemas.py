"""Categories (as in NYC Local Law 144 bias-audit summaries, i.e. EEO-1) and report bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

__all__ = ["RACE_ETHNICITY", "SEX", "CategoryRates", "Demographics", "FairnessReport", "RaceEthnicity", "Sex"]

Sex = Literal["male", "female"]
RaceEthnicity = Literal[
    "hispanic_or_latino",
    "white",
    "black_or_african_american",
    "native_hawaiian_or_other_pacific_islander",
    "asian",
    "american_indian_or_alaska_native",
    "two_or_more_races",
]
SEX: tuple[str, ...] = ("male", "female")
RACE_ETHNICITY: tuple[str, ...] = (
    "hispanic_or_latino",
    "white",
    "black_or_african_american",
    "native_hawaiian_or_other_pacific_islander",
    "asian",
    "american_indian_or_alaska_native",
    "two_or_more_races",
)


class Demographics(msgspec.Struct, forbid_unknown_fields=True):
    """Optional, volunteered group information; leave a field null to not say."""

    sex: Sex | None = None
    race_ethnicity: RaceEthnicity | None = None


class CategoryRates(msgspec.Struct):
    """Rates of one category; impact ratios are the rate over the highest category's rate."""

    category: str
    n: int
    selected: int | None
    selection_rate: float | None
    selection_impact_ratio: float | None
    selection_below_four_fifths: bool | None
    above_median: int
    scoring_rate: float | None
    scoring_impact_ratio: float | None
    scoring_below_four_fifths: bool | None
    small_sample: bool
    excluded_from_reference: bool


class DecisionRates(msgspec.Struct):
    """Selection rates from the decisions people recorded: advanced = selected; on hold and
    rejected = not selected; candidates with no decision yet are counted apart, not in the rates."""

    decided: int
    advanced: int
    undecided: int  # completed candidates with no decision yet
    sex: list[CategoryRates]
    race_ethnicity: list[CategoryRates]
    intersectional: list[CategoryRates]


class FairnessReport(msgspec.Struct):
    assessment_id: uuid.UUID
    assessment_title: str
    threshold: float | None
    selection_basis: str | None
    median_score: float | None
    candidates: int
    scored: int
    unscored: int
    min_group_size: int
    sex: list[CategoryRates]
    race_ethnicity: list[CategoryRates]
    intersectional: list[CategoryRates]
    notes: list[str]
    generated_at: datetime
    decisions: DecisionRates | None = None
