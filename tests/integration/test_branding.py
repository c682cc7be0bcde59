"""An organization's branding: admins set it, candidates see whose interview it is."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.support.world import World

pytestmark = pytest.mark.integration


def _png(width: int = 1200, height: int = 300, *, trailer: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (20, 80, 200, 255)).save(out, format="PNG")
    return out.getvalue() + trailer


async def test_defaults_then_admin_sets_branding_and_candidates_see_it(
    client: Any, world: World, login: Any
) -> None:
    token = world.a.tokens["Alice"]
    view = (await client.get(f"/api/candidate/{token}")).json()
    assert view["organization"] == {
        "organization_name": "Org ALPHA",
        "accent_color": None,
        "welcome_text": "",
        "contact_email": None,
        "privacy_url": None,
        "logo_version": None,
        "default_language": "en",
        "welcome_video_version": None,
    }
    assert view["english_threshold"] == "B2"  # the ML-engineer assessment sets one
    await login(world.a.admin_email)
    r = await client.put(
        "/api/organization/branding",
        json={
            "accent_color": "#0F766E",
            "welcome_text": "Thanks for applying to Alpha!",
            "contact_email": "talent@alpha.test",
            "privacy_url": "https://alpha.test/privacy",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["accent_color"] == "#0f766e" and r.json()["has_logo"] is False
    r = await client.put(
        "/api/organization/branding/logo",
        content=_png(trailer=b"<script>"),
        headers={"content-type": "image/png"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["has_logo"] and r.json()["logo_version"] == 1
    view = (await client.get(f"/api/candidate/{token}")).json()
    brand = view["organization"]
    assert brand["welcome_text"] == "Thanks for applying to Alpha!"
    assert brand["contact_email"] == "talent@alpha.test" and brand["logo_version"] == 1
    logo = await client.get(f"/api/candidate/{token}/logo?v=1")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert b"<script>" not in logo.content  # re-encoded: nothing of the upload passes through
    with Image.open(io.BytesIO(logo.content)) as img:
        assert img.format == "PNG" and max(img.size) == 512
    # another organization's candidates keep their own (default) branding
    other = (await client.get(f"/api/candidate/{world.b.tokens['Bob']}")).json()
    assert other["organization"]["contact_email"] is None
    assert (await client.get(f"/api/candidate/{world.b.tokens['Bob']}/logo")).status_code == 404


async def test_bad_branding_is_refused_and_nothing_changes(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    ok = await client.put("/api/organization/branding", json={"accent_color": "#112233"})
    assert ok.status_code == 200
    for body in (
        {"accent_color": "red"},
        {"contact_email": "not an email"},
        {"privacy_url": "javascript:alert(1)"},
        {"welcome_text": "x" * 2001},
    ):
        r = await client.put("/api/organization/branding", json=body)
        assert r.status_code == 400, (body, r.text)
    for data, kind, status, words in (
        (
            b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg>&a;</svg>",
            "image/svg+xml",
            422,
            "SVG could not be read",
        ),
        (b"GIF89a not really", "image/png", 422, "not a readable PNG"),
        (b"\x89PNG" + b"0" * (600 * 1024), "image/png", 413, "limit is 512 KiB"),
        (_png(), "image/jpeg", 422, "Content-Type image/png"),
    ):
        r = await client.put("/api/organization/branding/logo", content=data, headers={"content-type": kind})
        assert r.status_code == status and words in r.json()["detail"], (kind, r.text)
    now = (await client.get("/api/organization/branding")).json()
    assert now["accent_color"] == "#112233" and now["has_logo"] is False


async def test_an_svg_logo_is_served_as_a_sanitised_png(client: Any, world: World, login: Any) -> None:
    await login(world.a.admin_email)
    hostile = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="300" height="100" onload="alert(1)"><script>alert(2)</script>'
        b'<rect width="300" height="100" fill="#0f766e"/>'
        b'<image width="300" height="100" xlink:href="javascript:alert(3)"/>'
        b'<image width="300" height="100" href="https://evil.test/pixel.png"/></svg>'
    )
    r = await client.put(
        "/api/organization/branding/logo", content=hostile, headers={"content-type": "image/svg+xml"}
    )
    assert r.status_code == 200, r.text
    logo = await client.get(f"/api/candidate/{world.a.tokens['Alice']}/logo?v={r.json()['logo_version']}")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert logo.headers["content-security-policy"] == "default-src 'none'"
    for needle in (b"<svg", b"script", b"alert", b"evil.test"):
        assert needle not in logo.content
    with Image.open(io.BytesIO(logo.content)) as img:
        assert img.format == "PNG" and img.size == (512, 171)
        assert img.convert("RGB").getpixel((256, 85)) == (15, 118, 110)
