"""The organization's team (admins): invite, change role, deactivate, reactivate, unlock, links."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from server.audit import record_by
from server.auth.staff import provide_admin
from server.db.models import AccountTokenPurpose, User
from server.deps import DbSession, JobsDep, SettingsDep, StaffDep
from server.domain.accounts import services, team
from server.domain.accounts.emails import link_url, queue_account_email
from server.domain.accounts.links import RESET_HOURS, IssuedLink, issue_link
from server.domain.accounts.schemas import LinkIssued, UserCreate, UserInvited, UserOut, UserUpdate
from server.errors import Conflict
from server.security.login_throttle import LoginThrottler
from server.settings import Settings

__all__ = ["UserController"]


async def user_out(db: AsyncSession, settings: Settings, user: User) -> UserOut:
    locked = await LoginThrottler(settings.security).is_locked(db, user.email)
    return UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        is_active=user.is_active,
        pending=user.password_hash is None,
        locked=locked,
        last_login_at=user.last_login_at,
    )


async def _issue(
    db: AsyncSession, settings: Settings, jobs: Any, staff: StaffDep, user: User, purpose: AccountTokenPurpose
) -> LinkIssued:
    hours = settings.app.staff_link_hours if purpose is AccountTokenPurpose.INVITE else RESET_HOURS
    link: IssuedLink = await issue_link(db, user, purpose=purpose, hours=hours, created_by=staff.user_id)
    record_by(staff, db, action=f"user.link_{purpose.value}", target_kind="user", target_id=user.id)
    what = "invitation" if purpose is AccountTokenPurpose.INVITE else "password reset link"
    if settings.email.enabled:
        await db.commit()
        await queue_account_email(jobs.queue, settings, link.row, link.token)
        return LinkIssued(
            purpose=purpose,
            expires_at=link.row.expires_at,
            emailed=True,
            message=f"The {what} is on its way to {user.email}.",
        )
    return LinkIssued(
        purpose=purpose,
        expires_at=link.row.expires_at,
        emailed=False,
        link=link_url(settings, link.token),
        message=f"Email is not set up: copy this {what} and give it to "
        f"{user.name} yourself. It works once and is shown only now.",
    )


async def _set_active(
    db: AsyncSession, settings: Settings, staff: StaffDep, user_id: uuid.UUID, *, active: bool
) -> UserOut:
    """Deactivate (sessions end at once; not the last admin) or reactivate a member, audited."""
    user = await team.get_member(db, staff.organization_id, user_id)
    await team.set_active(db, user, active)
    record_by(
        staff,
        db,
        action="user.reactivate" if active else "user.deactivate",
        target_kind="user",
        target_id=user.id,
    )
    return await user_out(db, settings, user)


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    dependencies = {"staff": Provide(provide_admin)}

    @get("/", summary="Staff of my organization (admin)")
    async def list_users(
        self, staff: StaffDep, db_session: DbSession, settings: SettingsDep
    ) -> list[UserOut]:
        users = await services.list_users(db_session, staff.organization_id)
        return [await user_out(db_session, settings, u) for u in users]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Invite a colleague by email (admin)",
        description="They set their own password through a one-time link, emailed when email "
        "is set up, else returned here for the admin to pass on.",
    )
    async def create_user(
        self,
        staff: StaffDep,
        data: JSONBody[UserCreate],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> UserInvited:
        user = await team.invite_member(
            db_session,
            organization_id=staff.organization_id,
            email=data.email,
            name=data.name,
            role=data.role,
        )
        record_by(
            staff,
            db_session,
            action="user.invite",
            target_kind="user",
            target_id=user.id,
            data={"role": user.role.value},
        )
        issued = await _issue(db_session, settings, jobs, staff, user, AccountTokenPurpose.INVITE)
        return UserInvited(user=await user_out(db_session, settings, user), invitation=issued)

    @patch(
        "/{user_id:uuid}",
        summary="Change a member's role or name (admin)",
        description="Demoting the last active admin is a 409.",
    )
    async def update_user(
        self,
        staff: StaffDep,
        user_id: FromPath[uuid.UUID],
        data: JSONBody[UserUpdate],
        db_session: DbSession,
        settings: SettingsDep,
    ) -> UserOut:
        user = await team.get_member(db_session, staff.organization_id, user_id)
        before = user.role
        if data.role is not None:
            await team.change_role(db_session, user, data.role)
        if data.name is not None:
            user.name = data.name.strip() or user.name
        record_by(
            staff,
            db_session,
            action="user.update",
            target_kind="user",
            target_id=user.id,
            data={"role_before": before.value, "role": user.role.value},
        )
        return await user_out(db_session, settings, user)

    @post(
        "/{user_id:uuid}/deactivate",
        status_code=200,
        summary="Deactivate a member: their sessions end at once (admin)",
    )
    async def deactivate(
        self, staff: StaffDep, user_id: FromPath[uuid.UUID], db_session: DbSession, settings: SettingsDep
    ) -> UserOut:
        return await _set_active(db_session, settings, staff, user_id, active=False)

    @post("/{user_id:uuid}/reactivate", status_code=200, summary="Reactivate a member (admin)")
    async def reactivate(
        self, staff: StaffDep, user_id: FromPath[uuid.UUID], db_session: DbSession, settings: SettingsDep
    ) -> UserOut:
        return await _set_active(db_session, settings, staff, user_id, active=True)

    @post(
        "/{user_id:uuid}/unlock",
        status_code=200,
        summary="Clear a member's failed sign-ins from every address (admin)",
    )
    async def unlock(
        self, staff: StaffDep, user_id: FromPath[uuid.UUID], db_session: DbSession, settings: SettingsDep
    ) -> UserOut:
        user = await team.get_member(db_session, staff.organization_id, user_id)
        await LoginThrottler(settings.security).unlock(db_session, user.email)
        record_by(staff, db_session, action="user.unlock", target_kind="user", target_id=user.id)
        return await user_out(db_session, settings, user)

    @post(
        "/{user_id:uuid}/link",
        status_code=HTTP_201_CREATED,
        summary="A new set-password link for a member (admin)",
        description="An invitation again for a member who has not set a password yet, "
        "else a password reset link; older unused links stop working.",
    )
    async def new_link(
        self,
        request: Request[Any, Any, Any],
        staff: StaffDep,
        user_id: FromPath[uuid.UUID],
        db_session: DbSession,
        settings: SettingsDep,
        jobs: JobsDep,
    ) -> Response[LinkIssued]:
        user = await team.get_member(db_session, staff.organization_id, user_id)
        if not user.is_active:
            raise Conflict(f"{user.name} is deactivated: reactivate them first.")
        purpose = AccountTokenPurpose.INVITE if user.password_hash is None else AccountTokenPurpose.RESET
        issued = await _issue(db_session, settings, jobs, staff, user, purpose)
        return Response(issued, status_code=HTTP_201_CREATED)
