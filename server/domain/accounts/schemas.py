"""Request and response bodies for sign-in, staff accounts and the team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from server.db.models import AccountTokenPurpose, Role

__all__ = [
    "AccountLinkOut",
    "LinkIssued",
    "LoginRequest",
    "Me",
    "PasswordChange",
    "ResetRequest",
    "ResetRequested",
    "SetPassword",
    "UserCreate",
    "UserInvited",
    "UserOut",
    "UserUpdate",
]

Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$", description="An email address"),
]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
NewPassword = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=1024,
        description="At least 12 characters, not a common or easily guessed password",
    ),
]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class Me(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    organization_id: uuid.UUID
    organization_name: str


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Invite a colleague: they set their own password through a one-time link."""

    email: Email
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Role


class UserUpdate(msgspec.Struct, forbid_unknown_fields=True):
    role: Role | None = None
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    is_active: bool
    pending: bool = False  # invited, no password set yet
    locked: bool = False  # some address is held back by the sign-in throttle
    last_login_at: datetime | None = None


class LinkIssued(msgspec.Struct):
    """A set-password link: emailed when email is configured, else shown once to pass on."""

    purpose: AccountTokenPurpose
    expires_at: datetime
    emailed: bool
    message: str
    link: str | None = None


class UserInvited(msgspec.Struct):
    user: UserOut
    invitation: LinkIssued


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_password: NewPassword


class AccountLinkOut(msgspec.Struct):
    """What a set-password link is for, shown before the password is chosen."""

    purpose: AccountTokenPurpose
    email: str
    name: str
    organization_name: str
    expires_at: datetime


class SetPassword(msgspec.Struct, forbid_unknown_fields=True):
    password: NewPassword


class ResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResetRequested(msgspec.Struct):
    message: str
