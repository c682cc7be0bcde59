"""HTTP Range header parsing (RFC 9110, single byte ranges)."""

from __future__ import annotations

import re

__all__ = ["RangeNotSatisfiable", "parse_range"]

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
