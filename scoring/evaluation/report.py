"""Evaluation results: metrics per dataset for the scorer and the baseline, as JSON or text."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.evaluation.metrics import MetricSet, metric_set

if TYPE_CHECKING:
    from scoring.evaluation.runner import Prediction

__all__ = ["DatasetResult", "EvalReport", "build_results", "format_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetResult:
    """Scorer, baseline (on the same answers) and human-human agreement for one dataset."""

    dataset: str
    scorer: MetricSet
    baseline: MetricSet
    baseline_all: MetricSet
    human_human: MetricSet | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalReport:
    """Everything one evaluation run measured."""

    format: str
    train: str
    test: str | None
    mode: str
    level: float
    n_questions: int
    n_answers: int
    results: tuple[DatasetResult, ...]
    abstain_counts: dict[str, int] = field(default_factory=dict)
    spoken: DatasetResult | None = None
    runtime_s: float = 0.0
    model_versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN becomes ``None``)."""
        cleaned: dict[str, Any] = _clean(asdict(self))
        return cleaned


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _result(name: str, preds: Sequence[Prediction], labels: list[int]) -> DatasetResult:
    scored = [p for p in preds if p.abstain_reason is None]
    reasons = dict(Counter(p.abstain_reason for p in preds if p.abstain_reason))
    h = [p.human for p in scored]
    ours = metric_set(
        human=h,
        score=[p.score for p in scored],
        level=[p.level for p in scored],
        low=[p.low for p in scored],
        high=[p.high for p in scored],
        labels=labels,
        n_total=len(preds),
        abstain_reasons=reasons,
    )
    base = metric_set(
        human=h,
        score=[p.base_score for p in scored],
        level=[p.base_level for p in scored],
        low=[p.base_low for p in scored],
        high=[p.base_high for p in scored],
        labels=labels,
        n_total=len(scored),
    )
    base_all = metric_set(
        human=[p.human for p in preds],
        score=[p.base_score for p in preds],
        level=[p.base_level for p in preds],
        low=[p.base_low for p in preds],
        high=[p.base_high for p in preds],
        labels=labels,
        n_total=len(preds),
    )
    rated = [p for p in preds if p.human_2 is not None]
    hh = None
    if rated:
        second = np.asarray([p.human_2 for p in rated], dtype=float)
        hh = metric_set(
            human=[p.human for p in rated],
            score=second,
            level=second.astype(int),
            low=second,
            high=second,
            labels=labels,
            n_total=len(rated),
        )
    return DatasetResult(dataset=name, scorer=ours, baseline=base, baseline_all=base_all, human_human=hh)


def build_results(preds: Sequence[Prediction], labels: list[int]) -> tuple[DatasetResult, ...]:
    """One result per dataset, then ``all`` when there are several."""
    names = list(dict.fromkeys(p.dataset for p in preds))
    out = [_result(n or "all", [p for p in preds if p.dataset == n], labels) for n in names]
    if len(names) > 1:
        out.append(_result("all", preds, labels))
    return tuple(out)


_ROWS = (
    ("accuracy", "accuracy", "{:.3f}"),
    ("macro F1", "macro_f1", "{:.3f}"),
    ("weighted F1", "weighted_f1", "{:.3f}"),
    ("QWK", "qwk", "{:.3f}"),
    ("Pearson r", "pearson", "{:.3f}"),
    ("RMSE", "rmse", "{:.3f}"),
    ("SMD", "smd", "{:+.3f}"),
    ("interval coverage", "coverage", "{:.3f}"),
    ("mean interval width", "mean_width", "{:.3f}"),
    ("abstain rate", "abstain_rate", "{:.3f}"),
    ("answers scored", "n_scored", "{}"),
)


def _fmt(template: str, value: float) -> str:
    return "-" if isinstance(value, float) and not math.isfinite(value) else template.format(value)


def format_report(report: EvalReport) -> str:
    """A plain-text table per dataset: scorer beside the k-nearest baseline."""
    lines = [
        f"viva eval — {report.format} — {report.mode}",
        f"train: {report.train}" + (f"   test: {report.test}" if report.test else ""),
        f"{report.n_questions} questions, {report.n_answers} answers, interval level {report.level:.0%}, "
        f"{report.runtime_s:.1f} s",
    ]
    results = list(report.results) + ([report.spoken] if report.spoken else [])
    for r in results:
        hh = r.human_human is not None
        lines += [
            "",
            f"[{r.dataset}]",
            f"{'metric':<22}{'scorer':>10}{'baseline':>10}" + (f"{'human-human':>13}" if hh else ""),
        ]
        for title, attr, template in _ROWS:
            ours = _fmt(template, getattr(r.scorer, attr))
            base = _fmt(template, getattr(r.baseline, attr))
            row = f"{title:<22}{ours:>10}{base:>10}"
            if r.human_human is not None:
                row += f"{_fmt(template, getattr(r.human_human, attr)):>13}"
            lines.append(row)
        if r.scorer.abstain_reasons:
            lines.append(
                "abstentions: " + ", ".join(f"{k} {v}" for k, v in sorted(r.scorer.abstain_reasons.items()))
            )
        lines.append(
            f"baseline on every answer (no abstentions): accuracy {_fmt('{:.3f}', r.baseline_all.accuracy)}, "
            f"QWK {_fmt('{:.3f}', r.baseline_all.qwk)}"
        )
    lines.append("")
    lines.append("models: " + ", ".join(f"{k}={v}" for k, v in report.model_versions.items()))
    return "\n".join(lines)
