"""Fixtures for the security tests: the app's OpenAPI operations and signed-in credentials."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

__all__ = ["HTTP_METHODS", "schema_operations"]

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def schema_operations(app: Litestar) -> set[tuple[str, str]]:
    """Every (METHOD, path) the app documents in its OpenAPI schema."""
    schema: dict[str, Any] = app.openapi_schema.to_schema()
    return {
        (method.upper(), path)
        for path, ops in schema.get("paths", {}).items()
        for method in ops
        if method in HTTP_METHODS
    }
