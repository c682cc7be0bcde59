"""What the scorer learns from: reviewer-confirmed answers and their calibration records.

The row-to-scorer adapter lives in :mod:`server.jobs.scoring_inputs`; these names are kept
here for the callers that think of them as training data.
"""

from __future__ import annotations

from server.jobs.scoring_inputs import calibrator_for, final_scores, scored_examples_for

__all__ = ["calibrator_for", "final_scores", "scored_examples_for"]
