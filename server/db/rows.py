"""Reading an organization's own rows: one of them by id (404 for anyone else's), or all of them
newest first; what every "get / list / revoke" service of a per-organization table repeats."""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.errors import NotFound

__all__ = ["newest_first", "of_organization"]


class _OfOrganization(Protocol):
    @property
    def organization_id(self) -> uuid.UUID: ...


Row = TypeVar("Row", bound=UUIDAuditBase)
Owned = TypeVar("Owned", bound=_OfOrganization)


async def newest_first(db: AsyncSession, model: type[Row], *where: ColumnElement[bool]) -> list[Row]:
    """The rows of ``model`` that match ``where``, newest first."""
    return list((await db.execute(select(model).where(*where).order_by(model.created_at.desc()))).scalars())


def of_organization(row: Owned | None, organization_id: uuid.UUID, missing: str) -> Owned:
    """``row`` if it belongs to ``organization_id``; :class:`NotFound` saying ``missing`` otherwise
    (another organization's row is as absent as one that never existed)."""
    if row is None or row.organization_id != organization_id:
        raise NotFound(missing)
    return row
