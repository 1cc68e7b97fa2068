"""Narrative images, judged by what the file holds, never by its name or where it points.

A narrative may show a file only when it is a raster image (PNG, JPEG, GIF, WebP, told by
its first bytes) or an SVG drawing that passes an allowlist, and lies inside the knowledge
base. It is published at an address hindsite chooses from its content
(`incidents/<id>/images/<digest>.<ext>`), so that no reference can land on a page, a
generated file or a theme asset. An SVG is published as re-serialised from its parsed
elements: comments, processing instructions and anything outside the allowlist are gone;
script, event handlers and references to other files or hosts are refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

from hindsite.diagnostics import Diagnostic, Severity, rule
from hindsite.load import TooLarge, regular_bytes
from hindsite.model import Postmortem, PublishedImage, Reference

MISSING_IMAGE = rule("HS406", "missing-image", Severity.ERROR,
                     "An image that is not a file inside the knowledge base named by a "
                     "relative path (an absolute path is refused too).", "body")
NOT_AN_IMAGE = rule("HS407", "not-an-image", Severity.ERROR,
                    "A file shown as an image that is not a PNG, JPEG, GIF, WebP or SVG image "
                    "by its content (or is over the size limit).", "body")
UNSAFE_SVG = rule("HS408", "unsafe-svg", Severity.ERROR,
                  "An SVG image with script, event handlers, links, embedded content or "
                  "references to other files; it is not published.", "body")

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Larger files are refused: a narrative's figure is a chart or a screenshot."""

RASTER_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"),
                (b"GIF89a", "gif"))
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_DRAWING = (
    "svg g defs symbol use title desc path rect circle ellipse line polyline polygon text "
    "tspan textPath linearGradient radialGradient stop clipPath mask pattern marker filter "
    "feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting "
    "feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR "
    "feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight "
    "feSpecularLighting feSpotLight feTile feTurbulence style switch view")
SVG_ELEMENTS = frozenset(_DRAWING.split())
"""Drawing elements only: no script, foreignObject, image, a (links), iframe, or the
animation elements (`set` and `animate` can rewrite an attribute into a `javascript:` URL)."""
_URL_RE = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_CSS_FORBIDDEN = ("@import", "expression(", "javascript:", "behavior:", "-moz-binding")

ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", XLINK_NS)


class Refused(Exception):
    """The file cannot be published; the message says why, for the diagnostic."""


def with_images(pm: Postmortem, source: Path, root: Path) -> tuple[Postmortem, list[Diagnostic]]:
    """The postmortem with the images its narrative shows, or a diagnostic for each that
    cannot be published."""
    published: dict[str, PublishedImage] = {}
    problems: list[Diagnostic] = []
    for image in pm.images:
        if image.target in published:
            continue
        found = publishable(pm.id, image, source, root)
        if isinstance(found, Diagnostic):
            problems.append(found)
        else:
            published[image.target] = found
    return replace(pm, image_files=tuple(published.values())), problems


def outcomes(incident: str, source: Path, images: tuple[Reference, ...],
             root: Path) -> tuple[PublishedImage | Diagnostic, ...]:
    """What each image gives now, in order: images are files that no key of a postmortem
    covers, so a check that keeps its last result (`whole_check`, `memory`) compares these
    before taking it again."""
    return tuple(publishable(incident, image, source, root) for image in images)


def file_path(src: str) -> str:
    """The file a relative image URL names: no query or fragment, percent-escapes decoded."""
    return unquote(src.split("#", 1)[0].split("?", 1)[0])


def publishable(incident: str, image: Reference, source: Path,
                root: Path) -> PublishedImage | Diagnostic:
    path = file_path(image.target)
    target = _inside(source.parent / path, root) if path else None
    if target is None:
        return MISSING_IMAGE.at(image.pos, f"image {image.target} is not a file inside the "
                                "knowledge base; add it next to the postmortem, or fix the path")
    try:
        data = regular_bytes(target, MAX_IMAGE_BYTES)
    except TooLarge:
        return NOT_AN_IMAGE.at(image.pos, f"image {image.target} is larger than "
                               f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    except OSError as err:
        return MISSING_IMAGE.at(image.pos, f"image {image.target} cannot be read "
                                f"({err.strerror or err}); it must be an ordinary file")
    try:
        kind, content = sniff(data)
    except Refused as why:
        rule = UNSAFE_SVG if kind_is_svg(data) else NOT_AN_IMAGE
        return rule.at(image.pos, f"image {image.target} {why}")
    digest = hashlib.sha256(content).hexdigest()[:20]
    return PublishedImage(image.target, f"incidents/{incident}/images/{digest}.{kind}",
                          str(target), content if kind == "svg" else None)


def _inside(path: Path, root: Path) -> Path | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    real_root = root.resolve()
    return target if real_root in target.parents else None


def sniff(data: bytes) -> tuple[str, bytes]:
    """The image's kind (its published extension) and the bytes to publish."""
    for magic, kind in RASTER_MAGIC:
        if data.startswith(magic):
            return kind, data
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", data
    if kind_is_svg(data):
        return "svg", sanitised_svg(data)
    raise Refused("is not a PNG, JPEG, GIF, WebP or SVG image; only images can be shown")


def kind_is_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def sanitised_svg(data: bytes) -> bytes:
    """The drawing re-serialised from its elements, or Refused saying what is not allowed."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise Refused("declares a DOCTYPE or entities; remove them")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        raise Refused(f"is not a well-formed SVG ({err})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Refused("is not an SVG drawing (its root must be <svg> in the SVG namespace)")
    for element in root.iter():
        _check_element(element)
    text = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _check_element(element: ElementTree.Element) -> None:
    namespace, _, name = str(element.tag).rpartition("}")
    if namespace != "{" + SVG_NS or name not in SVG_ELEMENTS:
        raise Refused(f"contains <{name}>, which is not allowed in an image (script, links, "
                      "embedded content and animation are refused)")
    if name == "style":
        _check_css(element.text or "", "a <style> element")
    for attribute, value in element.attrib.items():
        _check_attribute(attribute, value)


def _check_attribute(attribute: str, value: str) -> None:
    namespace, _, name = attribute.rpartition("}")
    if namespace and namespace.lstrip("{") not in (XLINK_NS, XML_NS):
        raise Refused(f"has an attribute from another namespace ({name}); remove it")
    if name.lower().startswith("on"):
        raise Refused(f"has an event handler ({name}); images must not run script")
    if name == "href" and not value.strip().startswith("#"):
        raise Refused(f"refers to {value!r}; an image may refer only to its own parts ('#id')")
    _check_css(value, f"attribute {name}")


def _check_css(text: str, where: str) -> None:
    lowered = text.lower()
    for word in _CSS_FORBIDDEN:
        if word in lowered:
            raise Refused(f"uses {word!r} in {where}; remove it")
    for target in _URL_RE.findall(text):
        if not target.startswith("#"):
            raise Refused(f"loads {target!r} in {where}; an image may refer only to its own "
                          "parts ('url(#id)')")
