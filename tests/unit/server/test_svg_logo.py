"""SVG logos: hostile markup loses every script and outside reference, then becomes a PNG."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from server.domain.branding.services import clean_logo
from server.domain.branding.svg import looks_like_svg, sanitise_svg
from server.errors import InvalidInput


def _red_png(path: Path) -> Path:
    Image.new("RGB", (40, 40), (255, 0, 0)).save(path)
    return path


def _hostile(local_png: Path) -> bytes:
    """A blue square logo carrying every trick: script, handlers, javascript: links, outside images."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="200" height="100" viewBox="0 0 200 100" onload="alert(document.cookie)">
  <script type="text/javascript">alert('script')</script>
  <style>@import url(https://evil.test/x.css); rect {{ fill: blue }}</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#00f"/></linearGradient></defs>
  <rect id="box" x="0" y="0" width="100" height="100" fill="url(#g)" onclick="alert(2)"/>
  <use href="#box" x="0" y="0"/>
  <a xlink:href="javascript:alert(3)"><rect x="0" y="0" width="10" height="10"/></a>
  <image x="100" y="0" width="100" height="100" xlink:href="{local_png}"/>
  <image x="100" y="0" width="100" height="100" href="file://{local_png}"/>
  <image x="100" y="0" width="100" height="100" href="https://evil.test/track.png"/>
  <foreignObject x="0" y="0" width="200" height="100">
    <div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(4)"/></div>
  </foreignObject>
  <set attributeName="href" to="javascript:alert(5)"/>
  <rect x="0" y="0" width="1" height="1" style="fill: url(https://evil.test/p.svg#x)"/>
</svg>""".encode()


def test_sanitised_markup_keeps_drawing_and_drops_every_script_and_outside_reference(tmp_path: Path) -> None:
    clean = sanitise_svg(_hostile(_red_png(tmp_path / "secret.png")))
    lowered = clean.lower()
    for bad in ("<script", "onload", "onclick", "onerror", "javascript:", "foreignobject", "evil.test",
                "secret.png", "@import", "<set", ":a ", "<a "):  # fmt: skip
        assert bad not in lowered, (bad, clean)
    assert 'fill="url(#g)"' in clean and 'href="#box"' in clean and "lineargradient" in lowered


def test_hostile_svg_becomes_a_png_that_read_no_local_file(tmp_path: Path) -> None:
    png = clean_logo(_hostile(_red_png(tmp_path / "secret.png")))
    assert not looks_like_svg(png)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (512, 256)  # fitted into 512 x 512
        picture = img.convert("RGBA")
    assert picture.getpixel((128, 128))[:3] == (0, 0, 255)  # the logo's own drawing
    right = picture.getpixel((384, 128))
    assert right[3] == 0 and right[:3] != (255, 0, 0)  # the local file was never drawn in


def test_inline_raster_image_is_kept() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 200, 0)).save(buf, format="PNG")
    data = base64.b64encode(buf.getvalue()).decode()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image width="10" height="10" href="data:image/png;base64,{data}"/></svg>'
    ).encode()
    with Image.open(io.BytesIO(clean_logo(svg))) as img:
        assert img.convert("RGB").getpixel((256, 256)) == (0, 200, 0)


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'x'>]><svg>&a;</svg>", "could not be read"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://evil.test/x.dtd">'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "could not be read",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "could not be read"),
        (b"<?xml version='1.0'?><html><svg/></html>", "not an SVG image"),
        (b"<svg><rect width='5' height='5'/></svg>", "not an SVG image"),  # no SVG namespace
    ],
)
def test_unreadable_or_entity_laden_svg_is_refused(svg: bytes, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        clean_logo(svg)


def test_text_in_a_generic_font_is_drawn() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60">'
        b'<text x="4" y="44" font-family="sans-serif" font-size="40" fill="#000">ACME</text></svg>'
    )
    with Image.open(io.BytesIO(clean_logo(svg))) as img:
        alpha = img.convert("RGBA").getchannel("A")
        assert alpha.getbbox() is not None  # the word is in the picture, not left out
