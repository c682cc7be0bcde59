"""Candidate reports, exports, the side-by-side comparison, and read-only share links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import Provide
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.audit import record_by
from server.auth.staff import FOR_HIRING_MANAGERS, provide_admin, provide_staff
from server.deps import DbSession, SettingsDep, StaffDep, StoreDep
from server.domain.assessments.deps import InvitationDep, with_invitation
from server.domain.assessments.members import ensure_visible
from server.domain.reports import english, services, sharing, shortlist
from server.domain.reports.export import attachment, cohort_csv, report_csv
from server.domain.reports.schemas import (
    CohortExport,
    CompareOut,
    EnglishOut,
    EnglishReviewIn,
    InvitationReport,
    ShareCreate,
    ShareCreated,
    ShareLinkOut,
)
from server.domain.responses.controllers import stream_media
from server.errors import InvalidInput
from server.openapi_responses import LINK_PROBLEMS, problems
from server.security.media_links import MediaLinkSigner

__all__ = ["ReportController", "ShareController"]

_PRIVATE = {"Cache-Control": "private, no-store"}


@dataclass
class _ReportOperation(Operation):
    """The report's schema also names its CSV form (``format=csv``)."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse) and ok.content is not None:
            ok.content["text/csv"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]

    @get(
        "/invitations/{invitation_id:uuid}",
        dependencies=with_invitation({"staff": Provide(provide_staff)}),
        opt=FOR_HIRING_MANAGERS,
        operation_class=_ReportOperation,
        summary="A candidate's report: per-question, competency, dimension and overall scores",
        description="`format=csv` downloads it as CSV, `format=json` as a JSON file; without "
        "`format` it is the JSON body below.",
    )
    async def get_report(
        self,
        staff: StaffDep,
        invitation: InvitationDep,
        db_session: DbSession,
        format: FromQuery[Literal["json", "csv"] | None] = None,
    ) -> Response[InvitationReport]:
        report = await services.invitation_report(
            db_session,
            invitation,
            viewer_is_admin=staff.is_admin,
            viewer_id=None if staff.via_token else staff.user_id,
        )
        if format == "csv":
            return cast(
                Response[InvitationReport],
                Response(
                    report_csv(report),
                    media_type="text/csv",  # Litestar adds the charset
                    headers={**_PRIVATE, "Content-Disposition": attachment(invitation.candidate_name, "csv")},
                ),
            )
        headers = dict(_PRIVATE)
        if format == "json":
            headers["Content-Disposition"] = attachment(invitation.candidate_name, "json")
        return Response(report, headers=headers)

    @post(
        "/invitations/{invitation_id:uuid}/english",
        status_code=200,
        dependencies=with_invitation({"staff": Provide(provide_staff)}),
        summary="Confirm or correct the candidate's English level (CEFR) with a reason",
        description="Any reviewer or admin of the organization; the latest decision is the "
        "confirmed level. Returns the English section of the report as the caller "
        "now sees it (in blind review the AI's level shows once you have given yours).",
    )
    async def post_english(
        self,
        staff: StaffDep,
        invitation: InvitationDep,
        data: JSONBody[EnglishReviewIn],
        db_session: DbSession,
    ) -> EnglishOut:
        ai_level = await services.ai_english(db_session, invitation)
        await english.review_english(db_session, staff, invitation, data, ai_level)
        report = await services.invitation_report(
            db_session, invitation, viewer_is_admin=staff.is_admin, viewer_id=staff.user_id
        )
        return report.english

    @get(
        "/assessments/{assessment_id:uuid}/compare",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Candidates of one assessment side by side on dimensions and overall",
    )
    async def compare(
        self, staff: StaffDep, assessment_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> CompareOut:
        await ensure_visible(db_session, staff, assessment_id)
        return await services.compare(
            db_session, staff.organization_id, assessment_id, viewer_is_admin=staff.is_admin
        )

    @get(
        "/assessments/{assessment_id:uuid}/export",
        dependencies={"staff": Provide(provide_staff)},
        summary="Every candidate of an assessment as one CSV or JSON file (scores with intervals)",
        description="`format=csv` (one row per candidate: stage, decision, overall, every dimension and "
        "competency with its interval, English level, report link; cells that a spreadsheet would "
        "run are neutralised) or `format=json` (the same, plus the compare table). `ids` limits it "
        "to some candidates (comma-separated invitation ids). Blind review hides unconfirmed AI "
        "scores from reviewers here as on the report.",
    )
    async def export_cohort(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        db_session: DbSession,
        settings: SettingsDep,
        format: FromQuery[Literal["json", "csv"]] = "csv",
        ids: FromQuery[str | None] = None,
    ) -> Response[CohortExport]:
        await ensure_visible(db_session, staff, assessment_id)
        wanted = None
        if ids:
            try:
                wanted = [uuid.UUID(x.strip()) for x in ids.split(",") if x.strip()]
            except ValueError:
                raise InvalidInput("`ids` must be comma-separated invitation ids.", field="ids") from None
        export = await services.cohort(
            db_session,
            staff.organization_id,
            assessment_id,
            viewer_is_admin=staff.is_admin,
            viewer_id=None if staff.via_token else staff.user_id,
            public_url=settings.app.public_url,
            ids=wanted,
        )
        name = f"cohort-{export.assessment_title}"
        if format == "csv":
            return cast(
                Response[CohortExport],
                Response(
                    cohort_csv(export),
                    media_type="text/csv",
                    headers={**_PRIVATE, "Content-Disposition": attachment(name, "csv")},
                ),
            )
        return Response(export, headers={**_PRIVATE, "Content-Disposition": attachment(name, "json")})

    @get(
        "/assessments/{assessment_id:uuid}/shortlist",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="The shortlist: candidates ranked by overall score, filtered, with where to probe",
        description="`english_meets`: only English at or above the threshold; `min_competency`: no "
        "competency below it (0-100); `fully_reviewed`: every answer scored by a person. Each row "
        "has what the side-by-side view shows and up to three competencies to probe next, each "
        "with two follow-up bank questions the candidate was not asked. `limit`/`offset` page the "
        "ranked rows (`shown` counts every row the filters keep; ranks are over all of them).",
    )
    async def get_shortlist(
        self,
        staff: StaffDep,
        assessment_id: FromPath[uuid.UUID],
        db_session: DbSession,
        english_meets: FromQuery[bool] = False,
        min_competency: FromQuery[float | None] = None,
        fully_reviewed: FromQuery[bool] = False,
        limit: Annotated[
            int | None,
            Parameter(ge=1, le=1000, description="At most this many rows (a page); all by default"),
        ] = None,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000, description="Ranked rows to skip")] = 0,
    ) -> shortlist.ShortlistOut:
        await ensure_visible(db_session, staff, assessment_id)
        if min_competency is not None and not 0 <= min_competency <= 100:
            raise InvalidInput(f"min_competency is a score from 0 to 100, not {min_competency:g}.")
        f = shortlist.ShortlistFilter(
            english_meets=english_meets, min_competency=min_competency, fully_reviewed=fully_reviewed
        )
        return await shortlist.shortlist(db_session, staff, assessment_id, f, limit=limit, offset=offset)

    @post(
        "/invitations/{invitation_id:uuid}/share",
        status_code=HTTP_201_CREATED,
        dependencies={"staff": Provide(provide_admin)},
        summary="Create a read-only link to the report; the URL is shown once (admin)",
    )
    async def create_share(
        self,
        staff: StaffDep,
        invitation_id: FromPath[uuid.UUID],
        data: JSONBody[ShareCreate],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> ShareCreated:
        inv = await services.get_invitation(db_session, staff.organization_id, invitation_id)
        link, token = await sharing.create_link(
            db_session,
            inv,
            hours=data.expires_in_hours,
            created_by=staff.user_id,
            include_media=data.include_media,
        )
        record_by(
            staff,
            db_session,
            action="share_link.create",
            target_kind="share_link",
            target_id=link.id,
            data={
                "invitation_id": str(inv.id),
                "before": None,
                "after": msgspec.to_builtins(sharing.link_out(link)),
            },
        )
        return ShareCreated(
            id=link.id,
            invitation_id=inv.id,
            expires_at=link.expires_at,
            url=f"{settings.app.public_url}/api/share/{token}",
            token=token,
            include_media=link.include_media,
        )

    @get(
        "/invitations/{invitation_id:uuid}/share",
        dependencies={"staff": Provide(provide_admin)},
        summary="Share links of a candidate's report (admin)",
    )
    async def list_shares(
        self, staff: StaffDep, invitation_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> list[ShareLinkOut]:
        await services.get_invitation(db_session, staff.organization_id, invitation_id)
        return [sharing.link_out(x) for x in await sharing.list_links(db_session, invitation_id)]

    @delete(
        "/share-links/{link_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        dependencies={"staff": Provide(provide_admin)},
        summary="Revoke a share link (admin)",
    )
    async def revoke_share(
        self, staff: StaffDep, link_id: FromPath[uuid.UUID], db_session: DbSession
    ) -> None:
        link = await sharing.get_link(db_session, staff.organization_id, link_id)
        before = msgspec.to_builtins(sharing.link_out(link))
        await sharing.revoke_link(db_session, link)
        record_by(
            staff,
            db_session,
            action="share_link.revoke",
            target_kind="share_link",
            target_id=link.id,
            data={
                "invitation_id": str(link.invitation_id),
                "before": before,
                "after": msgspec.to_builtins(sharing.link_out(link)),
            },
        )


class ShareController(Controller):
    path = "/api/share"
    tags = ["reports"]
    opt = LINK_PROBLEMS

    @get(
        "/{token:str}",
        summary="A shared report (no sign-in; no email; the answers' media only if the link includes it)",
        description="404 for an unknown link, 410 once it expired or was revoked. A link made with "
        "`include_media` adds `answers`: each answer's written text, transcript and signed video and "
        "poster URLs, which expire with `VIVA_MEDIA_LINK_SECONDS` or the link, whichever comes first "
        "(reload the report for fresh ones).",
    )
    async def shared_report(
        self, token: FromPath[str], db_session: DbSession, settings: SettingsDep
    ) -> Response[InvitationReport]:
        link = await sharing.resolve_link(db_session, token)
        inv = await services.get_invitation(db_session, None, link.invitation_id)
        report = await services.invitation_report(db_session, inv, viewer_is_admin=True, shared=True)
        if link.include_media:
            answers = await sharing.shared_answers(
                db_session, link, report, MediaLinkSigner.for_settings(settings)
            )
            report = msgspec.structs.replace(report, media_included=True, answers=answers)
        return Response(report, headers=_PRIVATE)

    @get(
        "/media/{response_id:uuid}/{variant:str}",
        summary="Stream an answer's video or poster for a share link that includes media (no sign-in)",
        opt={**problems("range", 416), **problems("signed media link", 403)},
        description="Authorized by the signed link in a shared report's `answers` (`expires`, `link`, "
        "`sig`): 403 once it expired, when altered or made for another answer, or when the share "
        "link does not include media; 410 once the share link expired or was revoked. Honours a "
        "single HTTP Range (206 Partial Content; 416 when outside).",
    )
    async def shared_media(
        self,
        request: Request[Any, Any, Any],
        response_id: FromPath[uuid.UUID],
        variant: FromPath[Literal["video", "poster"]],
        db_session: DbSession,
        store: StoreDep,
        settings: SettingsDep,
        expires: FromQuery[str | None] = None,
        link: FromQuery[str | None] = None,
        sig: FromQuery[str | None] = None,
    ) -> Response[Any]:
        r = await sharing.media_response(
            db_session,
            MediaLinkSigner.for_settings(settings),
            response_id,
            variant,
            expires=expires,
            link=link,
            sig=sig,
        )
        return await stream_media(request, store, r, variant)
