"""HTTP Range header parsing (RFC 9110, single byte ranges) and streaming a stored object with it."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from litestar import Request, Response
from litestar.response import Stream

from media.object_store import ObjectMissing, ObjectStore
from server.errors import NotFound

__all__ = ["RangeNotSatisfiable", "parse_range", "stream_object"]

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_BEYOND = 10**18  # more bytes than any object: longer numbers mean the same (no int() of 5000 digits)


class RangeNotSatisfiable(ValueError):
    """The requested range lies outside the object."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(start, end)`` a Range header asks for, or ``None`` for the whole body.

    Multi-range and malformed headers are ignored (the whole body is sent), as RFC 9110 allows.
    """
    if not header:
        return None
    m = _RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if not first:  # suffix range: the last N bytes
        n = _number(last)
        if n == 0:
            raise RangeNotSatisfiable("empty suffix range")
        return max(0, size - n), size - 1
    start = _number(first)
    end = min(_number(last), size - 1) if last else size - 1
    if start >= size or (last and _number(last) < start):
        raise RangeNotSatisfiable(f"bytes {first[:20]}-{last[:20]} of {size}")
    return start, end


def _number(digits: str) -> int:
    stripped = digits.lstrip("0") or "0"
    return _BEYOND if len(stripped) > 18 else int(stripped)


async def stream_object(
    request: Request[Any, Any, Any],
    store: ObjectStore,
    key: str,
    *,
    missing: str,
    max_age: int,
    media_type: str | None = None,
) -> Response[Any]:
    """The object at ``key``, honouring a single HTTP Range (206; 416 outside), so video seeks.

    ``missing`` is the 404's message when the object is not in storage; ``media_type``
    defaults to the type it was stored with.
    """
    try:
        info = await asyncio.to_thread(store.stat, key)
    except ObjectMissing as exc:
        raise NotFound(missing) from exc
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": f"private, max-age={max_age}",
        "ETag": f'"{info.etag}"',
    }
    try:
        rng = parse_range(request.headers.get("range"), info.size)
    except RangeNotSatisfiable:
        return Response(b"", status_code=416, headers={**headers, "Content-Range": f"bytes */{info.size}"})
    start, end = rng if rng else (0, info.size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if rng:
        headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
    return Stream(
        store.iter_range(key, start, end),
        status_code=206 if rng else 200,
        media_type=media_type or info.content_type,
        headers=headers,
    )
