"""Fit and check the learned English model on cached clips, with cross-validation by speaker.

Input is a cache written by :func:`scoring.proficiency_cache.build_cache` (one JSON
line per clip: expert scores, speaker, age, tiny.en transcript, optionally a second
model's text, acoustic signals). Every figure that claims to hold on new speakers
comes from :func:`grouped_cv`: folds never share a speaker, and the ridge penalty is
chosen inside each training fold (nested), so the held-out fold is never used to
tune anything. In-sample figures are labelled as such.

Feature sets are compared by the same grouped CV (:func:`feature_gains`): each set
adds one family of signals to the previous, and its gain in r is reported, so a
signal is kept because it helps on unseen speakers, not because it sounds right.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import jiwer
import numpy as np
import numpy.typing as npt
from scipy import stats

from scoring.proficiency.assess import speech_values
from scoring.proficiency.model import ProficiencyModel, cefr_from_expert
from scoring.proficiency_eval import normalise_for_wer
from scoring.transcript import Transcript

__all__ = [
    "ALPHAS",
    "FEATURE_SETS",
    "MODEL_FEATURES",
    "clip_features",
    "evaluate_cache",
    "feature_gains",
    "fit_default",
    "fit_model",
    "group_errors",
    "grouped_cv",
]

ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
SPEECH = (
    "speech_rate",
    "articulation_rate",
    "pause_ratio",
    "mean_pause",
    "pauses_per_minute",
    "mean_length_of_run",
    "filler_rate",
    "asr_confidence",
)
ASR_DETAIL = ("low_prob_share", "min_word_probability", "words_per_vad_second")
AGREEMENT = ("model_agreement",)
ACOUSTIC = ("vad_speech_share", "vad_runs_per_minute", "pitch_sd_semitones", "energy_cv", "voiced_share")
MODEL_FEATURES = tuple(f for f in SPEECH if f != "mean_length_of_run")
"""The shipped model's signals, chosen with :func:`feature_gains` on speechocean762 (BENCHMARKS.md).

