"""The MkDocs plugin, through MkDocs' own build of a small site in tmp_path."""

from __future__ import annotations

import gzip
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from hindsite.plugin import HindsitePlugin, search, theme
from hindsite.plugin.theme import compacted

SITE_KB = Path(__file__).resolve().parent / "site_kb"
EPOCH = "1717200000"  # 2024-06-01
PAGES = ["incidents/index.html", "incidents/PM-0001/index.html",
         "incidents/PM-0003/index.html", "causes/index.html",
         "causes/queue-backlog/index.html", "services/index.html",
         "services/checkout/index.html", "teams/index.html", "teams/ops/index.html",
         "action-items/index.html", "insights/index.html", "lessons/index.html",
         "rules/index.html", "fields/index.html", "incidents.json", "feed.xml",
         "assets/hindsite.css"]
MKDOCS_YML = """\
site_name: Test postmortems
docs_dir: docs
site_dir: {site_dir}
theme:
  name: material
  font: false
plugins:
  - search
  - tags
  - hindsite:
      postmortems: kb{extra}
nav:
  - Home: index.md
  - Incidents: incidents/index.md
  - Causes: causes/index.md
  - Action items: action-items/index.md
  - Insights: insights/index.md
  - Lessons: lessons/index.md
  - Services: services/index.md
  - Teams: teams/index.md
  - Rules: rules/index.md
  - Fields: fields/index.md
  - Tags: tags.md
"""
DRAFT_WITHOUT_LESSONS = """\
---
id: PM-0005
title: A draft that lacks a section
status: draft
severity: SEV4
started: 2024-03-01T10:00:00Z
detected: 2024-03-01T10:05:00Z
services: [checkout]
teams: [payments]
impact:
  summary: Nothing much yet.
causes:
  - key: alert-gap
    kind: root
    description: Still being written.
timeline:
  - at: 2024-03-01T10:00:00Z
    kind: trigger
    text: Something happened.
---

## Summary

Being written.

## What happened

Being written.

## Why it happened

Being written.
"""


