"""A reviewer's decision on an answer, as the review routes take it: saved, and when it makes the
score final, committed and handed to recalibration (one owner for both kinds of decision)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TypeAlias

from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.staff import Staff
from server.db.models import ReviewStatus
from server.deps import DbSession, JobsDep, StaffDep
from server.domain.reviews import services
from server.domain.reviews.queue import Order, QueueFilter
from server.domain.reviews.schemas import ResolveIn, ReviewIn, ReviewResult
from server.jobs.context import JobContext
from server.jobs.recalibration import enqueue_recalibration

__all__ = ["Decisions", "DecisionsDep", "NextInQueueDep", "provide_decisions", "provide_next_in_queue"]


async def provide_next_in_queue(
    assessment_id: FromQuery[uuid.UUID | None] = None, order: FromQuery[Order] = "oldest"
) -> QueueFilter:
    """The queue whose next answer a review page or a decision names (``next_id``): the filters
    the reviewer's queue was opened with."""
    return QueueFilter(assessment_id=assessment_id, order=order)


NextInQueueDep: TypeAlias = NamedDependency[QueueFilter]


@dataclass(frozen=True, slots=True)
class Decisions:
    """One reviewer's decisions within one request."""

    db: AsyncSession
    jobs: JobContext
    staff: Staff
    next_in_queue: QueueFilter

    async def decide(self, response_id: uuid.UUID, data: ReviewIn) -> ReviewResult:
        """Confirm or override the suggestion."""
        result = await services.decide(self.db, self.staff, response_id, data, self.next_in_queue)
        return await self._recalibrate_if_final(response_id, result)

    async def resolve(self, response_id: uuid.UUID, data: ResolveIn) -> ReviewResult:
        """Settle a disagreement between reviewers."""
        result = await services.resolve(self.db, self.staff, response_id, data, self.next_in_queue)
        return await self._recalibrate_if_final(response_id, result)

    async def _recalibrate_if_final(self, response_id: uuid.UUID, result: ReviewResult) -> ReviewResult:
        """A final score is a new calibration record: commit it, then let the job move intervals."""
        if result.review_status is ReviewStatus.REVIEWED:
            await self.db.commit()  # the job must see the review
            reason = f"{response_id}:{result.review_version}"
            await enqueue_recalibration(self.jobs, self.staff.organization_id, reason=reason)
        return result


async def provide_decisions(
    staff: StaffDep, db_session: DbSession, jobs: JobsDep, next_in_queue: NextInQueueDep
) -> Decisions:
    return Decisions(db=db_session, jobs=jobs, staff=staff, next_in_queue=next_in_queue)


DecisionsDep: TypeAlias = NamedDependency[Decisions]
