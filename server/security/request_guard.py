"""Refuse request bodies carrying NUL characters before any handler sees them.

PostgreSQL text cannot hold U+0000 (SQLite can), so a NUL in a name, an answer or a comment
would fail deep in a transaction as a 500 on one database and be stored on the other. It has
no place in anything a person types, so JSON and text bodies that contain one (raw, or as the
JSON escape ``\\u0000``) are refused up front with a 400 that says so. The body is read once
here and cached on the request, so handlers decode the same bytes.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request

from server.errors import InvalidInput

__all__ = ["refuse_nul_characters"]

# \u0000 preceded by an even number of backslashes (an odd number escapes the backslash itself).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_CHECKED = ("application/json", "text/")
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: 400 for a JSON or text body that contains a NUL character."""
    if request.method not in _UNSAFE_METHODS:
        return
    mime = request.content_type[0]
    if not (mime.startswith(_CHECKED) or mime.endswith("+json")):
        return
    body = await request.body()
    if b"\x00" in body or (b"\\u0000" in body and _JSON_NUL.search(body)):
        raise InvalidInput("The request contains a NUL character (U+0000), which text cannot "
                           "hold; remove it (it often comes from pasting binary data) and try "
                           "again.")
