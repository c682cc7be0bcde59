"""The errors the media library raises on purpose.

One flat tree under :class:`MediaError`; the server maps each to an HTTP status
in its single error mapper. Every message says what went wrong in words a
person can act on.
"""

from __future__ import annotations

__all__ = [
    "DeriveFailed",
    "InvalidOffer",
    "MediaError",
    "ProbeFailed",
    "RecordingFailed",
    "SpoolError",
    "UnsupportedMedia",
    "UploadFailed",
]


class MediaError(Exception):
    """Base of every error the media library raises on purpose."""


class InvalidOffer(MediaError):
    """The SDP offer cannot be used for a take (malformed, no audio, too large)."""


class RecordingFailed(MediaError):
    """The take could not be recorded (connection never came up, encoder error)."""


class ProbeFailed(MediaError):
    """The file is not readable media (not media at all, corrupt or truncated)."""


class UnsupportedMedia(MediaError):
    """The file is media, but not what a take must be (codec, container, empty)."""


class DeriveFailed(MediaError):
    """A derivative (poster, WAV) could not be made from the recording."""


class SpoolError(MediaError):
    """The local spool cannot accept or hold a take (bad take id, disk error)."""


class UploadFailed(MediaError):
    """A spooled take could not be uploaded yet; it stays in the spool and is retried."""
