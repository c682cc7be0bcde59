"""Refuse requests no handler can take safely, before any handler sees them: NUL characters
and JSON nested deeper than any of our bodies (the decoder would hit Python's recursion limit,
a 500).

PostgreSQL text cannot hold U+0000 (SQLite can), so a NUL in a name, an answer or a comment
would fail deep in a transaction as a 500 on one database and be stored on the other. It has
no place in anything a person types, so every body that may be decoded as text is checked,
whatever its declared content type (the handlers decode JSON whether or not it is labelled
``application/json``): raw NUL, the JSON escape ``\\u0000``, and in forms the text fields and
text file parts (a CSV). Query strings are checked too. A refusal is a 422 that says so.

The only bodies not checked are binary uploads and binary file parts of a multipart form. An
upload is binary by its content type (``image/*``, ``audio/*``, ``video/*``,
``application/octet-stream``, tus' ``application/offset+octet-stream``) sent to a handler that
reads the raw bytes itself (no decoded ``data`` parameter, or ``data: bytes``), so a new upload
endpoint needs no entry anywhere, while JSON labelled ``image/png`` for a handler that decodes
``data`` is still checked. The body (or form) is read once here and cached on the request, so
handlers decode the same bytes.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from server.errors import InvalidInput, VivaError

__all__ = ["MAX_JSON_DEPTH", "guard_request"]

_BINARY_PREFIXES = ("image/", "audio/", "video/")
_BINARY_TYPES = frozenset({"application/octet-stream", "application/offset+octet-stream"})

# \u0000 preceded by an even number of backslashes (an odd number escapes the backslash itself).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
_TEXT_PART_LIMIT = 10 * 1024 * 1024  # larger text parts are refused by their handlers' own limits
MAX_JSON_DEPTH = 64  # our deepest bodies (a bank import) nest well under 10 levels
_JSON_TOKEN = re.compile(rb'[\[\]{}"\\]')
_REFUSED = (
    "The request contains a NUL character (U+0000), which text cannot hold; remove it "
    "(it often comes from pasting binary data) and try again."
)


def _has_nul(data: bytes) -> bool:
    return b"\x00" in data or (b"\\u0000" in data and _JSON_NUL.search(data) is not None)


def _text_part(upload: UploadFile) -> bool:
    mime = (upload.content_type or "").split(";", 1)[0].strip().lower()
    return mime.startswith("text/") or mime.endswith(("/json", "+json", "/csv", "/xml"))


async def _form_has_nul(request: Request[Any, Any, Any]) -> bool:
    form = await request.form()
    for key, value in form.multi_items():
        if "\x00" in key:
            return True
        if isinstance(value, UploadFile):
            if "\x00" in (value.filename or ""):
                return True
            if _text_part(value):
                data = await value.read(_TEXT_PART_LIMIT)
                await value.seek(0)
                if _has_nul(data):
                    return True
        elif "\x00" in str(value):
            return True
    return False


def _binary_upload(request: Request[Any, Any, Any]) -> bool:
    """A binary content type for a handler that takes the raw bytes (it decodes no ``data``)."""
    mime = request.content_type[0]
    if not (mime.startswith(_BINARY_PREFIXES) or mime in _BINARY_TYPES):
        return False
    data = request.route_handler.parsed_data_field
    return data is None or data.annotation is bytes


def _too_deep(data: bytes) -> bool:
    """Whether brackets outside JSON strings nest deeper than ``MAX_JSON_DEPTH``."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth, in_string, escaped_at = 0, False, -1
    for m in _JSON_TOKEN.finditer(data):
        ch, at = m.group(), m.start()
        if in_string:
            if ch == b"\\" and escaped_at != at:
                escaped_at = at + 1  # the next byte is escaped
            elif ch == b'"' and escaped_at != at:
                in_string = False
        elif ch == b'"':
            in_string = True
        elif ch in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif ch in (b"]", b"}"):
            depth -= 1
    return False


async def guard_request(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: 422 for a query or body with a NUL character, 400 for JSON
    nested deeper than ``MAX_JSON_DEPTH``."""
    if any("\x00" in k or "\x00" in v for k, v in request.query_params.multi_items()):
        raise InvalidInput(_REFUSED)
    if request.method not in _UNSAFE_METHODS or _binary_upload(request):
        return
    if request.content_type[0] in _FORMS:
        if await _form_has_nul(request):
            raise InvalidInput(_REFUSED)
        return
    body = await request.body()
    if _has_nul(body):
        raise InvalidInput(_REFUSED)
    if _too_deep(body):
        raise VivaError(
            f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels; no request of "
            "this API needs that. Send the documented shape."
        )
