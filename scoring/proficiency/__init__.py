"""English-proficiency signals and a CEFR band estimate, separate from content scores."""

from __future__ import annotations

from scoring.proficiency.assess import assess_speech, assess_text, speech_values
from scoring.proficiency.result import (
    LEVELS,
    PROFICIENCY_VERSION,
    CefrLevel,
    ProficiencyResult,
    Signal,
)

__all__ = [
    "LEVELS",
    "PROFICIENCY_VERSION",
    "CefrLevel",
    "ProficiencyResult",
    "Signal",
    "assess_speech",
    "assess_text",
    "speech_values",
]
