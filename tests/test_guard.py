"""The last line of defence: what a page may not carry, and the policy added to each page."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hindsite import guard
from hindsite.guard import (
    content_security_policy,
    full_scan,
    guarded_page,
    page_problems,
    quick_scan,
    tag_problems,
    with_policy,
)
from hindsite.inert import TAGS, TEXT, WORDS, inert_run_end

PAGE = """<!doctype html><html><head>
<meta charset="utf-8">
<title>t</title>
<script>var theme = 1;</script>
<script src="../assets/javascripts/bundle.js"></script>
<link rel="stylesheet" href="../assets/hindsite.css">
</head><body><article>{content}</article>
<a href="https://tracker.example.com/OPS-1">a link to read is not fetched</a>
</body></html>"""


@pytest.mark.parametrize("content", [
    "<script>alert(1)</script>",
    '<script src="x.js"></script>',
    '<p onclick="alert(1)">x</p>',
    '<svg><rect onload="alert(1)"/></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JavaScript:alert(1)">x</a>',
    '<img src="https://evil.example/x.png">',
    '<img src="//evil.example/x.png">',
    '<img srcset="a.png 1x, https://evil.example/x.png 2x">',
    '<link rel="stylesheet" href="https://evil.example/s.css">',
    '<div style="background: url(https://evil.example/x.png)">x</div>',
    "<style>@import 'https://evil.example/s.css';</style>",
    '<svg><image href="https://evil.example/x.png"/></svg>',
    '<iframe src="../x/"></iframe>',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<base href="https://evil.example/">',
])
def test_a_page_that_runs_script_or_fetches_elsewhere_is_refused(content: str) -> None:
    page = PAGE.format(content=content)
    assert page_problems(page, content), content


def test_the_theme_s_own_scripts_and_local_files_pass() -> None:
    content = ('<p>Text <a href="../x/">x</a> <img src="images/0a.png" alt="a"> '
               '<img src="data:image/png;base64,AA" alt="b"></p><svg><use href="#a"/></svg>')
    assert page_problems(PAGE.format(content=content), content) == []


def test_the_policy_allows_the_page_s_inline_scripts_by_hash_and_nothing_else() -> None:
    page = with_policy(PAGE.format(content="<p>x</p>"))
    head = page.split("<title>", 1)[0]
    assert head.count("Content-Security-Policy") == 1
    policy = content_security_policy(["var theme = 1;"])
    assert f'content="{policy}"' in head
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("content", ["<p>x</p>", "<script>alert(1)</script>",
                                     '<p onclick="alert(1)">x</p>'])
def test_one_reading_gives_the_problems_and_the_policy(content: str) -> None:
    page = PAGE.format(content=content)
    problems, guarded = guarded_page(page, content)
    assert guarded == with_policy(page)
    assert problems == page_problems(page, content)
    assert all("in the page's content" in problem for problem in problems)


PIECES = ["<p>", "</p>", "<a href=\"../x/\">", "</a>", "<img src=\"images/0a.png\" alt=a>",
          "<script>var a = '<b>';</script>", "<script src=\"x.js\"></script>", "<SCRIPT>x",
          "</script >", "<style>p { color: red }</style>", "<style>@import 'https://e.x/s';",
          "</style>", "<!-- c -->", "<!-- <script>x</script> -->", "<!doctype html>",
          "<![CDATA[x]]>", "<?xml?>", "<", ">", "&", "&lt;", "&#x6a;", "text", "\n",
          "<p onclick=\"x\">", "<a href=\"&#x6a;avascript:x\">", "<a href='javascript:x'>",
          "<img src=//e.x/a.png>", "<div style=\"background:url(https://e.x/a)\">",
          "<iframe>", "<br/>", "<script/>", "<style/>", "<p title=\"a>b\">", "<p\n class=x>",
          "<p class=\"x\"/ >", "<a b='c\"d'>", "</ div>", "</>", "</x y=\">\">", "<p =x>",
          "<svg><use href=\"#a\"/></svg>", "<link rel=icon href=https://e.x/i>", "<p",
          "<meta http-equiv=Refresh content=0>", "<x onerror>", "<input value=\"\"/>"]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES), max_size=14),
       cut=st.tuples(st.integers(0, 14), st.integers(0, 14)))
def test_the_quick_reading_is_html_parser_s_or_gives_way(parts: list[str],
                                                         cut: tuple[int, int]) -> None:
    html = "".join(parts)
    start = len("".join(parts[:min(cut)]))
    content = (start, len("".join(parts[:max(cut)])))
    quick = quick_scan(html, content)
    if quick is not None:
        assert quick == full_scan(html, content)
        assert quick.problems == []


@settings(max_examples=300, deadline=None)
@given(html=st.text(alphabet="<>/!-=\"' \nabcdeilmnoprstyvj:&#;x", max_size=60))
def test_the_quick_reading_agrees_on_any_markup(html: str) -> None:
    quick = quick_scan(html)
    assert quick is None or quick == full_scan(html)


def test_an_ordinary_page_is_read_quickly() -> None:
    content = '<p>Text <a href="../x/">x</a> <img src="images/0a.png" alt="a"></p>'
    page = PAGE.format(content=content)
    quick = quick_scan(page)
    assert quick is not None and quick == full_scan(page)
    assert quick.inline_scripts == ["var theme = 1;"]


def test_a_tooltip_that_reads_like_a_script_url_is_text() -> None:
    content = '<a href="../x/" title="javascript:alert(1)">PM-1</a>'
    assert page_problems(PAGE.format(content=content), content) == []
    content = '<a href="javascript:alert(1)" title="x">PM-1</a>'
    assert page_problems(PAGE.format(content=content), content) != []


def test_no_plain_tag_or_attribute_is_one_the_guard_looks_at() -> None:
    """The quick reading passes over plain tags without reading them (`hindsite.inert`): were
    the guard to look at one of these names, the plain shapes would have to leave it out."""
    plain = ("", "x", "../x/", "#a", "a b", "https://e.x/a.png", "x:y")
    for tag in TAGS:
        for name in WORDS | TEXT | {"data-x", "aria-x"}:
            shown = ("javascript:x", " vbscript:x", "url(https://e.x/a)") if name in TEXT else ()
            for value in plain + shown:
                assert tag_problems(tag, {name: value}) == [], (tag, name, value)


PLAIN = ['<a href="../x/">', '<a href="">', '<a href="javascript:x">', '<a href="Vbscript:x">',
         '<a href=" javascript:x">', '<a href="&#106;avascript:x">', '<a href="java\tscript:x">',
         '<a href="\x01javascript:x">', '<a title="javascript:x">', '<a title="a &amp; b">',
         '<a title="</a>">', '<td data-label="x">', '<td data-x="javascript:x">',
         '<span class="a b">', '<input checked/>', '<br/>', '<br />', '<p class="x" >',
         '<p class="x"/ >', '<p class="x"class="y">', '<p  class="x">', "<p class='x'>",
         '<p class=x>', '<p class="\x0bx">', '<p class="x\xa0y">', '<p class="a" \xa0>',
         '<p classx="y">', '<a xtitle="javascript:x">', '<p class="x" onclick="y">',
         '<A HREF="x">', '<abbr title="\uff2a">',
         '<img src="x.png">', '<image href="https://e.x/a">', '<path d="M0 0"/>',
         '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">', '<title>', '</title>',
         '<style>', '</style>', '<script>', '</script>', '<textarea>', '</ a>', '</a>', '</',
         '<!-- c -->', "<!--", "-->", "text", "<", ">", '"', "'", "=", " ", "\n", "\x00"]


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.sampled_from(PLAIN), max_size=14),
       cut=st.tuples(st.integers(0, 14), st.integers(0, 14)))
def test_passing_over_plain_markup_changes_nothing_the_quick_reading_finds(
        parts: list[str], cut: tuple[int, int]) -> None:
    html = "".join(parts)
    content = (len("".join(parts[:min(cut)])), len("".join(parts[:max(cut)])))
    passing_over = quick_scan(html, content)
    with patch.object(guard, "inert_run_end", lambda html, start: start):
        assert passing_over == quick_scan(html, content), html
    assert passing_over is None or passing_over == full_scan(html, content), html


def test_a_run_of_plain_markup_is_passed_over_in_one_step() -> None:
    html = '<li class="md-nav__item"><a href="../x/" title="PM-1">PM-1 &amp; 2</a></li><p>'
    assert inert_run_end(html, 0) == len(html)
    for unread in ('<a href="javascript:x">', '<a xtitle="javascript:x">', '<a class=x>'):
        assert inert_run_end(unread, 0) == 0, unread
