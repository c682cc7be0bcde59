"""The roles the question bank is written for: their competencies, grouped into weighted dimensions.

A bank question names one competency and the roles it suits (behavioural questions suit
several). Each role's dimensions are what a template for it builds; ``NEUTRAL_DIMENSIONS``
is what a blank assessment starts with, whatever the role.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT

__all__ = [
    "BEHAVIOURAL",
    "COMPETENCY_NAMES",
    "NEUTRAL_DIMENSIONS",
    "PRACTICE_QUESTION",
    "ROLES",
    "RoleSpec",
    "get_role",
]


def _c(key: str, name: str, description: str) -> dict[str, str]:
    return {"key": key, "name": name, "description": description}


_COLLAB = _c("collaboration", "Collaboration", "Working with colleagues, partners and other teams.")
_PS = _c("problem-solving", "Problem-solving", "Structuring ambiguous problems and reasoning to a decision.")
_OWN = _c("ownership", "Ownership", "Taking responsibility for outcomes, including unglamorous work.")
_PT = _c(
    "production-thinking",
    "Production thinking",
    "Reasoning about cost, latency, reliability and users in production.",
)
_SQL = _c(
    "sql-data", "SQL & data tooling", "Querying, shaping and checking data with SQL, dataframes and Spark."
)
_SWE = _c(
    "software-engineering", "Software engineering", "Code quality, testing, design of maintainable systems."
)
_MLF = _c(
    "ml-fundamentals", "ML fundamentals", "Learning theory in practice: data, evaluation, generalisation."
)

BEHAVIOURAL: tuple[str, ...] = ("collaboration", "problem-solving", "ownership")
"""Competencies whose questions are shared between roles where they fit."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleSpec:
    """A role the bank covers: what its assessments are called and the dimensions they weigh."""

    key: str
    title: str
    role: str
    intro: str
    dimensions: tuple[dict[str, Any], ...]

    @property
    def competencies(self) -> tuple[str, ...]:
        return tuple(c["key"] for d in self.dimensions for c in d["competencies"])

    def dimensions_body(self) -> list[dict[str, Any]]:
        """A fresh copy of the dimensions, ready for an ``AssessmentCreate`` body."""
        return copy.deepcopy(list(self.dimensions))


def _intro(what: str) -> str:
    return (
        f"This interview has a short practice question and then questions about {what} and how "
        "you work with others. For each video question you get time to think, then a few minutes "
        "to answer; you can retake an answer once. Some questions are answered in writing. There "
        "are no trick questions: talk about real work you have done where you can."
    )


def _dims(
    technical: str,
    tech: list[dict[str, str]],
    contextual: dict[str, str],
    weights: tuple[float, float, float] = (45, 35, 20),
) -> tuple[dict[str, Any], ...]:
    return (
        {"name": technical, "weight": weights[0], "competencies": tech},
        {"name": "Behavioral", "weight": weights[1], "competencies": [_COLLAB, _PS, _OWN]},
        {"name": "Contextual", "weight": weights[2], "competencies": [contextual]},
    )