Mean length of run is left out on purpose although it raises the grouped-CV r from
0.65 to 0.71: in read sentences it mostly measures the sentence's length (r = 0.65
with the word count, which itself correlates -0.30 with the experts' total, as
longer sentences are harder to read), and it would push fluent long interview
answers down. Word-probability detail, acoustic signals (pitch spread, energy, VAD
shares) and tiny.en/base agreement were measured and left out: none raised the
grouped r by more than its spread across fold splits (about 0.01), and each needs
the audio or a second model at run time."""


FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "shipped speech signals": MODEL_FEATURES,
    "+ mean length of run": (*MODEL_FEATURES, "mean_length_of_run"),
    "+ word-probability detail": MODEL_FEATURES + ASR_DETAIL,
    "+ acoustic": MODEL_FEATURES + ACOUSTIC,
    "+ tiny.en/base agreement": MODEL_FEATURES + AGREEMENT,
}
"""The shipped signals, then each family added to them alone (its gain is against the first row)."""


def model_agreement(first: str, second: str) -> float | None:
    """1 - word error rate of one model's text against another's (1.0: same words)."""
    a, b = normalise_for_wer(first), normalise_for_wer(second)
    if not a and not b:
        return None
    if not a or not b:
        return 0.0
    return max(0.0, 1.0 - float(jiwer.wer(a, b)))


def clip_features(record: Mapping[str, Any]) -> dict[str, float | None]:
    """Every candidate signal of one cached clip, by name."""
    transcript = Transcript.from_dict(record["transcript"])
    values = speech_values(transcript.words, transcript.text)
    probs = [w.probability for w in transcript.words]
    values["low_prob_share"] = sum(p < 0.5 for p in probs) / len(probs) if probs else None
    values["min_word_probability"] = min(probs) if probs else None
    acoustic = dict(record.get("acoustic") or {})
    vad_s = (acoustic.get("vad_speech_share") or 0.0) * transcript.duration
    values["words_per_vad_second"] = len(probs) / vad_s if vad_s > 0 else None
    values.update(acoustic)
    second = record.get("second_text")
    values["model_agreement"] = model_agreement(transcript.text, second) if second is not None else None
    return values


def _matrix(rows: Sequence[Mapping[str, float | None]], features: Sequence[str]) -> npt.NDArray[np.float64]:
    def cell(value: float | None) -> float:
        return np.nan if value is None or not math.isfinite(value) else float(value)

    return np.array([[cell(r.get(f)) for f in features] for r in rows], dtype=np.float64)


def fit_model(
    rows: Sequence[Mapping[str, float | None]],
    y: Sequence[float] | npt.NDArray[np.float64],
    features: Sequence[str],
    alpha: float,
    *,
    version: str = "viva-english-ridge/1",
    residual_sd: float = 0.0,
    trained_on: str = "",
    cv: Mapping[str, Any] | None = None,
) -> ProficiencyModel:
    """Standardise, fill missing with the mean, and fit ridge in closed form."""
    x = _matrix(rows, features)
    means = np.nanmean(x, axis=0)
    means = np.where(np.isnan(means), 0.0, means)
    lows = np.where(np.isnan(np.nanmin(x, axis=0)), means, np.nanmin(x, axis=0))
    highs = np.where(np.isnan(np.nanmax(x, axis=0)), means, np.nanmax(x, axis=0))
    x = np.where(np.isnan(x), means, x)
    scales = x.std(axis=0)
    scales = np.where(scales > 1e-9, scales, 1.0)
    z = (x - means) / scales
    target = np.asarray(y, dtype=np.float64)
    intercept = float(target.mean())
    coef = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ (target - intercept))
    return ProficiencyModel(
        version=version,
        target="total",
        features=tuple(features),
        means=tuple(float(m) for m in means),
        scales=tuple(float(s) for s in scales),
        coef=tuple(float(c) for c in coef),
        intercept=intercept,
        alpha=alpha,
        residual_sd=residual_sd,
        lows=tuple(float(v) for v in lows),
        highs=tuple(float(v) for v in highs),
        trained_on=trained_on,
        cv=cv,
    )


def _folds(groups: Sequence[str], k: int, seed: int) -> list[npt.NDArray[np.int64]]:
    speakers = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(speakers))
    fold_of = {speakers[j]: i % k for i, j in enumerate(order)}
    return [np.array([i for i, g in enumerate(groups) if fold_of[g] == f]) for f in range(k)]


def _predict_held_out(
    rows: Sequence[Mapping[str, float | None]],
    y: npt.NDArray[np.float64],
    groups: Sequence[str],
    features: Sequence[str],
    *,
    k: int,
    seed: int,
    nested: bool,
) -> npt.NDArray[np.float64]:
    pred = np.zeros(len(rows))
    for test in _folds(groups, k, seed):
        train = np.setdiff1d(np.arange(len(rows)), test)
        train_rows = [rows[i] for i in train]
        alpha = (
            _best_alpha(train_rows, y[train], [groups[i] for i in train], features, seed=seed)
            if nested
            else 10.0
        )
        model = fit_model(train_rows, y[train], features, alpha)
        pred[test] = [model.predict(rows[i]) for i in test]
    return pred


def _best_alpha(
    rows: Sequence[Mapping[str, float | None]],
    y: npt.NDArray[np.float64],
    groups: Sequence[str],
    features: Sequence[str],
    *,
    seed: int,
) -> float:
    best, best_err = ALPHAS[0], math.inf
    for alpha in ALPHAS:
        err = 0.0
        for test in _folds(groups, 5, seed + 1):
            train = np.setdiff1d(np.arange(len(rows)), test)
            model = fit_model([rows[i] for i in train], y[train], features, alpha)
            err += float(sum((model.predict(rows[i]) - y[i]) ** 2 for i in test))
        if err < best_err:
            best, best_err = alpha, err
    return best


def grouped_cv(
    rows: Sequence[Mapping[str, float | None]],
    targets: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    features: Sequence[str],
    *,
    k: int = 5,
    seeds: Sequence[int] = (0, 1, 2),
) -> dict[str, Any]:
    """Speaker-grouped, nested cross-validation of the model predicting ``targets["total"]``.

    Returns r of the held-out predictions with every target (mean over the seeds'
    fold splits), the RMSE on the total, and the held-out predictions of the first seed.
    """
    y = np.asarray(targets["total"], dtype=np.float64)
    rs: dict[str, list[float]] = {name: [] for name in targets}
    rmses: list[float] = []
    first: list[float] | None = None
    for seed in seeds:
        pred = _predict_held_out(rows, y, groups, features, k=k, seed=seed, nested=True)
        if first is None:
            first = pred.tolist()
        rmses.append(float(np.sqrt(np.mean((pred - y) ** 2))))
        for name, values in targets.items():
            rs[name].append(float(stats.pearsonr(pred, np.asarray(values, dtype=np.float64)).statistic))
    return {
        "r": {n: float(np.mean(v)) for n, v in rs.items()},
        "r_sd": {n: float(np.std(v)) for n, v in rs.items()},
        "rmse": float(np.mean(rmses)),
        "folds": k,
        "repeats": len(seeds),
        "held_out_predictions": first,
    }


def feature_gains(
    rows: Sequence[Mapping[str, float | None]],
    targets: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    *,
    seeds: Sequence[int] = (0, 1, 2),
    sets: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Grouped-CV r of each feature set and its gain over the first set.

    A set is measured only on the clips where all its signals are known (a signal
    missing from most clips would otherwise be judged on mean-filled values); the
    first set is measured again on the same clips for its gain.
    """
    chosen = sets or FEATURE_SETS
    first = next(iter(chosen.values()))
    out: list[dict[str, Any]] = []
    for name, features in chosen.items():
        extra = [f for f in features if f not in first]
        keep = [i for i, r in enumerate(rows) if all(r.get(f) is not None for f in extra)]
        if len(set(groups[i] for i in keep)) < 10:
            continue
        sub_rows = [rows[i] for i in keep]
        sub_targets = {n: [v[i] for i in keep] for n, v in targets.items()}
        sub_groups = [groups[i] for i in keep]
        cv = grouped_cv(sub_rows, sub_targets, sub_groups, features, seeds=seeds)
        base = cv if not extra else grouped_cv(sub_rows, sub_targets, sub_groups, first, seeds=seeds)
        out.append(
            {
                "set": name,
                "features": list(features),
                "clips": len(keep),
                "cv_r_total": cv["r"]["total"],
                "cv_r_fluency": cv["r"].get("fluency"),
                "rmse": cv["rmse"],
                "gain": None if not extra else cv["r"]["total"] - base["r"]["total"],
            }
        )
    return out


