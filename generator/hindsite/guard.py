"""The last line of defence: every page is read back before it is written.

Validation and sanitising keep postmortem text inert; this module does not trust them. A
page's content (what hindsite or Markdown rendered) may carry no script at all; the whole
page may carry no event handler, no `javascript:` URL, no frame or plugin, and nothing
fetched from another host. The theme's own inline scripts are the only script there is, and
the Content-Security-Policy added to each page allows exactly those (by hash), the site's
own files, and nothing else, so that a script that got in anyway would not run.

Pages are read as html.parser reads them. Its event loop costs about 10 ms per themed page;
`quick_scan` follows the same patterns tag by tag, remembering the theme's tags it has seen,
in a quarter of the time, passing over runs of plain markup in one step (`hindsite.inert`),
and gives way to html.parser wherever the two could differ and wherever there is a problem
to locate (a test holds the two to the same result). Where html.parser and a browser part
ways (`hindsite.misreading`), the page is refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import parser as html_parser
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hindsite.inert import inert_run_end
from hindsite.misreading import TEXT_ONLY, comment_misread, script_url, start_tag_misread

RESOURCE_ATTRIBUTES = ("src", "srcset", "poster", "data", "background", "imagesrcset")
FETCHED_LINKS = frozenset({"stylesheet", "icon", "preload", "prefetch", "modulepreload",
                           "manifest", "preconnect", "dns-prefetch", "apple-touch-icon",
                           "shortcut", "mask-icon"})
SVG_REFERENCES = frozenset({"image", "use", "feimage", "script"})
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet",
                                "portal", "base"})
TEXT_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder"})
"""Attributes a browser only shows or reads aloud, never follows: an incident titled
`javascript:x` is text in a link's tooltip."""
_HTML_PARSER = vars(html_parser)
"""html.parser's own patterns (its type stubs do not declare them), so that the quick reading
finds tags and attributes exactly where html.parser does."""
_START_TAG_OPEN: re.Pattern[str] = _HTML_PARSER["starttagopen"]
_START_TAG_END: re.Pattern[str] = _HTML_PARSER["locatestarttagend_tolerant"]
_TAG_NAME: re.Pattern[str] = _HTML_PARSER["tagfind_tolerant"]
_ATTRIBUTE: re.Pattern[str] = _HTML_PARSER["attrfind_tolerant"]
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
Offsets = tuple[int, int]
"""From one index of a page's text to another, end excluded."""


class _Reader(HTMLParser):
    """Reads a page once; `content` is where the page's content lies in it, if anywhere."""

    def __init__(self, content: Span | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self.script: list[str] | None = None
        self.style: list[str] | None = None
        self.text_only: str | None = None
        self.content = content

    def _in_content(self) -> bool:
        return self.content is not None and self.content[0] <= self.getpos() < self.content[1]

    def _problem(self, what: str) -> None:
        line, col = self.getpos()
        where = " (in the page's content)" if self._in_content() else ""
        self.scan.problems.append(f"line {line}, column {col + 1}: {what}{where}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")  # a browser keeps the first
        self._markup(f"<{tag}>")
        if misread := start_tag_misread(self.get_starttag_text() or ""):
            self._problem(f"<{tag}> has {misread}")
        if tag in TEXT_ONLY:
            self.text_only = tag
        if tag == "script":
            self._script(values)
        elif tag == "style":
            self.style = []
        for what in tag_problems(tag, values):
            self._problem(what)

    handle_startendtag = handle_starttag

    def _markup(self, what: str) -> None:
        if self.text_only is not None:
            self._problem(f"{what} inside <{self.text_only}>, which a browser reads as text")

    def handle_comment(self, data: str) -> None:
        self._markup("a comment")
        if comment_misread(data):
            self._problem("a comment a browser ends before html.parser does")

    def unknown_decl(self, data: str) -> None:
        self._markup(f"<![{data[:20]}")
        if ">" in data:
            self._problem("a <![ section with '>' in it, where a browser ends it")

    def handle_pi(self, data: str) -> None:
        self._markup("<?")

    def _script(self, values: dict[str, str]) -> None:
        if self._in_content():
            self._problem("<script>")
        line, col = self.getpos()
        self.scan.scripts.append(f"line {line}, column {col + 1}: <script>")
        if "src" not in values:
            self.script = []

    def _css(self, text: str, where: str) -> None:
        for what in css_problems(text, where):
            self._problem(what)

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
            if "<" in (text := "".join(self.style)):  # markup to a browser in SVG or MathML
                for what in full_scan(text).problems:
                    self._problem(f"in a <style>: {what}")
            self.style = None
        elif tag == self.text_only:
            self.text_only = None


def tag_problems(tag: str, values: dict[str, str]) -> list[str]:
    """What is wrong with one start tag, by its name and attributes (as html.parser reads
    them); empty when nothing."""
    found = []
    if tag in FORBIDDEN_ELEMENTS:
        found.append(f"<{tag}> element")
    if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
        found.append("<meta http-equiv=refresh>")
    for name, value in values.items():
        if name.startswith("on"):
            found.append(f"event handler {name} on <{tag}>")
        elif name not in TEXT_ATTRIBUTES and script_url(name, value):
            found.append(f"script URL in {name} of <{tag}>")
        elif _loads_remote(tag, name, value, values):
            found.append(f"<{tag} {name}> loads {value[:80]!r} from another host")
        elif name == "style":
            found += css_problems(value, f"style of <{tag}>")
    return found


def css_problems(text: str, where: str) -> list[str]:
    return [f"{where} loads {target[:80]!r} from another host"
            for match in _CSS_URL_RE.finditer(text)
            if _remote(target := match.group(1) or match.group(2) or "")]


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


def scan(html: str, content: Offsets | None = None) -> Scan:
    """What `html` would make a browser run or fetch: read by `guard_fast` when the page is
    plain markup without a problem, else (or to say where a problem is) by html.parser."""
    quick = quick_scan(html, content)
    return quick if quick is not None else full_scan(html, content)


def full_scan(html: str, content: Offsets | None = None) -> Scan:
    """The page read by html.parser, event by event: the reference `quick_scan` follows."""
    reader = _Reader(None if content is None else (_position(html, content[0]),
                                                   _position(html, content[1])))
    try:
        reader.feed(html)
        reader.close()
    except AssertionError as error:  # a marked section html.parser cannot read
        reader._problem(f"markup html.parser cannot read: {error}")
    if (nul := html.find("\0")) >= 0:
        line, col = _position(html, nul)
        reader.scan.problems.append(f"line {line}, column {col + 1}: a NUL character")
    return reader.scan


_COMMENT_END = re.compile(r"--\s*>")
_RAW_TEXT_END = {name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE)
                 for name in HTMLParser.CDATA_CONTENT_ELEMENTS}
