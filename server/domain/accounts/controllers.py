"""Sign in, sign out, who am I, and the organization's staff list."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.audit import record
from server.auth.staff import (
    SESSION_COOKIE,
    end_session,
    provide_admin,
    provide_staff,
    session_cookie,
    start_session,
)
from server.db.engine import session_maker
from server.db.models import Organization
from server.deps import DbSession, SettingsDep, StaffDep
from server.domain.accounts import services
from server.domain.accounts.schemas import LoginRequest, Me, UserCreate, UserOut
from server.errors import Unauthorized
from server.openapi_responses import problems
from server.security.login_throttle import LoginThrottler
from server.security.proxy import trusted_proxies

__all__ = ["AuthController", "UserController"]


def _me(user_id: Any, email: str, name: str, role: Any, org: Organization) -> Me:
    return Me(id=user_id, email=email, name=name, role=role, organization_id=org.id,
              organization_name=org.name)


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=200, summary="Sign in with email and password",
          opt=problems("sign-in", 401, 429),
          description="Failed sign-ins are counted per account and per client address; past "
                      "the limit the answer is 429 with Retry-After, whether or not the "
                      "account exists.")
    async def login(self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest],
                    db_session: DbSession, settings: SettingsDep) -> Response[Me]:
        throttle = LoginThrottler(settings.security)
        address = trusted_proxies(settings.security.trusted_proxies).client_ip(request.scope)
        await throttle.check(db_session, data.email, address)
        try:
            user = await services.authenticate(db_session, data.email, data.password)
        except Unauthorized:
            # Counted in a transaction of its own: this request's is rolled back with the 401.
            async with session_maker(request.app.state["engine"])() as counter:
                await throttle.record_failure(counter, data.email, address)
            raise
        await throttle.reset_account(db_session, data.email)
        token, _ = await start_session(db_session, user, hours=settings.app.session_hours,
                                       user_agent=request.headers.get("user-agent"))
        record(db_session, action="auth.login", target_kind="user", target_id=user.id,
               organization_id=user.organization_id, actor_id=user.id)
        cookie = session_cookie(token, max_age=settings.app.session_hours * 3600,
                                secure=settings.app.secure_cookies)
        return Response(_me(user.id, user.email, user.name, user.role, user.organization),
                        cookies=[cookie])

    @post("/logout", status_code=HTTP_204_NO_CONTENT, summary="Sign out")
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[None]:
        await end_session(db_session, request.cookies.get(SESSION_COOKIE))
        return Response(None, status_code=HTTP_204_NO_CONTENT,
                        cookies=[session_cookie("", max_age=0, secure=False)])

    @get("/me", dependencies={"staff": Provide(provide_staff)}, summary="The signed-in staff member")
    async def me(self, staff: StaffDep, db_session: DbSession) -> Me:
        org = await db_session.get(Organization, staff.organization_id)
        assert org is not None
        return _me(staff.user_id, staff.email, staff.name, staff.role, org)


class UserController(Controller):
    path = "/api/users"
    tags = ["users"]
    dependencies = {"staff": Provide(provide_admin)}

    @get("/", summary="Staff of my organization (admin)")
    async def list_users(self, staff: StaffDep, db_session: DbSession) -> list[UserOut]:
        users = await services.list_users(db_session, staff.organization_id)
        return [UserOut(id=u.id, email=u.email, name=u.name, role=u.role, is_active=u.is_active)
                for u in users]

    @post("/", status_code=HTTP_201_CREATED, summary="Add an admin or reviewer (admin)")
    async def create_user(self, staff: StaffDep, data: JSONBody[UserCreate],
                          db_session: DbSession) -> UserOut:
        user = await services.create_user(db_session, organization_id=staff.organization_id,
                                          email=data.email, name=data.name,
                                          password=data.password, role=data.role)
        record(db_session, action="user.create", target_kind="user", target_id=user.id,
               organization_id=staff.organization_id, actor_id=staff.user_id,
               data={"role": user.role.value})
        return UserOut(id=user.id, email=user.email, name=user.name, role=user.role,
                       is_active=user.is_active)
