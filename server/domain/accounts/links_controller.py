"""The set-password page's API: what a one-time link is for, and using it (no sign-in)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from server.audit import record
from server.auth.staff import session_cookie, start_session
from server.db.models import Organization
from server.deps import DbSession, SettingsDep
from server.domain.accounts.links import open_link, redeem_link
from server.domain.accounts.schemas import AccountLinkOut, Me, SetPassword
from server.openapi_responses import LINK_PROBLEMS
from server.security.login_throttle import LoginThrottler

__all__ = ["AccountLinkController"]


class AccountLinkController(Controller):
    path = "/api/account-links"
    tags = ["auth"]
    opt = LINK_PROBLEMS

    @get(
        "/{token:str}",
        summary="What a set-password link is for",
        description="404 for an unknown link, 410 for a used or expired one.",
    )
    async def show(self, token: FromPath[str], db_session: DbSession) -> AccountLinkOut:
        row = await open_link(db_session, token)
        org = await db_session.get(Organization, row.user.organization_id)
        return AccountLinkOut(
            purpose=row.purpose,
            email=row.user.email,
            name=row.user.name,
            organization_name=org.name if org else "",
            expires_at=row.expires_at,
        )

    @post(
        "/{token:str}",
        status_code=200,
        summary="Set my password through the link and sign in",
        description="The link is spent; every other session of the account ends; the address "
        "counts as verified.",
    )
    async def use(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: JSONBody[SetPassword],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> Response[Me]:
        user = await redeem_link(db_session, token, data.password)
        await LoginThrottler(settings.security).unlock(db_session, user.email)
        record(
            db_session,
            action="user.password_set",
            target_kind="user",
            target_id=user.id,
            organization_id=user.organization_id,
            actor_id=user.id,
        )
        session, _ = await start_session(
            db_session, user, hours=settings.app.session_hours, user_agent=request.headers.get("user-agent")
        )
        org = user.organization
        cookie = session_cookie(
            session, max_age=settings.app.session_hours * 3600, secure=settings.app.secure_cookies
        )
        return Response(
            Me(
                id=user.id,
                email=user.email,
                name=user.name,
                role=user.role,
                organization_id=org.id,
                organization_name=org.name,
            ),
            cookies=[cookie],
        )
