"""A postmortem's Markdown narrative as safe HTML.

Python-Markdown, which renders MkDocs pages, passes raw HTML through and checks no link
schemes, so narratives never go through it. They are rendered here from the very parse the
check validated (the same parser, the same whole narrative: a section shown on its own, as
on the lessons page, is cut from the tokens of the whole, so reference definitions resolve
the same everywhere). Raw HTML is shown as text; headings move below the page's own;
incident ids become links at token level (never inside code or an existing link); an image
is shown only when the check published it, at the address hindsite chose; and the result is
cleaned by nh3 against an explicit allowlist with only http and https (or relative) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from hindsite.commonmark import is_safe_link, parse_tokens, parser_options
from hindsite.model import REFERENCE_RE
from hindsite.render.templating import Heading

Resolve = Callable[[str], str | None]
"""Maps an id written in a body (`PM-0007`, `PM-0007/A2`) to its link, or None if unknown."""
ImageLinks = Callable[[str], str | None]
"""Maps an image URL as the narrative wrote it to the link of its published file, or None."""


class _TextForHtml(RendererHTML):
    """Renders raw HTML as the text it is: the check reports it, and no page ever carries it."""

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: Any) -> str:
        return f"<p>{escapeHtml(tokens[idx].content.rstrip())}</p>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                    env: Any) -> str:
        return escapeHtml(tokens[idx].content)


_renderer = _TextForHtml()

HEADINGS = ("h2", "h3", "h4", "h5", "h6")
ALLOWED_TAGS = {"p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
                "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
                *HEADINGS}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
                      "th": {"style"}, "td": {"style"}, **{h: {"id"} for h in HEADINGS}}
URL_SCHEMES = {"http", "https"}
_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Narrative:
    """A narrative's sanitised HTML and its headings, for the page's contents list."""

    html: str
    headings: tuple[Heading, ...]


def render_markdown(text: str, resolve: Resolve, images: ImageLinks, *, shift: int = 1,
                    id_prefix: str = "", lines: tuple[int, int] | None = None) -> str:
    """Sanitised HTML of a narrative (see `narrative`)."""
    return narrative(text, resolve, images, shift=shift, id_prefix=id_prefix, lines=lines).html


def narrative(text: str, resolve: Resolve, images: ImageLinks, *, shift: int = 1,
              id_prefix: str = "", lines: tuple[int, int] | None = None) -> Narrative:
    """Sanitised HTML of a narrative, or of the blocks that start on its `lines` (a section's
    span, 0-based, end excluded); headings move down `shift` levels and get ids that start
    with `id_prefix`, unique within this call. The tokens are the check's own (shared):
    the ones shown differently are copies."""
    tokens = parse_tokens(text)
    if lines is not None:
        tokens = blocks_within(tokens, lines)
    taken: set[str] = set()
    last: dict[str, int] = {}
    found: list[Heading] = []
    for n, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token = tokens[n] = token.copy(tag=f"h{min(int(token.tag[1]) + shift, 6)}")
        if token.type == "heading_open":
            ident = _unique(id_prefix + _slug(tokens[n + 1]), taken, last)
            token.attrs = {**token.attrs, "id": ident}
            found.append(Heading(int(token.tag[1]), ident, _words(tokens[n + 1])))
        elif token.type == "inline" and token.children:
            tokens[n] = token.copy(children=list(_shown_inline(token.children, resolve,
                                                               images)))
    html = _renderer.render(tokens, parser_options(), {})
    return Narrative(clean(html), tuple(found))


def blocks_within(tokens: list[Token], lines: tuple[int, int]) -> list[Token]:
    """The tokens of the top-level blocks that start within `lines`, with all they contain."""
    chosen: list[Token] = []
    inside = False
    for token in tokens:
        if token.level == 0 and token.map is not None:
            inside = lines[0] <= token.map[0] < lines[1]
        if inside:
            chosen.append(token)
    return chosen


def link_references(text: str, resolve: Resolve) -> str:
    """A plain-text field as HTML: escaped, with the known ids in it made links."""
    tokens = list(_split_text(text, resolve))
    return clean(_renderer.renderInline(tokens, parser_options(), {}))


_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                       url_schemes=URL_SCHEMES, filter_style_properties={"text-align"},
                       strip_comments=True, link_rel="noopener noreferrer")
"""Built once: `nh3.clean` builds the same allowlist again on every call, which cost twice
the cleaning itself for the short fields (a timeline entry, a cause's description)."""


def clean(html: str) -> str:
    """Keep only the tags, attributes and URL schemes a narrative may produce."""
    return _CLEANER.clean(html)


def _words(inline: Token) -> str:
    """A heading's text as a reader sees it: its words and code, without the markup."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def _slug(inline: Token) -> str:
    return _SLUG_RE.sub("-", _words(inline).lower()).strip("-") or "section"


def _unique(slug: str, taken: set[str], last: dict[str, int]) -> str:
    """`slug`, or `slug-2`, `slug-3`...; `last` remembers the last number tried for each slug,
    so that ten thousand equal headings cost linear time, not quadratic."""
    candidate, n = slug, last.get(slug, 1)
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    last[slug] = n
    taken.add(candidate)
    return candidate


def _shown_inline(children: list[Token], resolve: Resolve, images: ImageLinks
                  ) -> Iterator[Token]:
    """The inline tokens as they may be shown: each known id in plain text made a link, a
    link with a scheme other than http(s) left without its target, and an image shown only
    from the address of its published file (otherwise its alternative text)."""
    inside_link = 0
    for child in children:
        if child.type == "link_open":
            inside_link += 1
            if not is_safe_link(str(child.attrs.get("href", ""))):
                child = child.copy(attrs={k: v for k, v in child.attrs.items() if k != "href"})
        elif child.type == "link_close":
            inside_link -= 1
        elif child.type == "image":
            yield from _published_image(child, images)
            continue
        if child.type != "text" or inside_link:
            yield child
            continue
        yield from _split_text(child.content, resolve)


def _published_image(image: Token, images: ImageLinks) -> Iterator[Token]:
    address = images(str(image.attrs.get("src", "")))
    if address is None:
        yield _text(image.content)
        return
    yield image.copy(attrs={**image.attrs, "src": address})


def _split_text(text: str, resolve: Resolve) -> Iterator[Token]:
    start = 0
    for match in REFERENCE_RE.finditer(text):
        href = resolve(match.group(0))
        if href is None:
            continue
        if match.start() > start:
            yield _text(text[start:match.start()])
        yield Token("link_open", "a", 1, attrs={"href": href})
        yield _text(match.group(0))
        yield Token("link_close", "a", -1)
        start = match.end()
    if start < len(text):
        yield _text(text[start:])


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)
