"""The primitives behind web security: token comparison, media link signatures, proxy trust."""

from __future__ import annotations

import uuid

import pytest

from server.auth.tokens import hash_token, new_token, token_matches
from server.security.headers import CONTENT_SECURITY_POLICY, security_headers_hook
from server.security.media_links import STAFF_LINK, MediaLinkError, MediaLinkSigner
from server.security.proxy import TrustedProxies


def _link(q: dict[str, str]) -> dict[str, str]:
    """A signed URL's query as ``verify``'s keyword arguments."""
    return {"expires": q["expires"], "holder": q["user"], "sig": q["sig"]}


def test_token_matches_only_the_token_behind_a_stored_hash() -> None:
    token, digest = new_token()
    assert digest == hash_token(token) and len(digest) == 64
    assert token_matches(token, digest)
    assert not token_matches(token[:-1], digest)
    assert not token_matches(token + "x", digest)
    assert not token_matches("", digest)
    assert not token_matches(token, digest.upper())  # a different string is not equal
    other, _ = new_token()
    assert other != token and not token_matches(other, digest)
    # odd input never raises (lone surrogates, NUL, very long)
    assert not token_matches("\ud800\x00" + "a" * 10_000, digest)


def test_token_matches_uses_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    import server.auth.tokens as tokens

    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    token, digest = new_token()
    assert tokens.token_matches(token, digest)
    assert calls == [(digest, digest)]


RID = uuid.UUID("00000000-0000-4000-8000-000000000001")
UID = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


def _parts(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def test_signed_media_link_round_trip_and_expiry() -> None:
    signer = MediaLinkSigner(secret_key="k" * 40, lifetime_s=900)
    url = signer.url(RID, "video", UID, now=1_000_000.0)
    assert url.startswith(f"/api/responses/{RID}/media/video?")
    q = _parts(url)
    expires = int(q["expires"])
    assert 1_000_900 <= expires < 1_000_960 and expires % 60 == 0  # rounded up to the minute
    grant = signer.verify(STAFF_LINK, RID, "video", **_link(q), now=1_000_000.0)
    assert grant.user_id == UID and grant.variant == "video"
    # the same minute gives the same URL (the browser can cache the media)
    assert signer.url(RID, "video", UID, now=1_000_010.0) == url
    with pytest.raises(MediaLinkError, match="expired"):
        signer.verify(STAFF_LINK, RID, "video", **_link(q), now=expires + 1)


@pytest.mark.parametrize("change", ["variant", "response", "user", "expires", "sig", "key"])
def test_a_changed_media_link_is_refused(change: str) -> None:
    signer = MediaLinkSigner(secret_key="k" * 40, lifetime_s=900)
    q = _parts(signer.url(RID, "video", UID, now=1_000_000.0))
    rid, variant = RID, "video"
    if change == "variant":
        variant = "audio"
    elif change == "response":
        rid = uuid.uuid4()
    elif change == "user":
        q["user"] = str(uuid.uuid4())
    elif change == "expires":
        q["expires"] = str(int(q["expires"]) + 86_400)  # stretching the lifetime
    elif change == "sig":
        q["sig"] = q["sig"][:-2] + ("AA" if not q["sig"].endswith("AA") else "BB")
    else:
        signer = MediaLinkSigner(secret_key="another-installation" * 3, lifetime_s=900)
    with pytest.raises(MediaLinkError, match="not valid"):
        signer.verify(STAFF_LINK, rid, variant, **_link(q), now=1_000_000.0)


@pytest.mark.parametrize(
    ("expires", "user", "sig", "message"),
    [
        (None, None, "x", "incomplete"),
        ("soon", str(UID), "x", "malformed"),
        ("1000", "not-a-uuid", "x", "malformed"),
        ("1000", str(UID), "\ud800", "not valid"),
    ],
)
def test_malformed_media_links_are_refused(
    expires: str | None, user: str | None, sig: str, message: str
) -> None:
    signer = MediaLinkSigner(secret_key="k" * 40, lifetime_s=900)
    with pytest.raises(MediaLinkError, match=message):
        signer.verify(STAFF_LINK, RID, "video", expires=expires, holder=user, sig=sig, now=0.0)


def _scope(client: str, scheme: str = "http", **headers: str) -> dict[str, object]:
    return {
        "type": "http",
        "scheme": scheme,
        "client": (client, 5000),
        "path": "/",
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


def test_forwarded_headers_are_believed_only_from_trusted_proxies() -> None:
    proxies = TrustedProxies.parse(["127.0.0.1", "10.0.0.0/8", " "])
    forwarded = {"x_forwarded_proto": "https", "x_forwarded_for": "203.0.113.9, 10.1.2.3"}
    assert proxies.is_tls(_scope("10.0.0.5", **forwarded))  # type: ignore[arg-type]
    assert proxies.client_ip(_scope("10.0.0.5", **forwarded)) == "203.0.113.9"  # type: ignore[arg-type]
    # a stranger sending the same headers gets neither TLS nor another address
    assert not proxies.is_tls(_scope("198.51.100.7", **forwarded))  # type: ignore[arg-type]
    assert proxies.client_ip(_scope("198.51.100.7", **forwarded)) == "198.51.100.7"  # type: ignore[arg-type]
    assert proxies.is_tls(_scope("198.51.100.7", scheme="https"))  # type: ignore[arg-type]
    assert not TrustedProxies.parse([]).is_tls(_scope("127.0.0.1", **forwarded))  # type: ignore[arg-type]
    assert TrustedProxies.parse(["*"]).is_tls(_scope("testclient", **forwarded))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="VIVA_TRUSTED_PROXIES"):
        TrustedProxies.parse(["10.0.0.0/99"])


async def test_headers_hook_adds_hsts_and_secure_cookies_only_over_tls() -> None:
    hook = security_headers_hook(proxies=TrustedProxies(), hsts_seconds=600, always_secure_cookies=False)

    async def send(scheme: str) -> dict[bytes, list[bytes]]:
        message = {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"set-cookie", b"a=1; Path=/; HttpOnly"), (b"set-cookie", b"b=2; Secure")],
        }
        await hook(message, _scope("1.2.3.4", scheme=scheme))  # type: ignore[arg-type]
        out: dict[bytes, list[bytes]] = {}
        for k, v in message["headers"]:  # type: ignore[attr-defined]
            out.setdefault(k, []).append(v)
        return out

    plain, tls = await send("http"), await send("https")
    assert b"strict-transport-security" not in plain
    assert plain[b"set-cookie"] == [b"a=1; Path=/; HttpOnly", b"b=2; Secure"]
    assert tls[b"strict-transport-security"] == [b"max-age=600; includeSubDomains"]
    assert tls[b"set-cookie"] == [b"a=1; Path=/; HttpOnly; Secure", b"b=2; Secure"]
    assert plain[b"content-security-policy"] == [CONTENT_SECURITY_POLICY.encode()]
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