@pytest.fixture(autouse=True)
def quiet_and_dated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: a copy of the site knowledge base, two docs pages, no mkdocs.yml."""
    shutil.copytree(SITE_KB, tmp_path / "kb")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee the [incidents](incidents/index.md).\n")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    return tmp_path


def site_build(project: Path, site_dir: str = "site", strict: bool = False,
               extra: str = "", nav: bool = True) -> Path:
    config_file = project / "mkdocs.yml"
    text = MKDOCS_YML.format(site_dir=site_dir, extra=extra)
    config_file.write_text(text if nav else text.split("nav:", 1)[0])
    config = load_config(config_file=str(config_file), strict=strict)
    build(config)
    return project / site_dir


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_are_published_at_their_urls(project: Path) -> None:
    site = site_build(project, strict=True)
    for path in PAGES:
        assert (site / path).is_file(), path
    page = (site / "incidents/PM-0003/index.html").read_text()
    assert "<title>PM-0003: Checkout timed out again at the autumn sale - Test postmortems" \
        in page
    assert 'href="#causes"' in page  # the right-hand table of contents
    assert 'href="../../assets/hindsite.css"' in page
    first = json.loads((site / "incidents.json").read_text())["years"][0]["url"]
    assert json.loads((site / first).read_text())["incidents"][0]["id"] == "PM-0001"


def test_incident_pages_stay_out_of_the_navigation(project: Path) -> None:
    site = site_build(project, nav=False)
    home = (site / "index.html").read_text()
    assert "PM-0001" not in home and 'href="incidents/"' in home
    listing = (site / "incidents/index.html").read_text()
    assert listing.count('href="PM-0001/"') == 1  # from the table, not from the navigation


def indexed(site: Path) -> dict[str, str]:
    """What Pagefind indexed, by URL: its fragments are gzipped JSON after a signature."""
    found = {}
    for fragment in (site / "pagefind/fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        record = json.loads(data)
        found[record["url"].removeprefix("/")] = record["content"]
    return found


def test_search_indexes_what_readers_look_for_and_not_the_boilerplate(project: Path) -> None:
    site = site_build(project)
    assert not (site / "search/search_index.json").exists()  # the theme's search is off
    pages = indexed(site)
    assert {"incidents/PM-0003/", "causes/queue-backlog/", "services/checkout/",
            "teams/ops/", "rules/", "fields/", ""} <= set(pages)
    assert not {"incidents/", "causes/", "action-items/", "lessons/", "insights/"} & set(pages)
    text = pages["incidents/PM-0003/"]
    assert text.startswith("PM-0003: Checkout timed out again")
    assert "raised the consumer count to a new fixed number" in text
    assert "Subject: Resolved" not in text and "Executive brief" not in text
    assert not any(url.endswith("/drafts/") for url in pages)  # the drafts stay out
    drafts = (site / "incidents/PM-0003/drafts/index.html").read_text()
    assert "Subject: Resolved: Checkout, 5 May 2023" in drafts
    assert "content.code.copy" in drafts  # the theme's copy button on every draft
    page = (site / "incidents/PM-0003/index.html").read_text()
    assert 'class="hs-search"' in page and "pagefind/pagefind-ui.js" in page
    assert "md-search__input" not in page


def test_nothing_is_written_into_docs_or_the_knowledge_base(project: Path) -> None:
    before = snapshot(project / "docs"), snapshot(project / "kb")
    site_build(project)
    assert (snapshot(project / "docs"), snapshot(project / "kb")) == before


def test_a_warning_fails_a_strict_build(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    (project / "kb/2024/PM-0005-draft.md").write_text(DRAFT_WITHOUT_LESSONS)
    site_build(project, site_dir="lenient")
    assert (project / "lenient/incidents/PM-0005/index.html").is_file()
    caplog.clear()
    with pytest.raises(Abort, match="in strict mode"):
        site_build(project, site_dir="strict", strict=True)
    expected = ("kb/2024/PM-0005-draft.md:1:1: warning HS401 missing section "
                "'## Lessons learned'")
    assert any(expected in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)


def test_an_error_fails_the_build_with_the_diagnostic(project: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = project / "kb/2022/PM-0002-order-queue-disk-full.md"
    path.write_text(path.read_text().replace("services: [order-queue]",
                                             "services: [order-queu]"))
    with pytest.raises(Abort):
        site_build(project)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("PM-0002-order-queue-disk-full.md:" in m and "error HS301" in m
               and "did you mean 'order-queue'" in m for m in errors), errors
    assert any("1 error in the postmortems" in m for m in errors)
    assert not (project / "site/incidents/PM-0002/index.html").exists()


def test_an_unknown_option_is_named(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Abort):
        site_build(project, extra="\n      sugestions: 2")
    message = "\n".join(r.getMessage() for r in caplog.records)
    assert "Plugin 'hindsite' option 'sugestions'" in message
    assert "unknown hindsite option 'sugestions'; did you mean 'suggestions'?" in message


def test_two_builds_are_byte_identical(project: Path) -> None:
    first = snapshot(site_build(project, site_dir="one"))
    second = snapshot(site_build(project, site_dir="two"))
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


class _Fetches(HTMLParser):
    """Every URL the browser would fetch by itself: scripts, styles, fonts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def test_no_page_fetches_anything_from_another_host(project: Path) -> None:
    site = site_build(project)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text()
        parser = _Fetches()
        parser.feed(text)
        for url in parser.urls:
            parts = urlsplit(url)
            assert not parts.netloc and parts.scheme in ("", "data"), (page, url)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_serve_watches_the_postmortems(project: Path) -> None:
    config_file = project / "mkdocs.yml"
    config_file.write_text(MKDOCS_YML.format(site_dir="site", extra=""))
    config = load_config(config_file=str(config_file))
    plugin = config.plugins["hindsite"]
    assert isinstance(plugin, HindsitePlugin)
    plugin.on_config(config)

    class Server:
        watched: list[str] = []

        def watch(self, path: str, *args: Any, **kwargs: Any) -> None:
            self.watched.append(path)

    server = Server()
    plugin.on_serve(server, config=config, builder=None)  # type: ignore[arg-type]
    assert server.watched == [str(project / "kb")]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 8


