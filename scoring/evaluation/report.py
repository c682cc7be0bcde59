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
    from scoring.evaluation.prediction import Prediction

__all__ = [
    "DatasetResult",
    "EvalReport",
    "SpokenBand",
    "SpokenCondition",
    "SpokenDifference",
    "SpokenResult",
    "build_results",
    "format_report",
    "result_of",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetResult:
    """Scorer, baseline (on the same answers) and human-human agreement for one dataset."""

    dataset: str
    scorer: MetricSet
    baseline: MetricSet
    baseline_all: MetricSet
    human_human: MetricSet | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SpokenDifference:
    """Text minus spoken for one metric, over the same ``n`` answers, with a 95% paired
    bootstrap interval ``[low, high]`` (answers resampled together in both modes)."""

    who: str  # scorer | baseline
    metric: str  # accuracy | QWK | coverage
    n: int
    text: float
    spoken: float
    difference: float
    low: float
    high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SpokenBand:
    """Spoken answers of one transcript reliability band: agreement and intervals, with the
    reliability-aware calibration and with the typed one."""

    band: str
    n: int
    accuracy: float
    coverage: float
    mean_width: float
    coverage_typed_calibration: float
    mean_width_typed_calibration: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SpokenCondition:
    """Spoken answers read with one noise level."""

    noise: str
    n: int
    wer: float
    accuracy_text: float
    accuracy_spoken: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SpokenResult:
    """The same sampled answers scored as written and as ASR transcripts of them read aloud.

    ``accuracy_*`` and ``qwk_*`` are over the ``n_paired`` answers scored in both modes, so
    the drop is what ASR alone costs; ``wer`` is the corpus word error rate.
    """

    n_answers: int
    asr_model: str
    voices: str
    text: DatasetResult
    spoken: DatasetResult
    wer: float
    n_reference_words: int
    no_speech: int
    audio_s: float
    synth_s: float
    asr_s: float
    n_paired: int
    accuracy_text: float
    accuracy_spoken: float
    accuracy_drop: float
    qwk_text: float
    qwk_spoken: float
    qwk_drop: float
    spoken_typed_calibration: DatasetResult | None = None
    n_synthesized: int = 0
    n_transcribed: int = 0
    differences: tuple[SpokenDifference, ...] = ()
    bands: tuple[SpokenBand, ...] = ()
    conditions: tuple[SpokenCondition, ...] = ()
    worst: tuple[tuple[str, str, float], ...] = ()


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
    spoken: SpokenResult | None = None
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


def result_of(name: str, preds: Sequence[Prediction], labels: list[int]) -> DatasetResult:
    """Scorer, baseline and human-human metrics of ``preds`` as one result."""
    return _result(name, preds, labels)


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
    """One result per dataset and regime (``name [regime]`` when there are several regimes),
    then ``all`` when there are several datasets."""
    names = list(dict.fromkeys(p.dataset for p in preds))
    regimes = list(dict.fromkeys(p.regime for p in preds))
    out: list[DatasetResult] = []
    for n in names:
        mine = [p for p in preds if p.dataset == n]
        if len(regimes) == 1:
            out.append(_result(n or "all", mine, labels))
            continue
        for rg in regimes:
            part = [p for p in mine if p.regime == rg]
            if part:
                out.append(_result(f"{n or 'all'} [{rg}]", part, labels))
    if len(names) > 1:
        if len(regimes) == 1:
            out.append(_result("all", preds, labels))
        else:
            out += [_result(f"all [{rg}]", [p for p in preds if p.regime == rg], labels) for rg in regimes]
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
    for r in report.results:
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
    if report.spoken is not None:
        lines += _format_spoken(report.spoken)
    lines.append("")
    lines.append("models: " + ", ".join(f"{k}={v}" for k, v in report.model_versions.items()))
    return "\n".join(lines)


def _format_spoken(s: SpokenResult) -> list[str]:
    f3 = "{:.3f}"
    lines = [
        "",
        f"[spoken: {s.n_answers} answers read aloud ({s.voices}), transcribed by {s.asr_model}]",
        f"word error rate {_fmt(f3, s.wer)} over {s.n_reference_words} reference words; "
        f"no speech found in {s.no_speech}; {s.audio_s:.0f} s of audio, "
        f"synthesis {s.synth_s:.1f} s, ASR {s.asr_s:.1f} s",
        f"{'metric':<22}{'text':>10}{'baseline':>10}{'spoken':>10}{'baseline':>10}",
    ]
    for title, attr, template in _ROWS:
        values = (
            getattr(s.text.scorer, attr),
            getattr(s.text.baseline, attr),
            getattr(s.spoken.scorer, attr),
            getattr(s.spoken.baseline, attr),
        )
        lines.append(f"{title:<22}" + "".join(f"{_fmt(template, v):>10}" for v in values))
    lines.append(
        f"drop caused by ASR on the {s.n_paired} answers scored both ways: "
        f"accuracy {_fmt(f3, s.accuracy_text)} -> {_fmt(f3, s.accuracy_spoken)} "
        f"({_fmt('{:+.3f}', 0.0 - s.accuracy_drop)}), QWK {_fmt(f3, s.qwk_text)} -> {_fmt(f3, s.qwk_spoken)} "
        f"({_fmt('{:+.3f}', 0.0 - s.qwk_drop)})"
    )
    if s.differences:
        lines.append("text - spoken, with 95% paired bootstrap intervals:")
        for d in s.differences:
            lines.append(
                f"  {d.who:<9}{d.metric:<9}{_fmt(f3, d.text):>7} -> {_fmt(f3, d.spoken):<7}"
                f" diff {_fmt('{:+.3f}', d.difference)} [{_fmt('{:+.3f}', d.low)}, {_fmt('{:+.3f}', d.high)}]"
                f"  (n={d.n})"
            )
    if s.bands:
        lines.append(
            "by transcript reliability band (scorer): n, accuracy, coverage / width "
            "(reliability-aware) vs (typed calibration)"
        )
        for b in s.bands:
            lines.append(
                f"  {b.band:<7}{b.n:>5}  acc {_fmt(f3, b.accuracy)}  cov {_fmt(f3, b.coverage)} / "
                f"{_fmt('{:.2f}', b.mean_width)}  vs  {_fmt(f3, b.coverage_typed_calibration)} / "
                f"{_fmt('{:.2f}', b.mean_width_typed_calibration)}"
            )
    if len(s.conditions) > 1:
        for c in s.conditions:
            lines.append(
                f"  {c.noise:<12} n={c.n:<5} WER {_fmt(f3, c.wer)}  accuracy {_fmt(f3, c.accuracy_text)} -> "
                f"{_fmt(f3, c.accuracy_spoken)}"
            )
    lines.append(f"this run synthesized {s.n_synthesized} and transcribed {s.n_transcribed} (rest cached)")
    if s.spoken.scorer.abstain_reasons:
        lines.append(
            "spoken abstentions: "
            + ", ".join(f"{k} {v}" for k, v in sorted(s.spoken.scorer.abstain_reasons.items()))
        )
    for ref, hyp, wer in s.worst:
        lines.append(f"  WER {wer:.2f}: {ref!r}\n{'':>12}heard {hyp!r}")
    return lines
