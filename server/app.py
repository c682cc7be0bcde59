"""The one app factory: every route, plugin and setting of the web service is wired here."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope

from server.auth.csrf import BearerAwareCSRFMiddleware
from server.db.engine import create_engine, session_maker, sqlalchemy_config
from server.domain.accounts.controllers import AuthController
from server.domain.accounts.links_controller import AccountLinkController
from server.domain.accounts.team_controller import UserController
from server.domain.assessments.builder_controller import AssessmentBuilderController
from server.domain.assessments.controllers import AssessmentController
from server.domain.bank.controllers import BankController
from server.domain.branding.controllers import BrandingController, CandidateLogoController
from server.domain.candidate.controllers import CandidateController
from server.domain.candidate.takes_controller import TakeController
from server.domain.candidate.uploads_controller import UploadController
from server.domain.curation.controllers import CurationController
from server.domain.fairness.controllers import CandidateDemographicsController, FairnessController
from server.domain.integrations.controllers import ApiTokenController, WebhookController
from server.domain.invitations.bulk_controller import BulkInvitationController
from server.domain.invitations.controllers import InvitationController
from server.domain.invitations.email_controller import EmailTemplateController, ReminderOptOutController
from server.domain.invitations.emails import recover_invitation_emails
from server.domain.invitations.stages_controller import StageController
from server.domain.privacy.controllers import CandidateDataController, OrganizationController
from server.domain.reports.controllers import ReportController, ShareController
from server.domain.responses.controllers import ResponseController
from server.domain.reviews.controllers import ReviewController
from server.domain.system.controllers import SystemController
from server.domain.teamwork.controllers import TeamworkController
from server.errors import MisdirectedRequest, exception_handlers
from server.jobs.pipeline import recover
from server.jobs.runtime import build_context, build_periodic
from server.logging import structlog_plugin
from server.openapi_responses import document_responses
from server.recording.service import RecordingService
from server.security.headers import security_headers_hook
from server.security.login_throttle import Clock, utc_now
from server.security.proxy import trusted_proxies
from server.security.request_guard import guard_request
from server.settings import Settings, get_settings
from server.storage import build_object_store

__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"
CSRF_COOKIE = "viva_csrf"
CSRF_HEADER = "x-csrf-token"


@get(
    [
        "/i/{token:str}",
        "/share/{token:str}",
        "/account/{token:str}",
        "/opt-out/{token:str}",
        "/login",
        "/forgot",
        "/app",
        "/app/{rest:path}",
    ],
    include_in_schema=False,
    sync_to_thread=False,
)
def spa() -> File:
    """The single-page frontend for its client-side routes."""
    return File(STATIC_DIR / "index.html", content_disposition_type="inline", media_type="text/html")


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> Litestar:
    """Build the Viva web app from ``settings`` (default: the environment).

    ``clock`` is what login throttling reads the time from (tests move a fake one forward).
    """
    settings = settings or get_settings()
    engine = create_engine(settings.db)
    store = build_object_store(settings.storage)
    jobs, _ = build_context(settings, engine, store=store)
    periodic = build_periodic(settings, jobs.queue)
    role = settings.app.role  # all | api | media: see the README, "Several instances"
    records = role in ("all", "media")
    recording = RecordingService(
        settings=settings, sessions=session_maker(engine), store=store, enqueue=jobs.enqueue_processing
    )

    def provide_recording() -> RecordingService:
        if not records:
            raise MisdirectedRequest(
                "This Viva instance runs with --role api and records nothing: send take and "
                "device-check signalling to a media instance (the reverse proxy routes "
                "/api/candidate/{token}/takes and /device-check there)."
            )
        return recording

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        await jobs.start()
        if records:
            await recording.start()  # also uploads what a crash left in this instance's spool
        if settings.jobs.backend == "inprocess" and role != "media":  # the api instance recovers
            await recover(jobs)
            await recover_invitation_emails(jobs)
        if role != "media":
            await periodic.start()
        try:
            yield
        finally:
            await periodic.stop()
            if records:
                await recording.stop()  # finalizes live takes into the spool
            await jobs.queue.stop()
            await engine.dispose()

    instance = [(b"x-viva-instance", settings.app.instance_name.encode())]

    async def name_instance(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *instance]

    route_handlers: list[Any] = [
        SystemController,
        AuthController,
        UserController,
        AccountLinkController,
        AssessmentController,
        InvitationController,
        CandidateController,
        TakeController,
        UploadController,
        ResponseController,
        ReviewController,
        ReportController,
        ShareController,
        TeamworkController,
        AssessmentBuilderController,
        BankController,
        CurationController,
        BulkInvitationController,
        StageController,
        ApiTokenController,
        WebhookController,
        OrganizationController,
        CandidateDataController,
        CandidateDemographicsController,
        FairnessController,
        BrandingController,
        CandidateLogoController,
        EmailTemplateController,
        ReminderOptOutController,
    ]
    if role != "media" and (STATIC_DIR / "index.html").exists():
        route_handlers += [
            spa,
            create_static_files_router(path="/", directories=[STATIC_DIR], html_mode=True, name="frontend"),
        ]
    app = Litestar(
        route_handlers=route_handlers,
        plugins=[
            SQLAlchemyPlugin(config=sqlalchemy_config(settings.db, engine)),
            structlog_plugin(settings.app),
        ],
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "store": Provide(lambda: store, use_cache=True, sync_to_thread=False),
            "recording": Provide(provide_recording, use_cache=True, sync_to_thread=False),
            "jobs": Provide(lambda: jobs, use_cache=True, sync_to_thread=False),
        },
        # Litestar's CSRF check, skipped for API-token (Bearer) requests: see server/auth/csrf.py
        middleware=[
            DefineMiddleware(
                BearerAwareCSRFMiddleware,
                config=CSRFConfig(
                    secret=settings.app.secret_key,
                    cookie_name=CSRF_COOKIE,
                    header_name=CSRF_HEADER,
                    cookie_secure=settings.app.secure_cookies,
                    cookie_samesite="strict",
                    exclude=[
                        "^/api/candidate/",
                        "^/health",
                        "^/schema",
                    ],  # regexes: /api/candidate-notes is staff
                ),
            )
        ],
        openapi_config=OpenAPIConfig(
            title="Viva API",
            version="0.1.0",
            path="/schema",
            description="Asynchronous video interviews with AI-assisted, human-decided review.",
            render_plugins=[SwaggerRenderPlugin(path="/swagger"), RedocRenderPlugin()],
        ),
        exception_handlers=exception_handlers,
        # CSP, HSTS over TLS, Secure cookies over TLS...: see server/security/headers.py
        before_send=[
            security_headers_hook(
                proxies=trusted_proxies(settings.security.trusted_proxies),
                hsts_seconds=settings.security.hsts_seconds,
                always_secure_cookies=settings.app.secure_cookies,
            ),
            *([name_instance] if settings.app.instance_name else []),
        ],
        request_max_body_size=settings.app.max_body_bytes,
        before_request=guard_request,  # NUL and absurdly deep JSON refused: see its module
        lifespan=[lifespan],
        state=State(
            {
                "settings": settings,
                "store": store,
                "engine": engine,
                "jobs": jobs,
                "recording": recording,
                "clock": clock,
            }
        ),
        debug=settings.app.debug,
    )
    document_responses(app)  # problem details (4xx) in the schema: server/openapi_responses.py
    return app
