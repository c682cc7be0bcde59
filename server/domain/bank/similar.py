"""Bank questions nearest in meaning to a question being written, for their exemplars.

An admin writing a question asks for exemplars "from similar bank questions": the prompt
is embedded with the scorer's sentence encoder (all-MiniLM-L6-v2, the same vectors the
scorer compares answers with) and the bank questions with the highest cosine between
prompts come back with their rubrics, for the admin to copy and edit. Only questions for the
assessment's own competencies are offered when there are any: a support assessment gets
support and behavioural questions, not a sales question that happens to share words with
the prompt (measured on the browser test's refund prompt). The encoder caches
vectors by text, so the bank's prompts are encoded once per process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import numpy as np

from server.domain.bank.schemas import SimilarBankQuestion
from server.domain.bank.services import bank, question_out
from server.errors import InvalidInput
from server.jobs.context import JobContext

__all__ = ["similar_questions"]


async def similar_questions(
    ctx: JobContext, prompt: str, *, limit: int, competencies: Sequence[str] = ()
) -> list[SimilarBankQuestion]:
    """The ``limit`` bank questions whose prompts are nearest to ``prompt``, nearest first."""
    text = prompt.strip()
    if len(text.split()) < 3:
        raise InvalidInput(
            "Write at least a few words of the question first; similar bank "
            "questions are found from its prompt.",
            field="prompt",
        )
    wanted = set(competencies)
    questions = [q for q in bank() if q.competency in wanted] or list(bank())

    def run() -> np.ndarray:
        encoder = ctx.models.scorer().encoder  # loads the model on first use: in this thread
        vectors = encoder.encode([text, *(q.prompt for q in questions)])
        return np.asarray(vectors[1:] @ vectors[0])

    cosines = await asyncio.to_thread(run)
    order = np.argsort(-cosines, kind="stable")[:limit]
    return [
        SimilarBankQuestion(similarity=round(float(cosines[i]), 4), question=question_out(questions[i]))
        for i in order
    ]