def add_to_narrative(project: Path, ident: str, markdown: str, files: dict[str, bytes],
                     section: str = "## Lessons learned") -> Path:
    """Insert `markdown` before `section` of a postmortem and write `files` beside it."""
    source = next((project / "kb").rglob(f"{ident}-*.md"))
    for name, data in files.items():
        (source.parent / name).parent.mkdir(parents=True, exist_ok=True)
        (source.parent / name).write_bytes(data)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(section, f"{markdown}\n\n{section}", 1), encoding="utf-8")
    return source


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.urls.append(dict(attrs).get("src") or "")


def images_of(page: Path) -> list[str]:
    """The `src` of every <img> in the page's article."""
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8").split("<article", 1)[1])
    return parser.urls


def test_a_narrative_image_is_published_at_an_address_chosen_from_its_content(
        project: Path) -> None:
    add_to_narrative(project, "PM-0003", "![The queue](images/queue.png)",
                     {"images/queue.png": PNG})
    site = site_build(project, strict=True)
    published = sorted((site / "incidents/PM-0003/images").iterdir())
    assert [p.suffix for p in published] == [".png"]
    assert re.fullmatch(r"[0-9a-f]{20}\.png", published[0].name), published
    assert published[0].read_bytes() == PNG
    assert images_of(site / "incidents/PM-0003/index.html") == [f"images/{published[0].name}"]


def test_image_names_with_spaces_accents_queries_and_escapes_are_shown(project: Path) -> None:
    add_to_narrative(project, "PM-0003", "![a](<images/my chart.png>) ![b](images/größe.jpg) "
                     "![c](images/my%20chart.png?v=1)",
                     {"images/my chart.png": PNG, "images/größe.jpg": JPEG})
    site = site_build(project, strict=True)
    shown = images_of(site / "incidents/PM-0003/index.html")
    assert len(shown) == 3 and shown[0] == shown[2] and shown[0] != shown[1], shown
    for url in shown:
        assert (site / "incidents/PM-0003" / url).is_file(), url


def test_images_in_lessons_are_shown_on_the_lessons_page(project: Path) -> None:
    add_to_narrative(project, "PM-0003", "![chart](images/lesson.png)", {"images/lesson.png": PNG},
                     section="## Lessons learned")
    source = next((project / "kb").rglob("PM-0003-*.md"))
    text = source.read_text(encoding="utf-8")
    head, lessons = text.split("## Lessons learned", 1)
    source.write_text(head.replace("![chart](images/lesson.png)", "") + "## Lessons learned\n\n"
                      "![chart](images/lesson.png)\n" + lessons, encoding="utf-8")
    site = site_build(project, strict=True)
    shown = images_of(site / "lessons/index.html")
    assert len(shown) == 1, shown
    assert (site / "lessons" / shown[0]).read_bytes() == PNG


def test_an_image_path_cannot_replace_a_page_or_an_asset(project: Path) -> None:
    """A real image whose path, read from the incident's page, lands on the site's stylesheet,
    feed and home page: each is published under the incident, and the site's own files stay."""
    source = next((project / "kb").rglob("PM-0003-*.md"))
    deeper = source.parent / "autumn" / source.name
    deeper.parent.mkdir()
    source.rename(deeper)
    for name in ("assets/hindsite.css", "feed.xml", "index.html"):
        (project / "kb" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "kb" / name).write_bytes(PNG)
    text = deeper.read_text(encoding="utf-8")
    deeper.write_text(text.replace("## Lessons learned", "![a](../../assets/hindsite.css) "
                                   "![b](../../feed.xml) ![c](../../index.html)\n\n"
                                   "## Lessons learned", 1), encoding="utf-8")
    site = site_build(project, strict=True)
    assert (site / "assets/hindsite.css").read_bytes() != PNG
    assert (site / "feed.xml").read_bytes().startswith(b"<?xml")
    assert b"<html" in (site / "index.html").read_bytes()
    assert [p.read_bytes() for p in (site / "incidents/PM-0003/images").iterdir()] == [PNG]


