"""ETags for the lists reviewers poll (the queue and the candidate list).

The validator is derived from the organization's change stamp (``server/db/counters.py``: bumped
by triggers on every write the lists depend on) and who asks with what query, so a poll that
finds nothing new costs one primary-key read and answers 304 with no body; the page is never
built for it. The tag is opaque and weak-comparison safe (RFC 9110 section 13.1.2).
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar import Response as HttpResponse
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.staff import Staff
from server.db.counters import stamp

__all__ = ["CONDITIONAL", "ETAG_HEADER", "list_etag", "matches", "not_modified"]

# bump when what the lists serve changes shape, so an old tag never matches a new format
_FORMAT = "lists-1"

ETAG_HEADER = ResponseHeader(
    name="ETag",
    description="The list's validator: send it back as `If-None-Match`; 304 while nothing changed.",
    documentation_only=True,
)
CONDITIONAL: dict[int, ResponseSpec] = {
    304: ResponseSpec(
        data_container=None,
        description="Not modified: nothing the list shows changed since the `If-None-Match` tag.",
    )
}


async def list_etag(db: AsyncSession, staff: Staff, request: Request[Any, Any, Any]) -> str:
    """The tag of the list ``request`` asks for, as ``staff`` sees it (no page is built)."""
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    parts = [
        _FORMAT,
        str(staff.organization_id),
        str(staff.user_id),
        staff.role.value,
        "token" if staff.via_token else "person",
        request.url.path,
        query,
        str(await stamp(db, staff.organization_id)),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison; ``*`` matches)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def not_modified(etag: str) -> HttpResponse[Any]:
    """304 with the tag and no body."""
    return HttpResponse(content=b"", status_code=304, headers={"ETag": etag})
