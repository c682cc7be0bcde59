"""The object store the settings describe, and the one layout of its keys.

Every object of a response lives under :func:`response_prefix` (``responses/<id>/``): the
recording, the audio and poster derived from it, anything added later. Erasure and retention
delete that prefix, so a key built here can never be missed by them; nothing else spells a key.
An organization's own media (the hiring team's welcome video) lives under
:func:`organization_prefix` (``organizations/<id>/``).
"""

from __future__ import annotations

import uuid

from media.object_store import LocalObjectStore, ObjectStore, S3ObjectStore
from server.settings import StorageSettings

__all__ = [
    "audio_key",
    "build_object_store",
    "organization_prefix",
    "poster_key",
    "response_prefix",
    "video_key",
    "welcome_video_key",
]


def response_prefix(response_id: uuid.UUID) -> str:
    """The prefix (no trailing slash, as ``ObjectStore.delete_prefix`` takes it) of a response's objects."""
    return f"responses/{response_id}"


def _key(response_id: uuid.UUID, name: str) -> str:
    return f"{response_prefix(response_id)}/{name}"


def video_key(response_id: uuid.UUID) -> str:
    """The recording as the candidate's browser sent it (WebM)."""
    return _key(response_id, "answer.webm")


def audio_key(response_id: uuid.UUID) -> str:
    """The 16 kHz mono WAV derived for transcription."""
    return _key(response_id, "audio.wav")


def poster_key(response_id: uuid.UUID) -> str:
    """A still frame shown before the video plays."""
    return _key(response_id, "poster.jpg")


def organization_prefix(organization_id: uuid.UUID) -> str:
    """The prefix of an organization's own objects (not candidates' answers)."""
    return f"organizations/{organization_id}"


def welcome_video_key(organization_id: uuid.UUID, version: int) -> str:
    """The hiring team's welcome video (WebM); each replacement gets a new key."""
    return f"{organization_prefix(organization_id)}/welcome-video-{version}.webm"


def build_object_store(settings: StorageSettings) -> ObjectStore:
    if settings.s3_endpoint:
        return S3ObjectStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
            part_size=settings.part_size,
        )
    return LocalObjectStore(root=settings.local_root)
