"""Sign in and out, the signed-in member's own password, and password resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from server.audit import record, record_by
from server.auth.staff import (
    FOR_HIRING_MANAGERS,
    SESSION_COOKIE,
    end_session,
    provide_staff,
    session_cookie,
    start_session,
)
from server.db.engine import session_maker
from server.db.models import AccountTokenPurpose, Organization
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep
from server.domain.accounts import services
from server.domain.accounts.emails import queue_account_email
from server.domain.accounts.links import RESET_HOURS, issue_link, recent_resets
from server.domain.accounts.schemas import (
    LoginRequest,
    Me,
    PasswordChange,
    ResetRequest,
    ResetRequested,
)
from server.errors import Unauthorized
from server.openapi_responses import problems
from server.security.login_throttle import LoginThrottler
from server.security.proxy import trusted_proxies

__all__ = ["AuthController"]

RESETS_PER_HOUR = 3  # reset links one account can be sent per hour (more are silently dropped)


def _me(user_id: Any, email: str, name: str, role: Any, org: Organization) -> Me:
    return Me(
        id=user_id, email=email, name=name, role=role, organization_id=org.id, organization_name=org.name
    )


def _signed_out() -> Response[None]:
    return Response(
        None, status_code=HTTP_204_NO_CONTENT, cookies=[session_cookie("", max_age=0, secure=False)]
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login",
        status_code=200,
        summary="Sign in with email and password",
        opt=problems("sign-in", 401, 429),
        description="Failed sign-ins are counted per account and address pair (a delay that "
        "doubles with each failure), per address and per account; past a limit "
        "the answer is 429 with Retry-After, whether or not the account exists. "
        "The right password from an address that has not failed still works.",
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginRequest],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> Response[Me]:
        throttle = LoginThrottler(settings.security, clock=request.app.state["clock"])
        address = trusted_proxies(settings.security.trusted_proxies).client_ip(request.scope)
        await throttle.check(db_session, data.email, address)
        try:
            user = await services.authenticate(db_session, data.email, data.password)
        except Unauthorized:
            # Counted in a transaction of its own: this request's is rolled back with the 401.
            async with session_maker(request.app.state["engine"])() as counter:
                await throttle.record_failure(counter, data.email, address)
            raise
        await throttle.reset_after_success(db_session, data.email, address)
        token, _ = await start_session(
            db_session, user, hours=settings.app.session_hours, user_agent=request.headers.get("user-agent")
        )
        record(
            db_session,
            action="auth.login",
            target_kind="user",
            target_id=user.id,
            organization_id=user.organization_id,
            actor_id=user.id,
        )
        cookie = session_cookie(
            token, max_age=settings.app.session_hours * 3600, secure=settings.app.secure_cookies
        )
        return Response(_me(user.id, user.email, user.name, user.role, user.organization), cookies=[cookie])

    @post("/logout", status_code=HTTP_204_NO_CONTENT, summary="Sign out")
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[None]:
        await end_session(db_session, request.cookies.get(SESSION_COOKIE))
        return _signed_out()

    @post(
        "/logout-everywhere",
        status_code=HTTP_204_NO_CONTENT,
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Sign out on every device (every session of mine ends)",
    )
    async def logout_everywhere(self, staff: StaffDep, db_session: DbSession) -> Response[None]:
        await services.end_sessions(db_session, staff.user_id)
        record_by(
            staff,
            db_session,
            action="auth.logout_everywhere",
            target_kind="user",
            target_id=staff.user_id,
        )
        return _signed_out()

    @post(
        "/password",
        status_code=HTTP_204_NO_CONTENT,
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="Change my password (my other sessions end)",
    )
    async def change_password(
        self, staff: StaffDep, data: JSONBody[PasswordChange], db_session: DbSession
    ) -> None:
        await services.change_password(
            db_session,
            staff.user_id,
            current=data.current_password,
            new=data.new_password,
            session_id=staff.session_id,
        )
        record_by(
            staff,
            db_session,
            action="auth.password_change",
            target_kind="user",
            target_id=staff.user_id,
        )

    @post(
        "/password-reset",
        status_code=HTTP_202_ACCEPTED,
        opt=problems("throttled", 429),
        summary="Email me a link to set a new password",
        description="The same answer whether or not the email belongs to an account; "
        "requests are limited per client address (429) and per account.",
    )
    async def request_reset(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ResetRequest],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> ResetRequested:
        address = trusted_proxies(settings.security.trusted_proxies).client_ip(request.scope)
        throttle = LoginThrottler(settings.security, clock=request.app.state["clock"])
        await throttle.count_reset_request(db_session, address)
        answer = ResetRequested(
            message="If this email belongs to a Viva account, a link to set a new password is "
            f"on its way; it works once, for {RESET_HOURS} hour. No email? Ask an admin "
            "of your organization for a reset link."
        )
        user = await services.find_verified(db_session, data.email)
        if user is None or not user.is_active or not settings.email.enabled:
            return answer
        hour_ago = datetime.now(UTC) - timedelta(hours=1)
        if await recent_resets(db_session, user.id, hour_ago) >= RESETS_PER_HOUR:
            return answer
        link = await issue_link(
            db_session, user, purpose=AccountTokenPurpose.RESET, hours=RESET_HOURS, created_by=None
        )
        record(
            db_session,
            action="auth.password_reset_requested",
            target_kind="user",
            target_id=user.id,
            organization_id=user.organization_id,
            actor_id=None,
        )
        await db_session.commit()
        await queue_account_email(jobs.queue, settings, link.row, link.token)
        return answer

    @get(
        "/me",
        dependencies={"staff": Provide(provide_staff)},
        opt=FOR_HIRING_MANAGERS,
        summary="The signed-in staff member",
    )
    async def me(self, staff: StaffDep, db_session: DbSession) -> Me:
        org = await db_session.get(Organization, staff.organization_id)
        assert org is not None
        return _me(staff.user_id, staff.email, staff.name, staff.role, org)