def test_a_svg_image_is_published_without_comments_or_processing_instructions(
        project: Path) -> None:
    svg = (b'<?xml version="1.0"?>\n<?xml-stylesheet href="https://evil.example/s.css"?>\n'
           b'<!-- a comment --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">'
           b'<rect width="4" height="4" fill="teal"/></svg>')
    add_to_narrative(project, "PM-0003", "![q](images/q.svg)", {"images/q.svg": svg})
    site = site_build(project, strict=True)
    (published,) = (site / "incidents/PM-0003/images").iterdir()
    text = published.read_text(encoding="utf-8")
    assert published.suffix == ".svg" and "<rect" in text and 'fill="teal"' in text
    assert "evil" not in text and "comment" not in text


def test_a_file_that_is_not_an_image_stops_the_build(project: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    (project / "kb/PM-0009.markdown").write_text("<script>alert(document.domain)</script>\n")
    add_to_narrative(project, "PM-0003", "![c](../PM-0009.markdown)", {})
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        site_build(project, strict=True)
    assert "HS407" in caplog.text
    assert not (project / "site/incidents/PM-0009").exists()


def test_reference_definitions_resolve_the_same_on_every_page(project: Path) -> None:
    """The first definition of [r] is a local image; a second one, in the lessons, is remote.
    The check reads the first; so must every page, the lessons page included."""
    source = add_to_narrative(project, "PM-0003", "[r]: images/ok.png",
                              {"images/ok.png": PNG})
    with source.open("a", encoding="utf-8") as out:
        out.write("\n![chart][r]\n\n[r]: https://evil.example/x.png\n")
    site = site_build(project, strict=True)
    for page in sorted(site.rglob("*.html")):
        parser = _Fetches()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not [u for u in parser.urls if urlsplit(u).netloc], page
        assert "evil.example" not in page.read_text(encoding="utf-8"), page
    (shown,) = images_of(site / "lessons/index.html")
    assert (site / "lessons" / shown).read_bytes() == PNG


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>",
                                    '<img src="https://evil.example/x.png">',
                                    '<a href="#" onclick="alert(1)">x</a>'])
def test_a_docs_page_with_script_or_a_remote_resource_stops_the_build(
        project: Path, markup: str, caplog: pytest.LogCaptureFixture) -> None:
    (project / "docs/index.md").write_text(f"# Home\n\n{markup}\n")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        site_build(project)
    assert "index.md: line" in caplog.text
    assert not (project / "site/index.html").exists()


