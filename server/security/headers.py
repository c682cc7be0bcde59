"""Security headers on every response, and cookies marked ``Secure`` over TLS.

A ``before_send`` hook sees every HTTP response the app sends (handlers, static files, errors,
404s, CSRF refusals), so nothing leaves without the headers.

- ``Content-Security-Policy``: scripts and styles only from this origin (the built frontend has
  no inline script or style; Preact sets ``style`` through the CSSOM, which CSP allows), media
  from this origin or ``blob:`` (the candidate's local preview), API calls to this origin only,
  no framing, no plugins.
- ``Permissions-Policy``: camera and microphone for this origin only; nothing else.
- ``Strict-Transport-Security`` only when the request came over TLS (directly, or through a
  trusted proxy's ``X-Forwarded-Proto``): sending it over plain HTTP means nothing and would
  pin a development host to HTTPS.
- ``Cache-Control: no-store`` on every ``/api/`` answer that sets no policy of its own: they
  carry names, answers and scores, which no shared or browser cache should keep.
- Cookies: ``Secure`` is added to every ``Set-Cookie`` of a TLS request (and always with
  ``VIVA_SECURE_COOKIES=true``), so the session and CSRF cookies never travel in clear text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.types import Message, Scope

from server.security.proxy import TrustedProxies

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DOCS_CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "security_headers_hook",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "frame-src 'none'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# The API reference pages (/schema/swagger, /schema/redoc) are Litestar's: inline bootstrap
# scripts and their CDN bundles. Nothing of ours runs there, and they still cannot be framed.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net "
    "https://cdn.redoc.ly; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net "
    "https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; "
    "img-src 'self' data: https:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=()"
)

_CSP = CONTENT_SECURITY_POLICY.encode()
_DOCS_CSP = DOCS_CONTENT_SECURITY_POLICY.encode()
_FIXED: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def _secure_cookie(value: bytes) -> bytes:
    attrs = {a.strip().lower() for a in value.split(b";")[1:]}
    return value if b"secure" in attrs else value + b"; Secure"


def security_headers_hook(
    *, proxies: TrustedProxies, hsts_seconds: int, always_secure_cookies: bool
) -> Callable[[Message, Scope], Awaitable[None]]:
    """A Litestar ``before_send`` hook that adds the headers to each HTTP response."""
    hsts = f"max-age={hsts_seconds}; includeSubDomains".encode()

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        tls = proxies.is_tls(scope)
        headers = list(message.get("headers") or [])
        present = {k.lower() for k, _ in headers}
        headers += [(k, v) for k, v in _FIXED if k not in present]
        if b"cache-control" not in present and str(scope.get("path", "")).startswith("/api/"):
            headers.append((b"cache-control", b"no-store"))  # API answers carry personal data
        if b"content-security-policy" not in present:
            docs = str(scope.get("path", "")).startswith("/schema")
            headers.append((b"content-security-policy", _DOCS_CSP if docs else _CSP))
        if tls and hsts_seconds > 0 and b"strict-transport-security" not in present:
            headers.append((b"strict-transport-security", hsts))
        if tls or always_secure_cookies:
            headers = [(k, _secure_cookie(v) if k.lower() == b"set-cookie" else v) for k, v in headers]
        message["headers"] = headers

    return before_send