def _ml_dimensions() -> tuple[dict[str, Any], ...]:
    """The demo assessment's dimensions, with SQL & data tooling added to Technical."""
    dims = copy.deepcopy(ML_ENGINEER_ASSESSMENT["dimensions"])
    dims[0]["competencies"].append(_SQL)
    return tuple(dims)


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        key="ml-engineer",
        title=ML_ENGINEER_ASSESSMENT["title"],
        role=ML_ENGINEER_ASSESSMENT["role"],
        intro=ML_ENGINEER_ASSESSMENT["intro"],
        dimensions=_ml_dimensions(),
    ),
    RoleSpec(
        key="data-scientist",
        title="Data Scientist",
        role="Data Scientist (mid to senior)",
        intro=_intro("analysis, statistics, experiments and models"),
        dimensions=_dims(
            "Technical",
            [
                _MLF,
                _c(
                    "statistics",
                    "Statistics & experimentation",
                    "Experiment design, inference and causal reasoning on real data.",
                ),
                _SQL,
            ],
            _c(
                "business-impact",
                "Business impact",
                "Turning analysis into decisions: metrics, trade-offs and communication.",
            ),
        ),
    ),
    RoleSpec(
        key="data-engineer",
        title="Data Engineer",
        role="Data Engineer (mid to senior)",
        intro=_intro("building and running data pipelines and warehouses"),
        dimensions=_dims(
            "Technical",
            [
                _SQL,
                _c(
                    "data-modelling",
                    "Data modelling",
                    "Schemas, keys, history and contracts that keep data correct and usable.",
                ),
                _c(
                    "pipelines",
                    "Pipelines & orchestration",
                    "Batch and streaming pipelines that are idempotent, tested and observable.",
                ),
            ],
            _PT,
        ),
    ),
    RoleSpec(
        key="backend-engineer",
        title="Backend Engineer",
        role="Backend Engineer (mid to senior)",
        intro=_intro("designing, building and operating backend services"),
        dimensions=_dims(
            "Technical",
            [
                _SWE,
                _c(
                    "system-design",
                    "System design",
                    "Designing services that scale, fail safely and stay simple.",
                ),
                _c(
                    "apis-databases",
                    "APIs & databases",
                    "API contracts, data stores, transactions and migrations.",
                ),
            ],
            _PT,
        ),
    ),
    RoleSpec(
        key="customer-support",
        title="Customer Support Specialist",
        role="Customer Support Specialist",
        intro=_intro("helping customers, solving their problems and improving support"),
        dimensions=_dims(
            "Support craft",
            [
                _c(
                    "troubleshooting",
                    "Troubleshooting",
                    "Finding the real problem and fixing it step by step.",
                ),
                _c(
                    "customer-communication",
                    "Customer communication",
                    "Clear, kind, accurate writing and talking, including bad news.",
                ),
                _c(
                    "de-escalation", "De-escalation", "Calming upset customers and resolving conflict fairly."
                ),
            ],
            _c(
                "support-operations",
                "Support operations",
                "Queues, priorities, knowledge base and feedback to the product team.",
            ),
            weights=(50, 30, 20),
        ),
    ),
    RoleSpec(
        key="sales",
        title="Account Executive",
        role="Account Executive (B2B sales)",
        intro=_intro("finding, running and closing deals"),
        dimensions=_dims(
            "Sales craft",
            [
                _c("discovery", "Discovery", "Understanding a buyer's problem, stakes and process."),
                _c(
                    "objection-handling",
                    "Objection handling",
                    "Responding to concerns with understanding and evidence, not pressure.",
                ),
                _c("deal-management", "Deal management", "Pipeline, forecasting, negotiation and closing."),
            ],
            _c(
                "commercial-judgement",
                "Commercial judgement",
                "Choosing which deals, terms and customers are good business.",
            ),
            weights=(50, 30, 20),
        ),
    ),
)

COMPETENCY_NAMES: dict[str, str] = {
    c["key"]: c["name"] for r in ROLES for d in r.dimensions for c in d["competencies"]
}

NEUTRAL_DIMENSIONS: tuple[dict[str, Any], ...] = (
    {
        "name": "Overall",
        "weight": 100,
        "competencies": [
            _c("role-skills", "Role skills", "The knowledge and skills the role itself needs."),
            _COLLAB,
            _PS,
            _OWN,
        ],
    },
)
"""A blank assessment's dimension: role-neutral competencies, renamed or split as the admin likes."""

PRACTICE_QUESTION: dict[str, Any] = ML_ENGINEER_ASSESSMENT["questions"][0]


def get_role(key: str) -> RoleSpec:
    for r in ROLES:
        if r.key == key:
            return r
    raise KeyError(key)
