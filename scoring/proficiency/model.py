"""The learned English model: ridge regression from speech signals to the experts' 0-10 scale.

The weights are fitted by ``viva eval-proficiency --fit`` (``scoring.proficiency_training``)
on the shared speechocean762 half (252 read sentences, 63 Mandarin-L1 speakers,
experts' total score 0-10) and saved, versioned, as ``proficiency_model_default.json``
next to this module. Prediction needs only the stored means, scales, ranges and coefficients.

The training clips are short read sentences; interview answers are longer, and a
signal such as mean length of run grows with answer length. So every signal is
clipped to the range seen in training before it is weighted: the model never
extrapolates, it says "as high as anything it has seen".

The expert scale is mapped onto the continuous CEFR scale used by the rest of
``scoring.proficiency`` (1 = A1 ... 6 = C2) linearly, ``cefr = 1 + total / 2``, so
the B1/B2 boundary (3.5) is a total of 5 and C2 (from 5.5) needs 9 or more. That
mapping is an assumption, not a calibration: no CEFR-labelled
speech is at hand. What the figures in BENCHMARKS.md support is the *ordering* of
speakers (speaker-grouped cross-validated r) and the size of the error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_MODEL_PATH",
    "ProficiencyModel",
    "cefr_from_expert",
    "load_default_model",
]

DEFAULT_MODEL_PATH = Path(__file__).with_name("proficiency_model_default.json")


def cefr_from_expert(total: float) -> float:
    """The experts' 0-10 total on the continuous CEFR scale (1 = A1 ... 6 = C2)."""
    return 1.0 + total / 2.0


@dataclass(frozen=True, kw_only=True)
class ProficiencyModel:
    """Standardised ridge regression; missing signals take the training mean.

    Attributes:
        version: Identifier stored with every result, e.g. ``"viva-english-ridge/1"``.
        target: The expert score it predicts (``"total"``, 0-10).
        features: Signal names, in coefficient order.
        means: Training means (also the value used when a signal is missing).
        scales: Training standard deviations.
        coef: Coefficients on standardised signals.
        intercept: Prediction at the mean of every signal.
        alpha: Ridge penalty it was fitted with.
        residual_sd: Speaker-grouped cross-validated RMSE on the 0-10 scale: the
            error to expect on speakers it has not seen.
        lows: Smallest training value of each signal (values are clipped to it).
        highs: Largest training value of each signal.
        trained_on: What it was fitted on, for a reader.
        cv: Figures from fitting (grouped CV r and more), for a reader.
    """

    version: str
    target: str
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    alpha: float
    residual_sd: float
    lows: tuple[float, ...] = ()
    highs: tuple[float, ...] = ()
    trained_on: str = ""
    cv: Mapping[str, Any] | None = None

    def predict(self, values: Mapping[str, float | None]) -> float:
        """The expected expert total (0-10, clipped) for one answer's signal values."""
        total = self.intercept
        lows = self.lows or (-math.inf,) * len(self.features)
        highs = self.highs or (math.inf,) * len(self.features)
        for name, mean, scale, c, lo, hi in zip(
            self.features, self.means, self.scales, self.coef, lows, highs, strict=True
        ):
            v = values.get(name)
            x = mean if v is None or not math.isfinite(v) else min(max(float(v), lo), hi)
            total += c * (x - mean) / scale
        return min(max(total, 0.0), 10.0)

    def missing(self, values: Mapping[str, float | None]) -> list[str]:
        """The model's signals the answer lacks (filled with training means)."""
        return [f for f in self.features if values.get(f) is None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, read back by :meth:`from_dict`."""
        return {
            "version": self.version,
            "target": self.target,
            "features": list(self.features),
            "means": list(self.means),
            "scales": list(self.scales),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "alpha": self.alpha,
            "residual_sd": self.residual_sd,
            "lows": list(self.lows),
            "highs": list(self.highs),
            "trained_on": self.trained_on,
            "cv": dict(self.cv or {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProficiencyModel:
        """Rebuild a model saved with :meth:`to_dict`.

        Raises:
            ValueError: The lists have different lengths or a scale is not positive.
        """
        n = len(data["features"])
        if not (len(data["means"]) == len(data["scales"]) == len(data["coef"]) == n):
            msg = "features, means, scales and coef must have the same length"
            raise ValueError(msg)
        if any(float(s) <= 0.0 for s in data["scales"]):
            msg = "every scale must be positive"
            raise ValueError(msg)
        return cls(
            version=str(data["version"]),
            target=str(data["target"]),
            features=tuple(data["features"]),
            means=tuple(float(x) for x in data["means"]),
            scales=tuple(float(x) for x in data["scales"]),
            coef=tuple(float(x) for x in data["coef"]),
            intercept=float(data["intercept"]),
            alpha=float(data["alpha"]),
            residual_sd=float(data["residual_sd"]),
            lows=tuple(float(x) for x in data.get("lows", ())),
            highs=tuple(float(x) for x in data.get("highs", ())),
            trained_on=str(data.get("trained_on", "")),
            cv=data.get("cv"),
        )

    def save(self, path: Path | str) -> None:
        """Write the model as indented JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


@cache
def load_default_model() -> ProficiencyModel:
    """The model shipped with the package (``proficiency_model_default.json``)."""
    return ProficiencyModel.from_dict(json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8")))
