"""Features are addressed by name: reordering FEATURE_NAMES changes nothing a model computes."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

import numpy as np
import pytest
from fixtures_content import interview_rubric

import scoring.features as features
from scoring.content_model import ContentModel, load_default_model
from scoring.features import FEATURE_NAMES, encode_answers, encode_demoted, level_features, prepare_question


class BagEncoder:
    """A deterministic bag-of-words encoder: enough to compute every feature, no model."""

    model_version = "bag/1"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64))
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, zlib.crc32(w.encode()) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


ANSWERS = [
    "I met my colleague, we compared both options on real data and chose the better one.",
    "I ignored them and did it my way.",
    "We never talked about it, so nothing was decided.",
]


def _features(enc: BagEncoder) -> np.ndarray:
    pq = prepare_question(enc, interview_rubric())  # type: ignore[arg-type]
    vecs = encode_answers(enc, ANSWERS)  # type: ignore[arg-type]
    return level_features(pq, vecs, demoted=encode_demoted(enc, pq, vecs))  # type: ignore[arg-type]


def test_reordered_names_reorder_columns_and_keep_model_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = BagEncoder()
    model = load_default_model()
    saved = model.to_json()
    x = _features(enc)
    probs = model.probabilities(x, x, 30)
    assert np.isfinite(x).all() and x.shape[-1] == len(FEATURE_NAMES)

    shuffled = tuple(reversed(FEATURE_NAMES))
    monkeypatch.setattr(features, "FEATURE_NAMES", shuffled)
    y = _features(enc)
    for j, name in enumerate(shuffled):
        np.testing.assert_allclose(y[..., j], x[..., FEATURE_NAMES.index(name)], err_msg=name)
    # the saved weights are read by name, so the same model gives the same probabilities
    reloaded = ContentModel.from_json(saved)
    np.testing.assert_allclose(reloaded.probabilities(y, y, 30), probs)
    # a model that indexed weights by position would not: the check has teeth
    positional = ContentModel(
        exemplar_weights=model.exemplar_weights, example_weights=model.example_weights, full_at=model.full_at
    )
    assert not np.allclose(positional.probabilities(y, y, 30), probs)


def test_a_model_fitted_on_other_features_is_refused() -> None:
    obj = json.loads(load_default_model().to_json())
    obj["features"][3] = "a_feature_that_is_gone"
    with pytest.raises(ValueError, match="refit"):
        ContentModel.from_json(json.dumps(obj))
    obj = json.loads(load_default_model().to_json())
    obj["example_weights"] = obj["example_weights"][:-1]
    with pytest.raises(ValueError, match="do not match"):
        ContentModel.from_json(json.dumps(obj))
