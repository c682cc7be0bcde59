"""Bodies of `POST /api/assessments` that tests create over the API."""

from __future__ import annotations

from typing import Any

__all__ = ["one_written_question"]


def one_written_question(
    title: str, *, intro: str, prompt: str, competency: tuple[str, str] = ("writing", "Clear writing")
) -> dict[str, Any]:
    """A support assessment of one written question (600 characters, no retake, no thinking time)
    on one competency (key, name) of a "Communication" dimension weighted 100%."""
    key, name = competency
    return {
        "title": title,
        "role": "Support Engineer",
        "intro": intro,
        "dimensions": [
            {"name": "Communication", "weight": 100, "competencies": [{"key": key, "name": name}]}
        ],
        "questions": [
            {
                "kind": "written",
                "prompt": prompt,
                "competency": key,
                "max_chars": 600,
                "retakes_allowed": 0,
                "think_time_s": 0,
            }
        ],
    }
