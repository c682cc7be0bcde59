"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

import msgspec
from litestar import Controller, Response, get
from sqlalchemy import select

from server.deps import DbSession, StoreDep

__all__ = ["Health", "SystemController"]


class Health(msgspec.Struct):
    status: str
    database: str
    object_store: str
    storage_backend: str
    version: str


class SystemController(Controller):
    tags = ["system"]

    @get("/health", summary="Checks the database and the object store", cache=False)
    async def health(self, db_session: DbSession, store: StoreDep) -> Response[Health]:

        db_status = store_status = "ok"
        try:
            await db_session.execute(select(1))
        except Exception as exc:  # any failure means "not ready"
            db_status = f"error: {type(exc).__name__}"
        try:
            await asyncio.wait_for(asyncio.to_thread(store.check), timeout=5)
        except Exception as exc:
            store_status = f"error: {type(exc).__name__}: {exc}"[:300]
        healthy = db_status == store_status == "ok"
        body = Health(
            status="ok" if healthy else "degraded",
            database=db_status,
            object_store=store_status,
            storage_backend=store.backend,
            version=version("viva"),
        )
        return Response(body, status_code=200 if healthy else 503)
