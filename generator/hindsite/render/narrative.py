"""A postmortem's Markdown narrative as safe HTML.

Python-Markdown, which renders MkDocs pages, passes raw HTML through and checks no link
schemes, so narratives never go through it. They are rendered here with markdown-it-py with
raw HTML off, headings demoted below the page's own, incident ids turned into links at token
level (never inside code or an existing link), and the result cleaned by nh3 against an
explicit allowlist with only http and https (or relative) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from hindsite.validate.body import REFERENCE_RE

Resolve = Callable[[str], str | None]
"""Maps an id written in a body (`PM-0007`, `PM-0007/A2`) to its link, or None if unknown."""

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_inline = RendererHTML()

HEADINGS = ("h2", "h3", "h4", "h5", "h6")
ALLOWED_TAGS = {"p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote",
                "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
                *HEADINGS}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
                      "th": {"style"}, "td": {"style"}, **{h: {"id"} for h in HEADINGS}}
URL_SCHEMES = {"http", "https"}
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def render_markdown(text: str, resolve: Resolve, *, shift: int = 1, id_prefix: str = "") -> str:
    """Sanitised HTML of a narrative; headings move down `shift` levels and get ids that start
    with `id_prefix`, unique within this call."""
    tokens = _parser.parse(text)
    taken: set[str] = set()
    for n, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        if token.type == "heading_open":
            token.attrSet("id", _unique(id_prefix + _slug(tokens[n + 1]), taken))
        elif token.type == "inline" and token.children:
            token.children = list(_with_reference_links(token.children, resolve))
    html = _parser.renderer.render(tokens, _parser.options, {})
    return clean(html)


def link_references(text: str, resolve: Resolve) -> str:
    """A plain-text field as HTML: escaped, with the known ids in it made links."""
    tokens = list(_split_text(text, resolve))
    return clean(_inline.renderInline(tokens, _parser.options, {}))


def clean(html: str) -> str:
    """Keep only the tags, attributes and URL schemes a narrative may produce."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, filter_style_properties={"text-align"},
                     strip_comments=True, link_rel="noopener noreferrer")


def _slug(inline: Token) -> str:
    words = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
    return _SLUG_RE.sub("-", words.lower()).strip("-") or "section"


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate


def _with_reference_links(children: list[Token], resolve: Resolve) -> Iterator[Token]:
    """The inline tokens, with each known id in plain text made a link."""
    inside_link = 0
    for child in children:
        if child.type == "link_open":
            inside_link += 1
        elif child.type == "link_close":
            inside_link -= 1
        if child.type != "text" or inside_link:
            yield child
            continue
        yield from _split_text(child.content, resolve)


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