def test_a_generated_page_is_checked_before_it_is_written(
        project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Were a renderer ever to let script through, the page would stop the build."""
    import hindsite.plugin

    real = hindsite.plugin.render_contents

    def with_handler(*args: Any) -> tuple[str, Any]:
        body, found = real(*args)
        return body.replace("</h2>", '</h2><img src="x.png" onerror="alert(1)">', 1), found

    monkeypatch.setattr(hindsite.plugin, "render_contents", with_handler)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        site_build(project)
    assert "event handler onerror" in caplog.text


def test_every_page_carries_a_content_security_policy(project: Path) -> None:
    site = site_build(project, strict=True)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert head.count('http-equiv="Content-Security-Policy"') == 1, page
        policy = head.split('http-equiv="Content-Security-Policy" content="', 1)[1]
        assert policy.startswith("default-src 'self'; script-src 'self' "), page


def test_the_build_log_cannot_be_forged_by_a_value(project: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    source = next((project / "kb").rglob("PM-0003-*.md"))
    text = source.read_text(encoding="utf-8")
    options = ('options:\n  - title: "A\\n::error file=README.md::forged"\n    cost: low\n'
               '    risk: low\n    recommended: true\n  - title: B\n    cost: low\n'
               '    risk: low\n    recommended: true\n')
    head, rest = text.split("options:\n", 1)
    source.write_text(head + options + "---" + rest.split("---", 1)[1], encoding="utf-8")
    with caplog.at_level(logging.INFO), pytest.raises(Abort):
        site_build(project)
    assert "::error file=README.md::forged" in caplog.text
    assert all("\n" not in record.getMessage() for record in caplog.records)


def test_the_theme_s_blank_lines_go_and_the_content_and_preformatted_text_stay() -> None:
    content = "<p>a\n\n   b</p><pre>x\n\n    y</pre>"
    page = ("<html>\n\n    <head>\n  <script>var a = 1;\n\n  var b;</script>\n</head>\n"
            "<body>\n      <nav>\n\n  <a href=x>\n    Home\n  </a>\n</nav>\n  "
            f"<article>{content}</article>\n   <pre>1\n\n  2</pre>\n\n</body>\n</html>\n")
    assert compacted(page, content) == (
        "<html>\n<head>\n<script>var a = 1;\n\n  var b;</script>\n</head>\n<body>\n<nav>\n"
        f"<a href=x>\nHome\n</a>\n</nav>\n<article>{content}</article>\n<pre>1\n\n  2</pre>\n"
        "</body>\n</html>\n")


def test_a_built_page_carries_no_runs_of_blank_lines_outside_its_content(project: Path) -> None:
    site = site_build(project)
    page = (site / "incidents/PM-0003/index.html").read_text()
    chrome = re.sub(r"<(script|pre|article)\b.*?</\1>", "<x>", page, flags=re.DOTALL)
    assert not re.search(r"\n\s*\n", chrome)
    assert "raised the consumer count to a new fixed number" in page


def test_the_navigation_kept_for_pages_out_of_it_is_the_one_the_theme_writes(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = snapshot(site_build(project, site_dir="kept"))
    calls = iter(range(10**6))
    monkeypatch.setattr(theme, "_addresses", lambda nav, config: [f"x{next(calls)}/"])
    each = snapshot(site_build(project, site_dir="each"))
    assert kept.keys() == each.keys()
    assert [name for name in kept if kept[name] != each[name]] == []
    assert next(calls) > 20  # the second build rendered the navigation for every page
    assert all(content for name, content in kept.items() if name.startswith("pagefind/"))


def test_a_bundle_is_whole_only_when_every_file_is_written_in_full(tmp_path: Path) -> None:
    (tmp_path / "fragment").mkdir()
    packed = gzip.compress(b"pagefind_dcd" + b"x" * 5000)
    (tmp_path / "fragment/a.pf_fragment").write_bytes(packed)
    (tmp_path / "pagefind-entry.json").write_text('{"version": "1"}')
    (tmp_path / "pagefind.js").write_text("var a;")
    assert search.whole(tmp_path)
    (tmp_path / "fragment/a.pf_fragment").write_bytes(packed[:-20])
    assert not search.whole(tmp_path)
    (tmp_path / "fragment/a.pf_fragment").write_bytes(packed)
    (tmp_path / "pagefind.js").write_text("")
    assert not search.whole(tmp_path)
    (tmp_path / "pagefind.js").write_text("var a;")
    (tmp_path / "pagefind-entry.json").write_text('{"version": ')
    assert not search.whole(tmp_path)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc on this system")
def test_a_bundle_a_process_still_writes_to_is_not_written(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import sys; f = open(sys.argv[1], 'w'); "
                               "sys.stdin.read()", str(tmp_path / "a.js")],
                              stdin=subprocess.PIPE)
    try:
        while not (tmp_path / "a.js").exists():
            time.sleep(0.01)
        assert search.writing(tmp_path, holder.pid)
        assert not search.writing(tmp_path / "elsewhere", holder.pid)
    finally:
        holder.communicate(b"")
    assert not search.writing(tmp_path, holder.pid)
