"""Request and response bodies for sign-in and staff accounts."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from server.db.models import Role

__all__ = ["LoginRequest", "Me", "UserCreate", "UserOut"]

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$",
                                    description="An email address")]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class Me(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    organization_id: uuid.UUID
    organization_name: str


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=1024,
                                          description="At least 10 characters")]
    role: Role


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    is_active: bool
