"""A conditional-logit model over per-level features: one set of weights for any scale.

Each rubric level gets a utility ``w · f(answer, level)``; a softmax over the levels gives
probabilities. Two weight vectors exist: one for exemplars only (a new question) and one
that also uses human-confirmed examples; their utilities are blended by how many
examples the question has, so confirmed examples dominate once there are enough.

A new question whose rubric has exemplars at two or more levels (a graded rubric) is
scored from exemplar similarity alone: the utility of a level is its best exemplar
similarity over a temperature (levels without exemplars take the value interpolated from
their neighbours). Learned exemplar-only weights are used when only the top level has
exemplars (reference answers), which is what they were fitted on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from scoring.features import feature_index

__all__ = [
    "DEFAULT_MODEL_PATH",
    "ContentModel",
    "fit_conditional_logit",
    "load_default_model",
]

FloatArray = npt.NDArray[np.float64]
DEFAULT_MODEL_PATH = Path(__file__).with_name("content_model_default.json")


def _softmax(u: FloatArray) -> FloatArray:
    u = u - u.max(axis=-1, keepdims=True)
    e = np.exp(u)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def fit_conditional_logit(x: FloatArray, y: npt.NDArray[np.int64], *, l2: float = 1.0) -> FloatArray:
    """Fit weights of ``P(level) ∝ exp(w · x[level])`` by penalised maximum likelihood.

    Args:
        x: Features, shape ``(n, levels, features)``.
        y: The true level index of each row.
        l2: Ridge penalty on the weights (in units of the summed log-likelihood / n).
    """
    n, _, f = x.shape
    onehot = np.zeros(x.shape[:2])
    onehot[np.arange(n), y] = 1.0

    def loss(w: FloatArray) -> tuple[float, FloatArray]:
        u = x @ w
        p = _softmax(u)
        ll = float(np.log(np.clip(p[np.arange(n), y], 1e-12, None)).sum())
        grad = np.einsum("nk,nkf->f", onehot - p, x)
        return -ll / n + l2 * float(w @ w) / n, -grad / n + 2 * l2 * w / n

    res = minimize(loss, np.zeros(f), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return np.asarray(res.x, dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentModel:
    """Weights for exemplar-only and example-informed scoring, and how to blend them.

    Args:
        exemplar_weights: Weights used with exemplars only.
        example_weights: Weights used when scored examples are available.
        full_at: Number of scored examples at which the example-informed weights take over
            completely (linear blend below that).
        version: Recorded with every suggestion.
    """

    exemplar_weights: tuple[float, ...]
    example_weights: tuple[float, ...]
    full_at: int = 20
    exemplar_temperature: float = 0.05
    version: str = "content-clogit-untrained"

    def blend(self, n_examples: int) -> float:
        """Share of the example-informed utilities for a question with ``n_examples``."""
        return min(1.0, n_examples / self.full_at) if self.full_at > 0 else 1.0

    def exemplar_utilities(self, x_exemplar: FloatArray) -> FloatArray:
        """Per-level utilities from exemplars only, shape ``(n, levels)``."""
        f = feature_index()
        present = x_exemplar[0, :, f["exemplar_present"]] > 0 if len(x_exemplar) else np.zeros(0, dtype=bool)
        if present.sum() < 2:
            return np.asarray(x_exemplar @ np.asarray(self.exemplar_weights))
        levels = np.arange(x_exemplar.shape[1])
        sims = np.stack(
            [
                np.interp(levels, levels[present], row[present])
                for row in x_exemplar[:, :, f["exemplar_max_sim"]]
            ]
        )
        return np.asarray(sims / self.exemplar_temperature)

    def utilities(self, x_exemplar: FloatArray, x_examples: FloatArray, n_examples: int) -> FloatArray:
        """Blended per-level utilities, shape ``(n, levels)``."""
        r = self.blend(n_examples)
        u = (1.0 - r) * self.exemplar_utilities(x_exemplar)
        if r > 0:
            u = u + r * (x_examples @ np.asarray(self.example_weights))
        return np.asarray(u)

    def probabilities(self, x_exemplar: FloatArray, x_examples: FloatArray, n_examples: int) -> FloatArray:
        """Per-level probabilities, shape ``(n, levels)``."""
        return _softmax(self.utilities(x_exemplar, x_examples, n_examples))

    def to_json(self) -> str:
        """Serialise with feature names, so a stored model explains itself."""
        return json.dumps(
            {
                "version": self.version,
                "full_at": self.full_at,
                "exemplar_temperature": self.exemplar_temperature,
                "features": list(feature_index()),
                "exemplar_weights": list(self.exemplar_weights),
                "example_weights": list(self.example_weights),
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> ContentModel:
        """Load weights written by :meth:`to_json`."""
        obj = json.loads(text)
        stored = [str(n) for n in obj["features"]]
        names = list(feature_index())  # the current FEATURE_NAMES, in order
        if sorted(stored) != sorted(names) or len(set(stored)) != len(stored):
            missing = sorted(set(names) - set(stored))
            extra = sorted(set(stored) - set(names))
            raise ValueError(
                "The stored content model was fitted on different features "
                f"(missing {missing or 'none'}, unknown {extra or 'none'}); refit it."
            )
        for key in ("exemplar_weights", "example_weights"):
            if len(obj[key]) != len(stored):
                raise ValueError(f"The stored content model's {key} do not match its feature names.")

        def by_name(weights: list[float]) -> tuple[float, ...]:
            # weights travel with their names, so a reordered FEATURE_NAMES reads them right
            named = dict(zip(stored, weights, strict=True))
            return tuple(float(named[n]) for n in names)

        return cls(
            exemplar_weights=by_name(obj["exemplar_weights"]),
            example_weights=by_name(obj["example_weights"]),
            full_at=int(obj["full_at"]),
            exemplar_temperature=float(obj.get("exemplar_temperature", 0.05)),
            version=str(obj["version"]),
        )


def load_default_model() -> ContentModel:
    """The shipped model (fitted on the SemEval-2013 Task 7 training split)."""
    return ContentModel.from_json(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