_TEXT_END = {name: re.compile(rf"</{name}[\t\n\r\f ]*>", re.IGNORECASE) for name in TEXT_ONLY}


def quick_scan(html: str, content: Offsets | None = None) -> Scan | None:
    """`full_scan`'s result for a page of ordinary markup without a problem, found with
    html.parser's own patterns tag by tag instead of its event loop (ten times faster); None
    wherever the two could differ (a problem to locate, an unfinished or bogus tag, a
    declaration other than the doctype), and html.parser reads the page instead."""
    if "\0" in html:
        return None
    found, i = Scan(), 0
    while (i := html.find("<", i)) >= 0:
        if (run := inert_run_end(html, i)) > i:
            i = run
        elif _START_TAG_OPEN.match(html, i):
            i = _quick_tag(html, i, content, found)
        elif html.startswith("</", i):
            i = html.find(">", i + 1) + 1 or -1
        elif html.startswith("<!--", i):
            end = _COMMENT_END.search(html, i + 4)
            i = end.end() if end and not comment_misread(html[i + 4:end.start()]) else -1
        elif html[i:i + 9].lower() == "<!doctype":
            i = html.find(">", i + 9) + 1 or -1
        elif i + 1 < len(html) and html[i + 1] not in "!?":
            i += 1
        else:
            i = -1
        if i < 0:
            return None
    return found


def _quick_tag(html: str, i: int, content: Offsets | None, found: Scan) -> int:
    """Read the start tag at `i` (and a script's or style's text after it) into `found`, as
    html.parser would; where reading goes on, or -1 if html.parser must read the page."""
    after = _START_TAG_END.match(html, i)
    assert after is not None  # the pattern matches any "<" + letter
    end = after.end() + (1 if html.startswith(">", after.end()) else
                         2 if html.startswith("/>", after.end()) else -len(html))
    tag = _start_tag(html[i:end]) if end > i else None
    if tag is None:
        return -1
    name, closed, has_src = tag
    if name in TEXT_ONLY:
        after_text = html.find("<", end)
        return end if after_text >= 0 and _TEXT_END[name].match(html, after_text) else -1
    if name not in _RAW_TEXT_END:
        return end
    stop = _RAW_TEXT_END[name].search(html, end)
    if closed or stop is None or (name == "script" and content and
                                  content[0] <= i < content[1]):
        return -1
    text = html[end:stop.start()]
    if name == "style" and (css_problems(text, "") or "<" in text):
        return -1
    if name == "script":
        line, col = _position(html, i)
        found.scripts.append(f"line {line}, column {col + 1}: <script>")
        if not has_src:
            found.inline_scripts.append(text)
    return stop.end()


@lru_cache(maxsize=8192)
def _start_tag(text: str) -> tuple[str, bool, bool] | None:
    """A whole start tag's name, whether it closes itself and whether it has a src, read as
    `HTMLParser.parse_starttag` reads it; None if it has a problem or would be read as text."""
    name = _TAG_NAME.match(text, 1)
    assert name is not None
    k, values = name.end(), dict[str, str]()
    while k < len(text) and (m := _ATTRIBUTE.match(text, k)):
        attr, rest, value = m.group(1, 2, 3)
        if rest and value[:1] in "'\"" and len(value) > 1 and value[-1:] == value[:1]:
            value = value[1:-1]
        values.setdefault(attr.lower(), unescape(value) if rest and value else "")
        k = m.end()
    tag = name.group(1).lower()
    if (text[k:].strip() not in (">", "/>") or tag_problems(tag, values)
            or start_tag_misread(text)):
        return None
    return tag, text[k:].strip() == "/>", "src" in values


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


def _span(page: str, content: str) -> Offsets | None:
    """Where `content` lies in `page`, if it is there verbatim."""
    start = page.find(content) if content else -1
    return None if start < 0 else (start, start + len(content))


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
