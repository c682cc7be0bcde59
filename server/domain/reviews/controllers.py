"""Reviewers work through their queue and decide; the AI suggests, a human decides."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar import Response as HttpResponse
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from server.auth.staff import FOR_HIRING_MANAGERS, provide_staff
from server.db.models import ReviewStatus
from server.deps import DbSession, SettingsDep, StaffDep
from server.domain.assessments.members import ensure_visible
from server.domain.reviews import queue, services
from server.domain.reviews.agreement import agreement
from server.domain.reviews.decisions import (
    DecisionsDep,
    NextInQueueDep,
    provide_decisions,
    provide_next_in_queue,
)
from server.domain.reviews.etag import CONDITIONAL, ETAG_HEADER, list_etag, matches, not_modified
from server.domain.reviews.queue import Confidence, Order, QueueFilter
from server.domain.reviews.schemas import (
    AgreementOut,
    CandidatePage,
    QueuePage,
    ResolveIn,
    ReviewIn,
    ReviewItem,
    ReviewResult,
)
from server.security.media_links import MediaLinkSigner

__all__ = ["ReviewController"]

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000_000, description="Rows to skip")]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=512,
        description="The previous page's `next_cursor`: the page after it (keyset; faster than offset)",
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        required=False,
        max_length=2048,
        description="The `ETag` of the list last received: 304 with no body while nothing changed",
    ),
]


class ReviewController(Controller):
    path = "/api/review"
    tags = ["review"]
    dependencies = {
        "staff": Provide(provide_staff),
        "next_in_queue": Provide(provide_next_in_queue),
        "decisions": Provide(provide_decisions),
    }

    @get(
        "/queue",
        summary="Answers waiting for my review, with counts per review status",
        description="Ready, current answers of my organization not yet fully reviewed, minus the "
        "ones I reviewed myself. `order=uncertain` puts abstentions and wide "
        "intervals first; `confidence` filters on them. Carries an `ETag`: a poll that sends it "
        "back as `If-None-Match` gets 304 with no body while nothing in the queue changed.",
        responses=CONDITIONAL,
        response_headers=[ETAG_HEADER],
    )
    async def get_queue(
        self,
        request: Request[Any, Any, Any],
        staff: StaffDep,
        db_session: DbSession,
        if_none_match: IfNoneMatch = None,
        assessment_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[ReviewStatus | None] = None,
        competency_id: FromQuery[uuid.UUID | None] = None,
        confidence: FromQuery[Confidence | None] = None,
        order: FromQuery[Order] = "oldest",
        limit: Limit = 50,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> HttpResponse[QueuePage]:
        f = QueueFilter(
            assessment_id=assessment_id,
            status=status,
            competency_id=competency_id,
            confidence=confidence,
            order=order,
        )
        etag = await list_etag(db_session, staff, request)
        if matches(if_none_match, etag):
            return not_modified(etag)
        page = await queue.queue_page(db_session, staff, f, limit=limit, offset=offset, cursor=cursor)
        return HttpResponse(page, headers={"ETag": etag})

    @get(
        "/candidates",
        opt=FOR_HIRING_MANAGERS,
        summary="Candidates with how many of their answers are reviewed or waiting",
        description="Newest first. Carries an `ETag`: a poll that sends it back as `If-None-Match` "
        "gets 304 with no body while nothing in the list changed.",
        responses=CONDITIONAL,
        response_headers=[ETAG_HEADER],
    )
    async def get_candidates(
        self,
        request: Request[Any, Any, Any],
        staff: StaffDep,
        db_session: DbSession,
        if_none_match: IfNoneMatch = None,
        assessment_id: FromQuery[uuid.UUID | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> HttpResponse[CandidatePage]:
        etag = await list_etag(db_session, staff, request)
        if matches(if_none_match, etag):
            return not_modified(etag)
        page = await queue.candidate_progress(
            db_session, staff, assessment_id=assessment_id, limit=limit, offset=offset, cursor=cursor
        )
        return HttpResponse(page, headers={"ETag": etag})

    @get(
        "/responses/{response_id:uuid}",
        summary="Everything the review page needs for one answer",
        description="Blind review withholds the AI suggestion until I have given my score; with "
        "independent reviews, other reviewers' decisions stay hidden until then. "
        "`next_id` is the next answer of my queue (under the same filters).",
    )
    async def get_item(
        self,
        staff: StaffDep,
        response_id: FromPath[uuid.UUID],
        db_session: DbSession,
        settings: SettingsDep,
        next_in_queue: NextInQueueDep,
    ) -> ReviewItem:
        return await services.review_item(
            db_session, staff, response_id, next_in_queue, signer=MediaLinkSigner.for_settings(settings)
        )

    @post(
        "/responses/{response_id:uuid}/reviews",
        status_code=200,
        summary="Confirm or override the suggestion (409 if someone saved first)",
    )
    async def post_review(
        self, response_id: FromPath[uuid.UUID], data: JSONBody[ReviewIn], decisions: DecisionsDep
    ) -> ReviewResult:
        return await decisions.decide(response_id, data)

    @post(
        "/responses/{response_id:uuid}/resolve",
        status_code=200,
        summary="Settle a disagreement between reviewers (admin or a third reviewer)",
    )
    async def post_resolve(
        self, response_id: FromPath[uuid.UUID], data: JSONBody[ResolveIn], decisions: DecisionsDep
    ) -> ReviewResult:
        return await decisions.resolve(response_id, data)

    @get("/agreement", summary="Agreement between reviewers, and with the AI, on one assessment")
    async def get_agreement(
        self, staff: StaffDep, db_session: DbSession, assessment_id: FromQuery[uuid.UUID]
    ) -> AgreementOut:
        await ensure_visible(db_session, staff, assessment_id)
        return await agreement(db_session, staff.organization_id, assessment_id)
