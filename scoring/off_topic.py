"""Off-topic detection: an answer unlike every exemplar, confirmed answer and the question.

The threshold is calibrated on data: on-topic answers are the human-scored answers to a
question, off-topic negatives are answers to other questions. The threshold is set so
that at most ``max_false_abstain`` of genuine answers would be flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_OFF_TOPIC_THRESHOLD",
    "DEFAULT_OFF_TOPIC_THRESHOLD_EXEMPLARS",
    "DEFAULT_OFF_TOPIC_THRESHOLD_GRADED",
    "OffTopicCalibration",
    "calibrate_off_topic_threshold",
]

# Calibrated with ``calibrate_off_topic_threshold(max_false_abstain=0.005)`` on the
# SemEval-2013 Task 7 training split (SciEntsBank + Beetle, half of each question's answers
# as confirmed examples, the other half scored). At this threshold 0.5% of genuine answers
# abstain; 47% of answers from the other dataset and 27% of answers to other questions of
# the same dataset (often on the same topic) are caught.
DEFAULT_OFF_TOPIC_THRESHOLD = 0.20
# A graded rubric (exemplars at two or more levels) and few confirmed answers: calibrated
# with two answers per level as exemplars, at 1% false abstentions (detects 48% of answers
# from the other dataset).
DEFAULT_OFF_TOPIC_THRESHOLD_GRADED = 0.16
# Reference answers only (no confirmed answers yet): genuine but poor answers are far
# from the reference answers, so the threshold must be lower (detects 23% / 17%).
DEFAULT_OFF_TOPIC_THRESHOLD_EXEMPLARS = 0.06


@dataclass(frozen=True, slots=True, kw_only=True)
class OffTopicCalibration:
    """A calibrated threshold and how it behaves on the data it came from."""

    threshold: float
    false_abstain_rate: float
    off_topic_detection_rate: float
    n_on_topic: int
    n_off_topic: int


def calibrate_off_topic_threshold(
    on_topic: npt.ArrayLike, off_topic: npt.ArrayLike, *, max_false_abstain: float = 0.005
) -> OffTopicCalibration:
    """Pick the highest threshold that flags at most ``max_false_abstain`` of on-topic answers.

    Args:
        on_topic: Max similarities of genuine answers to their own question's texts.
        off_topic: Max similarities of answers to other questions against the same texts.
        max_false_abstain: Tolerated share of genuine answers flagged off-topic.
    """
    pos = np.sort(np.asarray(on_topic, dtype=np.float64))
    neg = np.asarray(off_topic, dtype=np.float64)
    if not len(pos):
        raise ValueError("Calibrating the off-topic threshold needs on-topic answers.")
    threshold = float(np.quantile(pos, max_false_abstain, method="lower"))
    return OffTopicCalibration(
        threshold=threshold,
        false_abstain_rate=float((pos < threshold).mean()),
        off_topic_detection_rate=float((neg < threshold).mean()) if len(neg) else float("nan"),
        n_on_topic=len(pos),
        n_off_topic=len(neg),
    )