def group_errors(
    predicted: Sequence[float], actual: Sequence[float], group_of: Sequence[str]
) -> list[dict[str, Any]]:
    """Per speaker group: n, mean error (predicted - expert, 0-10), mean absolute error, r, and
    the same mean error on the CEFR scale, to show whether a group is under- or over-rated."""
    out = []
    for g in sorted(set(group_of)):
        idx = [i for i, x in enumerate(group_of) if x == g]
        p = np.array([predicted[i] for i in idx])
        a = np.array([actual[i] for i in idx])
        r = float(stats.pearsonr(p, a).statistic) if len(idx) >= 3 and p.std() > 0 and a.std() > 0 else None
        bias = float(np.mean(p - a))
        out.append(
            {
                "group": g,
                "n": len(idx),
                "mean_error": bias,
                "mae": float(np.mean(np.abs(p - a))),
                "r": r,
                "mean_error_cefr": cefr_from_expert(bias) - cefr_from_expert(0.0),
            }
        )
    return out


def _age_group(age: float | None) -> str:
    if age is None:
        return "unknown"
    return "children (under 16)" if age < 16 else "adults (16 and over)"


def evaluate_cache(
    records: Sequence[Mapping[str, Any]],
    *,
    model: ProficiencyModel | None = None,
    features: Sequence[str] = MODEL_FEATURES,
    seeds: Sequence[int] = (0, 1, 2),
    gains: bool = True,
) -> dict[str, Any]:
    """Every figure ``viva eval-proficiency --cache`` prints, from cached clips.

    ``in_sample``: r of ``model`` (the shipped one unless given) on these clips, which is
    in-sample when they are its training data. ``cv``: speaker-grouped nested CV of a model
    with ``features`` refitted on the folds. ``fairness``: held-out error by age group.
    """
    from scoring.proficiency.model import load_default_model

    rows = [clip_features(r) for r in records]
    targets = {
        "total": [float(r["scores"]["total_mean"]) for r in records],
        "fluency": [float(r["scores"]["fluency_mean"]) for r in records],
    }
    groups = [str(r["speaker"]) for r in records]
    shipped = model or load_default_model()
    fitted = [shipped.predict(r) for r in rows]
    in_sample = {n: float(stats.pearsonr(fitted, v).statistic) for n, v in targets.items()}
    cv = grouped_cv(rows, targets, groups, features, seeds=seeds)
    held_out = cv.pop("held_out_predictions")
    age_groups = [_age_group(r.get("age")) for r in records]
    return {
        "clips": len(records),
        "speakers": len(set(groups)),
        "model": shipped.version,
        "features": list(features),
        "in_sample_r": in_sample,
        "cv": cv,
        "feature_gains": feature_gains(rows, targets, groups, seeds=seeds) if gains else [],
        "fairness": group_errors(held_out, targets["total"], age_groups),
    }


def fit_default(
    records: Sequence[Mapping[str, Any]],
    *,
    features: Sequence[str] = MODEL_FEATURES,
    seeds: Sequence[int] = (0, 1, 2),
    version: str = "viva-english-ridge/1",
    trained_on: str = "",
) -> ProficiencyModel:
    """Fit on every clip with the penalty grouped CV prefers, storing the grouped-CV figures."""
    rows = [clip_features(r) for r in records]
    targets = {
        "total": [float(r["scores"]["total_mean"]) for r in records],
        "fluency": [float(r["scores"]["fluency_mean"]) for r in records],
    }
    groups = [str(r["speaker"]) for r in records]
    y = np.asarray(targets["total"], dtype=np.float64)
    alpha = _best_alpha(rows, y, groups, features, seed=0)
    cv = grouped_cv(rows, targets, groups, features, seeds=seeds)
    cv.pop("held_out_predictions")
    return fit_model(
        rows,
        targets["total"],
        features,
        alpha,
        version=version,
        residual_sd=cv["rmse"],
        trained_on=trained_on,
        cv=cv,
    )
