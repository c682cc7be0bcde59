"""SVG logos: sanitised, then rasterised to a PNG, so an uploaded SVG never reaches a browser.

Two layers, each sufficient against script on candidate pages:

1. The markup is parsed with defusedxml (no DTD, no entities: no XXE, no billion laughs) and
   cut down to an allowlist of drawing elements and presentation attributes: no ``<script>``,
   ``<foreignObject>``, ``on*`` handlers, and no reference that leaves the document (``href``
   other than ``#fragment`` or an inline raster ``data:`` image; ``url(...)`` other than
   ``url(#...)``; ``@import``). The renderer would otherwise read a local file named by
   ``<image href="/etc/...">`` into the picture.
2. The sanitised tree is rendered by resvg (``resvg-py``) into a box of at most
   ``max_pixels`` on its longer side, keeping the aspect ratio; what is stored and served is
   that PNG, never SVG. Generic font families map to DejaVu (Debian's fonts-dejavu-core, which
   setup installs with Chromium): resvg's defaults (Arial, Times New Roman) are not on a
   Debian server, and text in them would be left out of the picture.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring

import resvg_py
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from server.errors import InvalidInput

__all__ = ["looks_like_svg", "rasterise_svg", "sanitise_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Drawing elements a logo needs; everything else (script, foreignObject, iframe, animation that
# can rewrite an href, metadata) is dropped with its children.
_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "image",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feFlood",
        "feGaussianBlur", "feMerge", "feMergeNode", "feOffset", "feFuncR", "feFuncG", "feFuncB",
        "feFuncA", "feDropShadow", "feMorphology",
    }
)  # fmt: skip
_HREF_ATTRS = frozenset({"href", f"{{{XLINK_NS}}}href"})
_INLINE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_EXTERNAL_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import|expression\s*\(|javascript:", re.IGNORECASE)


def looks_like_svg(data: bytes) -> bool:
    """Whether the upload is SVG markup (an XML prolog, a comment or `<svg` near the start)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) or b"<svg" in head


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _clean_attrs(el: Element) -> None:
    for name in list(el.attrib):
        value = el.attrib[name]
        _, local = _local(name)
        if local.lower().startswith("on"):
            del el.attrib[name]
        elif name in _HREF_ATTRS:
            ref = value.strip()
            inline_ok = _local(el.tag)[1] == "image" and _INLINE_IMAGE.match(ref) is not None
            if not (ref.startswith("#") or inline_ok):
                del el.attrib[name]
        elif _EXTERNAL_URL.search(value) or _IMPORT.search(value):
            del el.attrib[name]


def _clean(el: Element) -> None:
    for child in list(el):
        ns, local = _local(child.tag) if isinstance(child.tag, str) else (None, "")
        if ns != SVG_NS or local not in _ELEMENTS:
            el.remove(child)
            continue
        if (
            local == "style"
            and child.text
            and (_EXTERNAL_URL.search(child.text) or _IMPORT.search(child.text))
        ):
            el.remove(child)
            continue
        _clean_attrs(child)
        _clean(child)


def sanitise_svg(data: bytes) -> str:
    """The SVG cut down to drawing elements with no script and no outside reference."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise InvalidInput(
            "The SVG could not be read (malformed XML, or a DOCTYPE/entities, which logos do not "
            "need). Export it again as plain SVG, or upload a PNG."
        ) from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise InvalidInput("The file is XML but not an SVG image (no <svg> root); upload an SVG or a PNG.")
    _clean_attrs(root)
    _clean(root)
    return tostring(root, encoding="unicode")


def rasterise_svg(data: bytes, max_pixels: int) -> bytes:
    """A PNG of the sanitised SVG, fitted into `max_pixels` x `max_pixels`."""
    clean = sanitise_svg(data)
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=clean,
                width=max_pixels,
                height=max_pixels,
                font_family="DejaVu Sans",
                sans_serif_family="DejaVu Sans",
                serif_family="DejaVu Serif",
                monospace_family="DejaVu Sans Mono",
            )
        )
    except ValueError as exc:
        raise InvalidInput(
            "The SVG has nothing that can be drawn (or its size is zero); check it opens in a "
            "browser, or upload a PNG."
        ) from exc
