"""The last line of defence: what a page may not carry, and the policy added to each page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hindsite.guard import (
    content_security_policy,
    full_scan,
    guarded_page,
    page_problems,
    quick_scan,
    with_policy,
)

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
