"""Structured logs: key-value pairs on a console by default, JSON lines in production."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar.logging.config import StructLoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin

from server.settings import AppSettings

__all__ = ["redact_tokens", "structlog_plugin"]


_TOKEN_IN_PATH = re.compile(r"/(api/candidate|i|share)/[^/?\s]+")


def redact_tokens(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Invitation and share tokens travel in paths; never let them reach the logs."""
    for key, value in event.items():
        if isinstance(value, str) and "/" in value:
            event[key] = _TOKEN_IN_PATH.sub(r"/\1/[token]", value)
    return event


def structlog_plugin(settings: AppSettings) -> StructlogPlugin:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_tokens,
        renderer,
    ]
    level = logging.getLevelNamesMapping().get(settings.log_level, logging.INFO)
    for noisy in ("aioice", "aiortc", "httpx", "faster_whisper"):  # per-packet chatter at INFO
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    return StructlogPlugin(
        config=StructlogConfig(
            structlog_logging_config=StructLoggingConfig(
                processors=processors,
                wrapper_class=structlog.make_filtering_bound_logger(level),
                logger_factory=structlog.PrintLoggerFactory(),
                log_exceptions="debug" if settings.debug else "never",
            ),
            middleware_logging_config=LoggingMiddlewareConfig(
                # Never log bodies, cookies or headers: they carry passwords, sessions and tokens.
                request_log_fields=["method", "path"],
                response_log_fields=["status_code"],
                exclude=["/health"],
            ),
        )
    )
