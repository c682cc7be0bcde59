"""Typed names for what handlers receive by dependency injection."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from media.object_store import ObjectStore
from server.auth.staff import Staff
from server.jobs.context import JobContext
from server.recording.service import RecordingService
from server.settings import Settings

__all__ = ["DbSession", "JobsDep", "RecordingDep", "SettingsDep", "StaffDep", "StoreDep"]

DbSession: TypeAlias = NamedDependency[AsyncSession]
SettingsDep: TypeAlias = NamedDependency[Settings]
StaffDep: TypeAlias = NamedDependency[Staff]
StoreDep: TypeAlias = NamedDependency[ObjectStore]
RecordingDep: TypeAlias = NamedDependency[RecordingService]
JobsDep: TypeAlias = NamedDependency[JobContext]
