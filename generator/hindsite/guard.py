"""The last line of defence: every page is read back before it is written.

Validation and sanitising keep postmortem text inert; this module does not trust them. A
page's content (what hindsite or Markdown rendered) may carry no script at all; the whole
page may carry no event handler, no `javascript:` URL, no frame or plugin, and nothing
fetched from another host. The theme's own inline scripts are the only script there is, and
the Content-Security-Policy added to each page allows exactly those (by hash), the site's
own files, and nothing else, so that a script that got in anyway would not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "imagesrcset")
FETCHED_LINKS = frozenset({"stylesheet", "icon", "preload", "prefetch", "modulepreload",
                           "manifest", "preconnect", "dns-prefetch", "apple-touch-icon",
                           "shortcut", "mask-icon"})
SVG_REFERENCES = frozenset({"image", "use", "feimage", "script"})
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet",
                                "portal", "base"})
_CSS_URL_RE = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)|@import\s+['\"]([^'\"]*)",
                         re.IGNORECASE)


@dataclass(slots=True)
class Scan:
    """What a page would make a browser run or fetch."""

    inline_scripts: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


Span = tuple[tuple[int, int], tuple[int, int]]
"""From (line, column) to (line, column), end excluded, as `HTMLParser.getpos` counts."""


class _Reader(HTMLParser):
    """Reads a page once; `content` is where the page's content lies in it, if anywhere."""

    def __init__(self, content: Span | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self.script: list[str] | None = None
        self.style: list[str] | None = None
        self.content = content

    def _in_content(self) -> bool:
        return self.content is not None and self.content[0] <= self.getpos() < self.content[1]

    def _problem(self, what: str) -> None:
        line, col = self.getpos()
        where = " (in the page's content)" if self._in_content() else ""
        self.scan.problems.append(f"line {line}, column {col + 1}: {what}{where}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_ELEMENTS:
            self._problem(f"<{tag}> element")
        if tag == "script":
            self._script(values)
        elif tag == "style":
            self.style = []
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._problem("<meta http-equiv=refresh>")
        for name, value in values.items():
            self._attribute(tag, name, value, values)

    handle_startendtag = handle_starttag

    def _script(self, values: dict[str, str]) -> None:
        if self._in_content():
            self._problem("<script>")
        line, col = self.getpos()
        self.scan.scripts.append(f"line {line}, column {col + 1}: <script>")
        if "src" not in values:
            self.script = []

    def _attribute(self, tag: str, name: str, value: str, values: dict[str, str]) -> None:
        if name.startswith("on"):
            self._problem(f"event handler {name} on <{tag}>")
        elif value.strip().lower().startswith(("javascript:", "vbscript:")):
            self._problem(f"script URL in {name} of <{tag}>")
        elif _loads_remote(tag, name, value, values):
            self._problem(f"<{tag} {name}> loads {value[:80]!r} from another host")
        elif name == "style":
            self._css(value, f"style of <{tag}>")

    def _css(self, text: str, where: str) -> None:
        for match in _CSS_URL_RE.finditer(text):
            target = match.group(1) or match.group(2) or ""
            if _remote(target):
                self._problem(f"{where} loads {target[:80]!r} from another host")

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script.append(data)
        elif self.style is not None:
            self.style.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self.scan.inline_scripts.append("".join(self.script))
            self.script = None
        elif tag == "style" and self.style is not None:
            self._css("".join(self.style), "a <style> element")
            self.style = None


def _loads_remote(tag: str, name: str, value: str, values: dict[str, str]) -> bool:
    if name in RESOURCE_ATTRIBUTES:
        return _remote_in(value, name == "srcset")
    return name in ("href", "xlink:href") and _fetched(tag, values) and _remote(value)


def _fetched(tag: str, values: dict[str, str]) -> bool:
    """Whether the browser fetches an element's href by itself (a link to read is not)."""
    if tag == "link":
        return bool(FETCHED_LINKS & set(values.get("rel", "").lower().split()))
    return tag.lower() in SVG_REFERENCES


def _remote(url: str) -> bool:
    """A URL on another host (or another scheme than the page's): not data:, not relative."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    return bool(parts.netloc) or parts.scheme.lower() not in ("", "data", "blob")


def _remote_in(value: str, is_srcset: bool) -> bool:
    if not is_srcset:
        return _remote(value)
    return any(_remote(part.strip().split(" ")[0]) for part in value.split(","))


def scan(html: str, content: Span | None = None) -> Scan:
    reader = _Reader(content)
    reader.feed(html)
    reader.close()
    return reader.scan


def page_problems(page: str, content: str) -> list[str]:
    """Why a page must not be published: script in its content, or anywhere an event
    handler, a script URL, a frame, or a resource from another host. Empty when none."""
    return guarded_page(page, content)[0]


def guarded_page(page: str, content: str) -> tuple[list[str], str]:
    """The page's problems (as `page_problems`) and the page with its policy (as
    `with_policy`), from one reading of the page: the content is found inside the page,
    so that it is not read a second time."""
    span = _span(page, content)
    found = scan(page, span)
    problems = list(found.problems)
    if span is None and content:
        inside = scan(content)
        problems += [f"{where} in the page's content" for where in inside.scripts]
        problems += [f"{problem} (in the page's content)" for problem in inside.problems
                     if problem not in problems]
    return problems, _with_policy(page, found)


def _span(page: str, content: str) -> Span | None:
    """Where `content` lies in `page`, in lines and columns, if it is there verbatim."""
    start = page.find(content) if content else -1
    if start < 0:
        return None
    return _position(page, start), _position(page, start + len(content))


def _position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1)


def content_security_policy(inline_scripts: list[str]) -> str:
    """Only this site's files, and the page's own inline scripts by their hash; WebAssembly
    is allowed for the search index, inline style for the theme and the charts."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8"))
                                                   .digest()).decode("ascii") + "'"
                     for text in inline_scripts})
    return "; ".join([
        "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
        "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
        "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'"]).replace("  ", " ")


_HEAD_RE = re.compile(r"<head\b[^>]*>(\s*<meta\s+charset=[^>]*>)?", re.IGNORECASE)


def with_policy(page: str) -> str:
    """The page with its Content-Security-Policy as the first thing its <head> says (after
    the character set), so that it governs every script after it."""
    return _with_policy(page, scan(page))


def _with_policy(page: str, found_in_page: Scan) -> str:
    found = _HEAD_RE.search(page)
    if found is None:
        return page
    policy = content_security_policy(found_in_page.inline_scripts)
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return page[:found.end()] + meta + page[found.end():]
