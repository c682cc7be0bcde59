"""Assessment templates: bank questions chosen for a role and focus, with dimension weights tuned to it.

A template is a rule, not a frozen list: for each competency it takes the wanted number of
the role's bank questions, those written for the template's focus first (then in bank
order), and makes sure one question is answered in writing. A template uses its role's
dimensions and competencies (``server.seed.roles``; the ML-engineer templates keep the demo
assessment's) and starts with the unscored practice question, so the assessment it builds is
ready to invite.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import msgspec

from server.domain.assessments.builder_schemas import TemplateOut
from server.domain.assessments.schemas import AssessmentCreate
from server.domain.bank.format import BankQuestion, to_question_in
from server.domain.bank.services import bank
from server.errors import InvalidInput
from server.seed.ml_engineer import ML_ENGINEER_ASSESSMENT
from server.seed.roles import PRACTICE_QUESTION, RoleSpec, get_role

__all__ = ["TEMPLATES", "Template", "assessment_body", "get_template", "template_out"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Template:
    id: str
    name: str
    description: str
    focus: str
    weights: dict[str, float]  # dimension name -> percent
    counts: dict[str, int]  # competency key -> questions
    role: str = "ml-engineer"

    @property
    def spec(self) -> RoleSpec:
        return get_role(self.role)

    def dimensions(self) -> list[dict[str, Any]]:
        """The dimensions an assessment from this template gets, weighted for it."""
        dims: list[dict[str, Any]] = (
            copy.deepcopy(ML_ENGINEER_ASSESSMENT["dimensions"])
            if self.role == "ml-engineer"
            else self.spec.dimensions_body()
        )
        for d in dims:
            d["weight"] = self.weights[d["name"]]
        return dims

    def _pool(self, key: str) -> list[BankQuestion]:
        return [q for q in bank() if q.competency == key and self.role in q.roles]

    def select(self) -> list[BankQuestion]:
        """The bank questions this template asks, in competency order."""
        picked: dict[str, list[BankQuestion]] = {}
        for key, n in self.counts.items():
            pool = sorted(self._pool(key), key=lambda q: self.focus not in q.focus)  # stable: bank order next
            picked[key] = pool[:n]
        if not any(q.kind == "written" for qs in picked.values() for q in qs):
            for key, qs in picked.items():
                written = [
                    q
                    for q in self._pool(key)
                    if q.kind == "written" and self.focus in q.focus and q not in qs
                ]
                if written and qs:
                    qs[-1] = written[0]
                    break
        return [q for key in self.counts for q in picked[key]]


_ALL = (
    "ml-fundamentals",
    "software-engineering",
    "mlops",
    "collaboration",
    "problem-solving",
    "ownership",
    "production-thinking",
)


def _counts(**extra: int) -> dict[str, int]:
    return {k: extra.get(k.replace("-", "_"), 1) for k in _ALL}


def _role_template(
    role: str, name: str, description: str, *, double: tuple[str, ...], weights: dict[str, float]
) -> Template:
    """One question per competency of the role, two for the competencies in ``double``."""
    counts = {k: 2 if k in double else 1 for k in get_role(role).competencies}
    return Template(
        id=role,
        role=role,
        name=name,
        description=description,
        focus="general",
        weights=weights,
        counts=counts,
    )


# The role templates: role, name, description, the two competencies asked twice, and the role's
# craft dimension (weighted 50%; behavioural 30%, contextual 20%).
_ROLE_TEMPLATES: tuple[tuple[str, str, str, tuple[str, str], str], ...] = (
    (
        "data-scientist",
        "Data scientist",
        "Modelling, statistics and experiments, SQL, and turning analysis into decisions.",
        ("ml-fundamentals", "statistics"),
        "Technical",
    ),
    (
        "data-engineer",
        "Data engineer",
        "SQL, data modelling, reliable pipelines and the cost of running them.",
        ("sql-data", "pipelines"),
        "Technical",
    ),
    (
        "backend-engineer",
        "Backend engineer",
        "System design, APIs and databases, testing, and running services in production.",
        ("system-design", "apis-databases"),
        "Technical",
    ),
    (
        "customer-support",
        "Customer support specialist",
        "Troubleshooting, clear and kind communication, de-escalation and support operations.",
        ("troubleshooting", "customer-communication"),
        "Support craft",
    ),
    (
        "sales",
        "Account executive (B2B sales)",
        "Discovery, objection handling, deal management and commercial judgement.",
        ("discovery", "objection-handling"),
        "Sales craft",
    ),
)


TEMPLATES: tuple[Template, ...] = (
    Template(
        id="ml-engineer-general",
        name="ML engineer — general",
        focus="general",
        description="A balanced interview: one question per competency.",
        weights={"Technical": 45, "Behavioral": 35, "Contextual": 20},
        counts=_counts(),
    ),
    Template(
        id="ml-engineer-mlops",
        name="ML engineer — MLOps focus",
        focus="mlops",
        description="Deploying, monitoring and operating models: three MLOps questions and "
        "a heavier technical weight.",
        weights={"Technical": 50, "Behavioral": 30, "Contextual": 20},
        counts=_counts(mlops=3),
    ),
    Template(
        id="ml-engineer-research",
        name="ML engineer — research focus",
        focus="research",
        description="Modelling depth and experimental rigour: three ML-fundamentals "
        "questions, technical weight 55%.",
        weights={"Technical": 55, "Behavioral": 30, "Contextual": 15},
        counts=_counts(ml_fundamentals=3),
    ),
    Template(
        id="ml-engineer-fullstack",
        name="ML engineer — full-stack ML focus",
        focus="fullstack",
        description="Shipping ML features end to end: more production-thinking and "
        "software-engineering questions, contextual weight 25%.",
        weights={"Technical": 45, "Behavioral": 30, "Contextual": 25},
        counts=_counts(production_thinking=2, software_engineering=2),
    ),
    *(
        _role_template(
            role, name, description, double=double, weights={craft: 50, "Behavioral": 30, "Contextual": 20}
        )
        for role, name, description, double, craft in _ROLE_TEMPLATES
    ),
)


def get_template(template_id: str) -> Template:
    for t in TEMPLATES:
        if t.id == template_id:
            return t
    known = ", ".join(t.id for t in TEMPLATES)
    raise InvalidInput(f"No template '{template_id}'. Templates: {known}.", field="template_id")


def template_out(t: Template) -> TemplateOut:
    questions = t.select()
    practice = PRACTICE_QUESTION
    seconds = (
        sum(q.think_time_s + q.max_answer_s for q in questions)
        + practice["think_time_s"]
        + practice["max_answer_s"]
    )
    return TemplateOut(
        id=t.id,
        name=t.name,
        description=t.description,
        role=t.role,
        focus=t.focus,
        weights=dict(t.weights),
        bank_ids=[q.id for q in questions],
        question_count=len(questions),
        estimated_minutes=max(1, round(seconds / 60)),
    )


def assessment_body(t: Template, title: str | None = None) -> AssessmentCreate:
    """The whole structure of an assessment built from ``t``."""
    practice = copy.deepcopy(PRACTICE_QUESTION)
    body = {
        "title": title or t.name,
        "role": t.spec.role,
        "intro": t.spec.intro,
        "settings": {**ML_ENGINEER_ASSESSMENT["settings"], "focus": t.focus},
        "dimensions": t.dimensions(),
        "questions": [practice, *(to_question_in(q) for q in t.select())],
    }
    return msgspec.convert(body, AssessmentCreate)
