"""Split-conformal intervals for suggested scores, Mondrian by group when data allows.

The nonconformity score of a confirmed review is ``|human - suggested| / (spread + eps)``,
where ``spread`` is the standard deviation of the level under the model's probabilities:
confident suggestions get narrow intervals and uncertain ones wide intervals, and the
marginal coverage guarantee of split conformal prediction still holds (Lei et al. 2018).

Before an organization has reviews of its own, a *prior* calibration answers: the
nonconformity quantiles of the scorer's errors per regime (exemplars only, exemplars and a
few reviews, many reviews), fitted on public scored data and the bank's exemplars
(``scoring/calibration_prior.json``, built by ``scoring/calibration_prior.py``). Confirmed
reviews replace it group by group: a question with ``min_group`` reviews gets its own
quantile, a regime with ``min_regime`` reviews in the organization its own, and only then
does the prior step aside. The nonconformity score is a ratio of a residual to a spread on
the same scale, so a prior fitted on a 3-level scale transfers to a 5-level one (up to
``SPREAD_EPS``); ``viva eval`` reports the coverage this gives per regime.

With no prior and fewer than ``min_calibration`` confirmed reviews there is nothing honest
to say, so the interval is the whole scale (``calibrated=False``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_PRIOR_PATH",
    "CalibrationPrior",
    "CalibrationRecord",
    "ConformalCalibrator",
    "Interval",
    "conformal_quantile",
    "default_prior",
    "nonconformity",
    "snap_to_levels",
]

SPREAD_EPS = 0.05
DEFAULT_PRIOR_PATH = Path(__file__).with_name("calibration_prior.json")
PRIOR_LEVELS: tuple[float, ...] = tuple(round(0.5 + 0.01 * i, 2) for i in range(50))


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


def _group_key(group: Hashable) -> str:
    return ":".join(str(g) for g in group) if isinstance(group, tuple) else str(group)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationPrior:
    """Conformal quantiles of nonconformity per group, fitted before any review exists.

    ``quantiles[key]`` holds the finite-sample conformal quantile at each of ``PRIOR_LEVELS``
    (0.50 .. 0.99), so the artifact is small and exact at those levels; ``n[key]`` is how
    many scored answers it rests on. Keys are groups joined by ``:``
    (``regime:exemplars``, ``regime:exemplars:graded``).
    """

    quantiles: Mapping[str, tuple[float, ...]]
    n: Mapping[str, int]
    source: str = ""
    version: str = "calibration-prior/1"

    @classmethod
    def fit(
        cls,
        scores_by_group: Mapping[str, Sequence[float]],
        *,
        source: str,
        version: str = "calibration-prior/1",
    ) -> CalibrationPrior:
        """Quantiles from nonconformity scores per group key."""
        return cls(
            quantiles={
                k: tuple(conformal_quantile(v, lv) for lv in PRIOR_LEVELS)
                for k, v in scores_by_group.items()
                if v
            },
            n={k: len(v) for k, v in scores_by_group.items() if v},
            source=source,
            version=version,
        )

    def quantile(self, group: Hashable, level: float) -> float | None:
        """The prior's quantile for ``group`` at ``level`` (interpolated), or None."""
        q = self.quantiles.get(_group_key(group))
        if q is None or not PRIOR_LEVELS[0] <= level <= PRIOR_LEVELS[-1]:
            return None
        value = float(np.interp(level, PRIOR_LEVELS, q))
        return value if math.isfinite(value) else None

    def to_json(self) -> str:
        """Serialise (levels included, so a stored prior explains itself)."""
        return json.dumps(
            {
                "version": self.version,
                "source": self.source,
                "levels": list(PRIOR_LEVELS),
                "groups": {
                    k: {"n": self.n[k], "quantiles": [round(v, 5) for v in q]}
                    for k, q in self.quantiles.items()
                },
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> CalibrationPrior:
        """Load a prior written by :meth:`to_json`."""
        obj = json.loads(text)
        if [round(v, 2) for v in obj["levels"]] != list(PRIOR_LEVELS):
            raise ValueError("The stored calibration prior uses different levels.")
        groups = obj["groups"]
        return cls(
            quantiles={k: tuple(float(v) for v in g["quantiles"]) for k, g in groups.items()},
            n={k: int(g["n"]) for k, g in groups.items()},
            source=str(obj.get("source", "")),
            version=str(obj["version"]),
        )


@lru_cache(maxsize=1)
def default_prior() -> CalibrationPrior | None:
    """The shipped prior, or None when the artifact is absent."""
    if not DEFAULT_PRIOR_PATH.exists():
        return None
    return CalibrationPrior.from_json(DEFAULT_PRIOR_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True, kw_only=True)
class ConformalCalibrator:
    """Conformal quantiles, pooled and per group, at one coverage level.

    Args:
        level: Target coverage, e.g. 0.8.
        min_calibration: Fewest pooled records for a calibrated interval.
        min_group: Fewest records for a group (e.g. a question) to get its own quantile.
        min_regime: Fewest records for a ``("regime", ...)`` group, which replaces the prior.
        prior: Quantiles to use where the organization's own records are too few.
    """

    level: float = 0.8
    min_calibration: int = 20
    min_group: int = 60
    min_regime: int = 20
    pooled: tuple[float, ...] = ()
    by_group: dict[Hashable, tuple[float, ...]] = field(default_factory=dict)
    prior: CalibrationPrior | None = None

    @classmethod
    def fit(
        cls,
        records: Sequence[CalibrationRecord],
        *,
        level: float = 0.8,
        min_calibration: int = 20,
        min_group: int = 60,
        min_regime: int = 20,
        prior: CalibrationPrior | None = None,
    ) -> ConformalCalibrator:
        """Build a calibrator from confirmed reviews (and a prior for where they are few)."""
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
            min_regime=min_regime,
            pooled=tuple(sorted(float(s) for s in scores)),
            by_group={
                g: tuple(sorted(v))
                for g, v in groups.items()
                if len(v) >= (min_regime if _is_regime(g) else min_group)
            },
            prior=prior,
        )

    @property
    def n(self) -> int:
        """Number of calibration records."""
        return len(self.pooled)

    def knows(self, group: Hashable) -> bool:
        """Whether ``group`` has its own quantile here: enough records, or the prior's."""
        if group in self.by_group:
            return True
        return self.prior is not None and self.prior.quantile(group, self.level) is not None

    def interval(
        self,
        suggested: float,
        spread: float,
        *,
        low: float,
        high: float,
        groups: Sequence[Hashable] = (),
        prior_groups: Sequence[Hashable] = (),
    ) -> Interval:
        """The interval around a suggestion, clipped to the scale ``[low, high]``.

        The first of ``groups`` with enough records gives a Mondrian (conditional)
        quantile; otherwise the prior's quantile for the most specific group it knows (the
        ``prior_groups``, then ``groups``); otherwise the pooled quantile; with too few
        records, the scale.
        """
        for g in groups:
            scores = self.by_group.get(g)
            if scores is not None:
                return self._make(suggested, spread, low, high, scores, f"mondrian:{_group_key(g)}")
        if self.prior is not None:
            for g in (*prior_groups, *groups):
                q = self.prior.quantile(g, self.level)
                if q is not None:
                    return self._bounds(
                        suggested, spread, low, high, q, f"prior:{_group_key(g)}", self.prior.n[_group_key(g)]
                    )
        if self.n >= self.min_calibration:
            return self._make(suggested, spread, low, high, self.pooled, "split-conformal")
        return Interval(
            low=low, high=high, level=self.level, calibrated=False, method="full-scale", n_calibration=self.n
        )

    def _make(
        self, mu: float, spread: float, low: float, high: float, scores: tuple[float, ...], method: str
    ) -> Interval:
        return self._bounds(
            mu, spread, low, high, conformal_quantile(scores, self.level), method, len(scores)
        )

    def _bounds(
        self, mu: float, spread: float, low: float, high: float, q: float, method: str, n: int
    ) -> Interval:
        half = q * (spread + SPREAD_EPS)
        if not math.isfinite(half):
            return Interval(
                low=low,
                high=high,
                level=self.level,
                calibrated=False,
                method="full-scale",
                n_calibration=n,
            )
        return Interval(
            low=max(low, mu - half),
            high=min(high, mu + half),
            level=self.level,
            calibrated=True,
            method=method,
            n_calibration=n,
        )


def snap_to_levels(interval: Interval, suggested: float, levels: Sequence[int]) -> Interval:
    """The interval as the range of rubric levels it contains (scores are whole levels).

    A human score is a level, so ``[1.3, 2.9]`` and ``[2, 2]`` cover exactly the same
    scores: snapping never changes which levels are covered, only how the interval reads
    (and its width). An interval between two levels, containing none, becomes the level
    nearest the suggestion, so coverage can only grow.
    """
    inside = [lv for lv in levels if interval.low - 1e-9 <= lv <= interval.high + 1e-9]
    if inside:
        low, high = float(min(inside)), float(max(inside))
    else:
        low = high = float(min(levels, key=lambda lv: (abs(lv - suggested), lv)))
    return Interval(
        low=low,
        high=high,
        level=interval.level,
        calibrated=interval.calibrated,
        method=interval.method,
        n_calibration=interval.n_calibration,
    )


def _is_regime(group: Hashable) -> bool:
    return isinstance(group, tuple) and len(group) > 0 and group[0] == "regime"
