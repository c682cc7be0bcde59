"""Stored results as staff read them: one builder per view, shared by every endpoint that shows it."""

from __future__ import annotations

from server.db.models import ProficiencyResult, Suggestion, Transcript
from server.domain.responses.schemas import ProficiencyView, SuggestionView, TranscriptView

__all__ = ["proficiency_view", "suggested_level", "suggestion_view", "transcript_view"]


def transcript_view(t: Transcript) -> TranscriptView:
    return TranscriptView(
        text=t.text,
        language=t.language,
        no_speech=t.no_speech,
        duration_s=t.duration_s,
        segments=list(t.segments),
        model_name=t.model_name,
        model_version=t.model_version,
        gaps=list(t.gaps),
        speech_s=t.speech_s,
        completeness=t.completeness,
    )


def proficiency_view(p: ProficiencyResult, *, withheld: bool = False) -> ProficiencyView:
    """``withheld``: blind review, the viewer has not given their English level for the candidate."""
    if withheld:
        return ProficiencyView(
            band=None,
            band_low=None,
            band_high=None,
            score=None,
            score_low=None,
            score_high=None,
            threshold=p.threshold,
            meets_threshold=None,
            signals=[],
            reliable=p.reliable,
            reason="Blind review: give your English level for this candidate on their report; "
            "the AI's level is shown after that.",
            version=p.version,
            verdict="withheld",
        )
    return ProficiencyView(
        band=p.band,
        band_low=p.band_low,
        band_high=p.band_high,
        score=p.score,
        score_low=p.score_low,
        score_high=p.score_high,
        threshold=p.threshold,
        meets_threshold=p.meets_threshold,
        signals=list(p.signals),
        reliable=p.reliable,
        reason=p.reason,
        version=p.version,
        verdict=p.verdict,
        model_version=p.model_version,
    )


def suggested_level(s: Suggestion | None, scale: tuple[int, int]) -> int | None:
    """The level a confirm takes: the scorer's most probable level, else the rounded score."""
    if s is None or s.abstained or s.score is None:
        return None
    level = s.evidence.rounded_level
    if level is None:
        level = int(s.score + 0.5)
    return max(scale[0], min(scale[1], int(level)))


def suggestion_view(s: Suggestion, scale: tuple[int, int] | None = None) -> SuggestionView:
    """``scale``: the rubric's; by default the one the suggestion was scored on."""
    lo_hi = s.evidence.scale
    scale = scale or ((lo_hi[0], lo_hi[-1]) if lo_hi else (1, 5))
    return SuggestionView(
        id=s.id,
        score=s.score,
        rounded_level=suggested_level(s, scale),
        low=s.interval_low,
        high=s.interval_high,
        level=s.level,
        abstained=s.abstained,
        abstain_reason=s.abstain_reason,
        evidence=s.evidence,
        model_versions=dict(s.model_versions),
    )
