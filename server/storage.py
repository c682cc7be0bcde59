"""Build the object store the settings describe."""

from __future__ import annotations

from media.object_store import LocalObjectStore, ObjectStore, S3ObjectStore
from server.settings import StorageSettings

__all__ = ["build_object_store"]


def build_object_store(settings: StorageSettings) -> ObjectStore:
    if settings.s3_endpoint:
        return S3ObjectStore(endpoint=settings.s3_endpoint, access_key=settings.s3_access_key,
                             secret_key=settings.s3_secret_key, bucket=settings.s3_bucket,
                             secure=settings.s3_secure, region=settings.s3_region,
                             part_size=settings.part_size)
    return LocalObjectStore(root=settings.local_root)
