"""Split-conformal intervals for suggested scores, Mondrian by group when data allows.

The nonconformity score of a confirmed review is ``|human - suggested| / (spread + eps)``,
where ``spread`` is the standard deviation of the level under the model's probabilities:
confident suggestions get narrow intervals and uncertain ones wide intervals, and the
marginal coverage guarantee of split conformal prediction still holds (Lei et al. 2018).

With fewer than ``min_calibration`` confirmed reviews there is nothing honest to say, so
the interval is the whole scale (``calibrated=False``): a conservative, documented fallback.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["CalibrationRecord", "ConformalCalibrator", "Interval", "conformal_quantile"]

SPREAD_EPS = 0.05


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationRecord:
    """A past suggestion and the score a human confirmed for that answer."""

    suggested: float
    spread: float
    human: float
    groups: tuple[Hashable, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Interval:
    """A prediction interval on the scale and how it was obtained."""

    low: float
    high: float
    level: float
    calibrated: bool
    method: str
    n_calibration: int


def conformal_quantile(scores: npt.ArrayLike, level: float) -> float:
    """The ``ceil((n + 1) level)``-th smallest score; ``inf`` when n is too small."""
    s = np.sort(np.asarray(scores, dtype=np.float64))
    n = len(s)
    k = math.ceil((n + 1) * level)
    return float(s[k - 1]) if 1 <= k <= n else math.inf


def nonconformity(
    suggested: npt.ArrayLike, spread: npt.ArrayLike, human: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Normalised absolute residuals."""
    return np.asarray(
        np.abs(np.asarray(human, float) - np.asarray(suggested, float))
        / (np.asarray(spread, float) + SPREAD_EPS)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConformalCalibrator:
    """Conformal quantiles, pooled and per group, at one coverage level.

    Args:
        level: Target coverage, e.g. 0.8.
        min_calibration: Fewest pooled records for a calibrated interval.
        min_group: Fewest records for a group (e.g. a question) to get its own quantile.
    """

    level: float = 0.8
    min_calibration: int = 20
    min_group: int = 60
    pooled: tuple[float, ...] = ()
    by_group: dict[Hashable, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        records: Sequence[CalibrationRecord],
        *,
        level: float = 0.8,
        min_calibration: int = 20,
        min_group: int = 60,
    ) -> ConformalCalibrator:
        """Build a calibrator from confirmed reviews."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"The interval level must be between 0 and 1, got {level}.")
        scores = nonconformity(
            [r.suggested for r in records], [r.spread for r in records], [r.human for r in records]
        )
        groups: dict[Hashable, list[float]] = {}
        for rec, s in zip(records, scores, strict=True):
            for g in rec.groups:
                groups.setdefault(g, []).append(float(s))
        return cls(
            level=level,
            min_calibration=min_calibration,
            min_group=min_group,
            pooled=tuple(sorted(float(s) for s in scores)),
            by_group={g: tuple(sorted(v)) for g, v in groups.items() if len(v) >= min_group},
        )

    @property
    def n(self) -> int:
        """Number of calibration records."""
        return len(self.pooled)

    def interval(
        self,
        suggested: float,
        spread: float,
        *,
        low: float,
        high: float,
        groups: Sequence[Hashable] = (),
    ) -> Interval:
        """The interval around a suggestion, clipped to the scale ``[low, high]``.

        The first of ``groups`` with enough records gives a Mondrian (conditional)
        quantile; otherwise the pooled quantile is used; with too few records, the scale.
        """
        for g in groups:
            scores = self.by_group.get(g)
            if scores is not None:
                return self._make(suggested, spread, low, high, scores, f"mondrian:{g}")
        if self.n >= self.min_calibration:
            return self._make(suggested, spread, low, high, self.pooled, "split-conformal")
        return Interval(
            low=low, high=high, level=self.level, calibrated=False, method="full-scale", n_calibration=self.n
        )

    def _make(
        self, mu: float, spread: float, low: float, high: float, scores: tuple[float, ...], method: str
    ) -> Interval:
        q = conformal_quantile(scores, self.level)
        half = q * (spread + SPREAD_EPS)
        if not math.isfinite(half):
            return Interval(
                low=low,
                high=high,
                level=self.level,
                calibrated=False,
                method="full-scale",
                n_calibration=len(scores),
            )
        return Interval(
            low=max(low, mu - half),
            high=min(high, mu + half),
            level=self.level,
            calibrated=True,
            method=method,
            n_calibration=len(scores),
        )
