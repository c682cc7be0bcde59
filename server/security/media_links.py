"""Signed, expiring links to a response's media (video, poster, audio).

The review page plays media from ``/api/responses/{id}/media/{variant}?expires=..&user=..&sig=..``.
The signature is an HMAC-SHA256, under a key derived from ``VIVA_SECRET_KEY``, over the response
id, the variant, the expiry (Unix seconds) and the staff member the link was made for; the
media endpoint accepts such a link without a session until it expires (``VIVA_MEDIA_LINK_SECONDS``,
15 minutes by default), as long as that member is still active in the response's organization.
A changed field or an expired link is refused with 403. Expiries are rounded up to the minute so
that fetching the same review item twice gives the same URL (the browser's media cache works).

A share link that includes the answers' media gets links of its own
(``/api/share/media/{id}/{variant}?expires=..&link=..&sig=..``): signed over the share link's id
instead of a member's (a separate message, so neither kind passes for the other), expiring
with the media lifetime or the share link, whichever comes first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import urlencode

if TYPE_CHECKING:
    from server.settings import Settings

__all__ = [
    "SHARE_LINK",
    "STAFF_LINK",
    "LinkKind",
    "MediaLinkError",
    "MediaLinkSigner",
    "SharedMediaLink",
    "SignedMediaLink",
]

_ROUND_S = 60


class MediaLinkError(ValueError):
    """A media link that is malformed, tampered with or expired (the message says which)."""


@dataclass(frozen=True, slots=True)
class SignedMediaLink:
    """What a valid link grants: this staff member may read this variant of this response."""

    response_id: uuid.UUID
    variant: str
    user_id: uuid.UUID
    expires: int


@dataclass(frozen=True, slots=True)
class SharedMediaLink:
    """What a valid share media link grants: this share link's visitor may read this variant."""

    response_id: uuid.UUID
    variant: str
    link_id: uuid.UUID
    expires: int


_Grant = TypeVar("_Grant", SignedMediaLink, SharedMediaLink)


@dataclass(frozen=True, slots=True)
class LinkKind(Generic[_Grant]):
    """One kind of media link (``STAFF_LINK``, ``SHARE_LINK``): the message its signature covers,
    the grant it carries, and how its refusals end (how to get another: ``new_one``; after it
    expired: ``fresh_one``)."""

    message: Callable[[uuid.UUID, str, int, uuid.UUID], str]  # response, variant, expiry, holder
    grant: Callable[[uuid.UUID, str, uuid.UUID, int], _Grant]  # response, variant, holder, expiry
    new_one: str
    fresh_one: str


STAFF_LINK = LinkKind(
    message=lambda response_id, variant, expires, user_id: f"{response_id}\n{variant}\n{expires}\n{user_id}",
    grant=SignedMediaLink,
    new_one="reopen the answer to get a new one",
    fresh_one="reload the review page to get a fresh one",
)
SHARE_LINK = LinkKind(
    message=lambda response_id, variant, expires, link_id: (
        f"share\n{link_id}\n{response_id}\n{variant}\n{expires}"
    ),
    grant=SharedMediaLink,
    new_one="reload the shared report to get a new one",
    fresh_one="reload the shared report to get a fresh one",
)


class MediaLinkSigner:
    """Makes and checks signed media URLs with one installation secret."""

    def __init__(self, *, secret_key: str, lifetime_s: int) -> None:
        self._key = hashlib.sha256(b"viva-media-link-v1:" + secret_key.encode()).digest()
        self.lifetime_s = lifetime_s

    @classmethod
    def for_settings(cls, settings: Settings) -> MediaLinkSigner:
        """The signer under this installation's secret and ``VIVA_MEDIA_LINK_SECONDS``."""
        return cls(secret_key=settings.app.secret_key, lifetime_s=settings.security.media_link_seconds)

    def _sig(
        self, kind: LinkKind[_Grant], response_id: uuid.UUID, variant: str, expires: int, holder: uuid.UUID
    ) -> str:
        msg = kind.message(response_id, variant, expires, holder)
        digest = hmac.new(self._key, msg.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def _expiry(self, now: float | None) -> int:
        """The media lifetime from ``now``, rounded up to the minute (the same URL for a minute)."""
        now = time.time() if now is None else now
        return -(-int(now + self.lifetime_s) // _ROUND_S) * _ROUND_S

    def url(
        self, response_id: uuid.UUID, variant: str, user_id: uuid.UUID, *, now: float | None = None
    ) -> str:
        """The signed URL of ``variant`` of ``response_id`` for ``user_id``."""
        expires = self._expiry(now)
        sig = self._sig(STAFF_LINK, response_id, variant, expires, user_id)
        query = urlencode({"expires": expires, "user": str(user_id), "sig": sig})
        return f"/api/responses/{response_id}/media/{variant}?{query}"

    def share_url(
        self,
        response_id: uuid.UUID,
        variant: str,
        link_id: uuid.UUID,
        *,
        not_after: float,
        now: float | None = None,
    ) -> tuple[str, int]:
        """The signed URL of ``variant`` of ``response_id`` for share link ``link_id`` and its expiry
        (Unix seconds): the media lifetime rounded up to the minute, never past ``not_after``."""
        expires = min(self._expiry(now), int(not_after))
        sig = self._sig(SHARE_LINK, response_id, variant, expires, link_id)
        query = urlencode({"expires": expires, "link": str(link_id), "sig": sig})
        return f"/api/share/media/{response_id}/{variant}?{query}", expires

    def verify(
        self,
        kind: LinkKind[_Grant],
        response_id: uuid.UUID,
        variant: str,
        *,
        expires: str | None,
        holder: str | None,
        sig: str | None,
        now: float | None = None,
    ) -> _Grant:
        """The grant of a ``kind`` link to ``variant`` of ``response_id`` naming ``holder`` (staff
        member or share link), once it is complete, signed for them and not expired."""
        if not (expires and holder and sig):
            raise MediaLinkError(f"This media link is incomplete; {kind.new_one}.")
        try:
            expiry = int(expires)
            holder_id = uuid.UUID(holder)
        except ValueError as exc:
            raise MediaLinkError(f"This media link is malformed; {kind.new_one}.") from exc
        expected = self._sig(kind, response_id, variant, expiry, holder_id)
        if not hmac.compare_digest(expected.encode(), sig.encode("utf-8", "replace")):
            raise MediaLinkError(
                f"This media link is not valid (it was changed or made for another answer); {kind.new_one}."
            )
        if expiry <= (time.time() if now is None else now):
            raise MediaLinkError(f"This media link has expired; {kind.fresh_one}.")
        return kind.grant(response_id, variant, holder_id, expiry)
