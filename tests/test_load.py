"""The loader against the hazards of PyYAML and of the files people write.

Expected problems are stated as `(line, col, code)`, 1-based as an editor shows them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.meta import YAML_RE, get_data

import hindsite.compose
import hindsite.load
from hindsite.config import Settings
from hindsite.diagnostics import Diagnostic
from hindsite.load import display_path, load_document, load_yaml_file
from hindsite.pipeline import run_check

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid-minimal/postmortems/2021/PM-0001-orders-not-emailed.md").read_text(
    encoding="utf-8")
CATALOG = (FIXTURES / "valid-minimal/postmortems/catalog.yml").read_text(encoding="utf-8")
FILE = "postmortems/2021/PM-0001-orders-not-emailed.md"


def where(problems: list[Diagnostic]) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.code) for d in problems]


def load(tmp_path: Path, content: str | bytes) -> tuple[object, list[Diagnostic]]:
    path = tmp_path / "PM-0001-x.md"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return load_document(path)


def front(yaml_text: str) -> str:
    return f"---\n{yaml_text}---\nbody\n"


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes,
          catalog: str = CATALOG):
    """The whole check of a knowledge base of one postmortem (the valid fixture, edited)."""
    (tmp_path / "postmortems/2021").mkdir(parents=True, exist_ok=True)
    (tmp_path / "postmortems/catalog.yml").write_text(catalog, encoding="utf-8")
    (tmp_path / FILE).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    return run_check(Settings(base=Path(".")))


def edited(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


# ------------------------------------------------------------------------ aliases, nesting

LAUGHS = "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10 if n else ["lol"] * 10) + "]\n"
                 for n in range(10))


def test_billion_laughs_is_refused_before_anything_walks_it(tmp_path: Path) -> None:
    start = time.process_time()
    doc, problems = load(tmp_path, front(LAUGHS))
    elapsed = time.process_time() - start

    assert doc is None
    assert [d.code for d in problems] == ["HS106"]
    assert elapsed < 0.5


def test_billion_laughs_in_the_catalog_and_through_the_whole_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = time.process_time()
    result = check(tmp_path, monkeypatch, edited("---\n\n## Summary", LAUGHS + "---\n\n## Summary"),
                   catalog=CATALOG + LAUGHS)
    elapsed = time.process_time() - start

    assert [(d.path, d.code) for d in result.diagnostics] == [
        (FILE, "HS106"), ("postmortems/catalog.yml", "HS106")]
    assert elapsed < 1.0


def test_a_few_aliases_are_read_as_copies(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, front("a: &x {k: [1, 2]}\nb: *x\n"))

    assert problems == []
    assert doc.data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}  # type: ignore[attr-defined]


DEEP = r'''
import sys
import time
from pathlib import Path

import yaml

import hindsite.compose
import hindsite.load as load

if sys.argv[1] == "pure-python":
    hindsite.compose.Loader = yaml.SafeLoader
cases = {
    "unclosed": "services: " + "[" * 30000,
    "closed": "services: " + "[" * 30000 + "]" * 30000,
    "mappings": "services: " + "{a: " * 30000,
    "sequences": "- " * 30000 + "x",
}
for name, value in cases.items():
    path = Path(sys.argv[2]) / f"{name}.md"
    path.write_text("---\n" + value + "\n---\nbody\n", encoding="utf-8")
    start = time.process_time()
    doc, problems = load.load_document(path)
    elapsed = time.process_time() - start
    print(name, doc is None, elapsed < 1.0, *[(d.line, d.code) for d in problems])
'''


PYYAML_RELEASES = ["6.0.3", "6.0.4"]  # 6.0.4's libyaml stops deep nesting itself; 6.0.3's does not


@pytest.fixture(scope="session")
def pyyaml_release_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each PyYAML release this test pins, installed once into a folder of its own."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hindsite-tests"
    dirs = {}
    for release in PYYAML_RELEASES:
        target = cache / f"PyYAML-{release}"
        if not (target / "yaml" / "__init__.py").is_file():
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                            "--disable-pip-version-check", "--target", str(target),
                            f"PyYAML=={release}"], check=True, timeout=300)
        dirs[release] = target
    return dirs


@pytest.mark.parametrize("release", PYYAML_RELEASES)
@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
def test_deep_nesting_is_refused_alike_by_every_pyyaml_release(
        tmp_path: Path, pyyaml_release_dirs: dict[str, Path], release: str, loader: str) -> None:
    """hindsite's answer must not depend on which PyYAML a fresh install happens to get."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(pyyaml_release_dirs[release]), os.environ.get("PYTHONPATH", "")]))
    check = "import yaml, sys; assert yaml.__version__ == sys.argv[1], yaml.__version__; "
    assert subprocess.run([sys.executable, "-c", check, release], env=env).returncode == 0
    run = subprocess.run([sys.executable, "-c", DEEP, loader, str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=60)

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "unclosed True True (2, 'HS107')",
        "closed True True (2, 'HS107')",
        "mappings True True (2, 'HS107')",
        "sequences True True (2, 'HS107')",
    ]


def test_nesting_too_deep_points_at_the_first_collection_past_the_limit(tmp_path: Path) -> None:
    assert hindsite.compose.MAX_DEPTH == 64
    _, problems = load(tmp_path, front("- " * 100 + "x\n"))

    assert where(problems) == [(2, 2 * 64 + 1, "HS107")]


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, front("a: " + "[" * 40 + "x" + "]" * 40 + "\n"))

    assert problems == []
    value = doc.data["a"]  # type: ignore[attr-defined]
    for _ in range(40):
        value = value[0]
    assert value == "x"


# ------------------------------------------------------------------------ duplicate keys

@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\nb: 2\na: 3\n", [(4, 1, "HS103")]),
    ("a:\n  - k: 1\n    k: 2\n", [(4, 5, "HS103")]),
    ("a: {k: 1, j: 2, k: 3}\n", [(2, 17, "HS103")]),
    ("a: 1\na: 2\na: 3\n", [(3, 1, "HS103"), (4, 1, "HS103")]),
    ("'a': 1\n\"a\": 2\n", [(3, 1, "HS103")]),
])
def test_a_duplicated_key_is_reported_at_its_second_occurrence(
        tmp_path: Path, text: str, expected: list[tuple[int, int, str]]) -> None:
    _, problems = load(tmp_path, front(text))

    assert where(problems) == expected
    assert all(d.related and (d.related[0].line, d.related[0].col) < (d.line, d.col)
               for d in problems)


def test_the_duplicate_of_a_mapping_leaves_the_positions_of_the_kept_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = edited("impact:\n  summary: Some orders were not sent.",
                  "impact:\n  summary: Some orders were not sent, by human error.\n"
                  "impact:\n  summary: Some orders.")

    result = check(tmp_path, monkeypatch, text)

    assert where(result.diagnostics) == [(12, 42, "HS601"), (13, 1, "HS103")]


def test_a_duplicated_key_in_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yml"
    path.write_text(CATALOG.replace("causes:\n", "teams: []\ncauses:\n"), encoding="utf-8")

    _, _, problems = load_yaml_file(path)

    assert where(problems) == [(8, 1, "HS103")]


# ------------------------------------------------------------------------ YAML 1.1 types

@pytest.mark.parametrize("written", [
    "no", "No", "off", "yes", "on", "y", "n", "true", "2024-01-05", "0755", "1:20", "1.10",
    "2.0", "1e3", "0x1F", "0o17", ".inf", "1_000", "-0",
])
def test_text_is_kept_as_written_where_the_schema_wants_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    text = edited("title: Orders not e-mailed", f"title: {written}")
    text = text.replace("teams: [platform]\n", f"teams: [platform]\ntags:\n  - {written}\n")

    result = check(tmp_path, monkeypatch, text)

    assert result.diagnostics == []
    pm = result.kb.by_id["PM-0001"]
    assert (pm.title, pm.tags) == (written, (written,))


@pytest.mark.parametrize("written", ["yes", "no", "on", "off", "Yes"])
def test_yes_and_no_are_not_booleans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     written: str) -> None:
    text = edited("---\n\n", "options:\n  - title: Generate the list\n    cost: high\n"
                  f"    risk: low\n    recommended: {written}\n---\n\n")

    result = check(tmp_path, monkeypatch, text)

    assert [d.format() for d in result.diagnostics] == [
        f"{FILE}:33:18: error HS203 options[0].recommended must be true or false, got "
        f"'{written}' (write true or false: yes, no, on and off are text)"]


def test_keys_like_on_and_no_stay_text(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, front("on: 1\nno: 2\n2024-01-05: 3\n"))

    assert problems == []
    assert doc.data == {"on": 1, "no": 2, "2024-01-05": 3}  # type: ignore[attr-defined]


def test_numbers_and_times_are_read_as_written(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = edited("started: 2021-01-18T09:00:00Z", "started: 2021-01-18 10:00:00+01:00")
    text = text.replace("  summary: Some orders were not sent.\n",
                        "  summary: Some orders were not sent.\n  customers: 0755\n"
                        "  customer_summary: Some of your orders were not sent.\n")

    result = check(tmp_path, monkeypatch, text)

    assert result.diagnostics == []
    pm = result.kb.by_id["PM-0001"]
    assert (pm.started.hour, pm.started.utcoffset()) == (10, timedelta(hours=1))
    assert pm.impact.customers == 755
    assert pm.action_items[0].due == date(2021, 3, 1)


@pytest.mark.parametrize(("old", "new", "line", "col"), [
    ("due: 2021-03-01", "due: 2021-02-30", 28, 10),
    ("started: 2021-01-18T09:00:00Z", "started: 2021-02-30T09:00:00Z", 6, 10),
    ("  - at: 2021-01-18T09:00:00Z", "  - at: 2021-04-31T09:00:00Z", 18, 9),
    ("resolved: 2021-01-18T11:00:00Z", "resolved: 2021-01-18T25:00:00Z", 8, 11),
])
def test_an_impossible_date_is_an_invalid_format_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, line: int,
        col: int) -> None:
    result = check(tmp_path, monkeypatch, edited(old, new))

    assert where(result.diagnostics) == [(line, col, "HS205")]


def test_an_impossible_date_where_any_text_is_allowed_is_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check(tmp_path, monkeypatch,
                   edited("teams: [platform]\n", "teams: [platform]\ntags: [2021-02-30]\n"))

    assert result.diagnostics == []
    assert result.kb.by_id["PM-0001"].tags == ("2021-02-30",)


# ------------------------------------------------------------------------ tags

@pytest.mark.parametrize(("value", "col"), [
    ("!!python/object/apply:os.system [touch {marker}]", 8),
    ("!!python/object/new:os.system [touch {marker}]", 8),
    ("!!python/name:os.system", 8),
    ("!!python/object:os.system {{}}", 8),
    ("!!binary aGVsbG8=", 8),
    ("!!set {{a, b}}", 8),
    ("!!int '5'", 8),
    ("!custom text", 8),
])
def test_explicit_tags_are_refused_and_nothing_is_constructed(
        tmp_path: Path, value: str, col: int) -> None:
    marker = tmp_path / "constructed"
    _, problems = load(tmp_path, front(f"title: {value.format(marker=marker)}\n"))

    assert where(problems) == [(2, col, "HS111")]
    assert not marker.exists()


def test_the_tag_is_named_as_written(tmp_path: Path) -> None:
    _, problems = load(tmp_path, front("title: !!python/object/apply:os.system [ls]\n"))

    assert problems[0].message == \
        "remove the YAML tag !!python/object/apply:os.system: only plain values are read"


def test_plain_and_str_tags_are_text(tmp_path: Path) -> None:
    doc, problems = load(tmp_path, front("a: !!str 2.0\nb: ! 3\n"))

    assert problems == []
    assert doc.data == {"a": "2.0", "b": "3"}  # type: ignore[attr-defined]


def test_only_safe_loaders_are_used() -> None:
    assert hindsite.compose.Loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None))


# ------------------------------------------------------------------------ syntax errors

@pytest.mark.parametrize(("text", "expected"), [
    ("a: [1, 2\nb: 3\n", (2, 4)),
    ("a: {k: 1\nb: 3\n", (2, 4)),
    ("a: 'open\nb: 3\n", (2, 4)),
    ('a: "open\nb: 3\n', (2, 4)),
    ("a:\n  - [x, [y\n", (3, 9)),
    ("a: [\n", (2, 4)),
    ("a: b\nc: [d, {e: f\n\n", (3, 8)),
    ("a: [x, 'y\n", (2, 8)),
    ("a: [,]\n", (2, 5)),
    ("a: b\n\tc: d\n", (3, 1)),
    ("a: b\nc: d: e\n", (3, 5)),
    ("a: *missing\n", (2, 4)),
])
def test_a_syntax_error_points_at_what_was_left_open_or_where_the_parser_stopped(
        tmp_path: Path, text: str, expected: tuple[int, int]) -> None:
    _, problems = load(tmp_path, front(text))

    assert where(problems) == [(*expected, "HS102")]
    assert "\n" not in problems[0].message


def test_an_unclosed_bracket_says_how_to_close_it(tmp_path: Path) -> None:
    _, problems = load(tmp_path, front("services: [mail-relay, {key: x\n"))

    assert [(d.line, d.col, d.message) for d in problems] == [
        (2, 24, "this '{' is never closed; close it with '}'")]


def test_a_tab_in_the_indentation_is_named(tmp_path: Path) -> None:
    _, problems = load(tmp_path, front("a:\n\tb: c\n"))

    assert where(problems) == [(3, 1, "HS102")]
    assert problems[0].message.endswith("(indent with spaces, not tabs)")


@pytest.mark.parametrize(("char", "col"), [("\x01", 11), ("\x7f", 11), ("\ufffe", 11)])
def test_a_control_character_is_reported_where_it_stands(tmp_path: Path, char: str,
                                                         col: int) -> None:
    _, problems = load(tmp_path, front(f"a: b\ntitle: Zoë{char}\n"))

    assert where(problems) == [(3, col, "HS102")]
    assert problems[0].message == \
        f"character U+{ord(char):04X} cannot appear in YAML; remove it"


# ------------------------------------------------------------------------ encoding and lines

def test_bom_and_crlf_change_nothing(tmp_path: Path) -> None:
    text = "---\ntitle: Zoë\nseverity: [\n---\n\nbody\n"
    plain, plain_problems = load(tmp_path, text)
    bom_crlf, problems = load(tmp_path, b"\xef\xbb\xbf" + text.encode().replace(b"\n", b"\r\n"))

    assert where(problems) == where(plain_problems) == [(3, 11, "HS102")]
    ok, none = load(tmp_path, b"\xef\xbb\xbf" + front("title: Zoë\n").encode().replace(
        b"\n", b"\r\n"))
    assert none == []
    assert ok.data == {"title": "Zoë"}  # type: ignore[attr-defined]
    assert (ok.body, ok.body_line) == ("body\n", 4)  # type: ignore[attr-defined]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_invalid_utf8_names_the_line_whatever_the_line_endings(tmp_path: Path,
                                                               newline: bytes) -> None:
    content = newline.join([b"---", b"a: b", b"title: Zo\xc3\xab \xe9t\xe9", b"---", b"body"])

    _, problems = load(tmp_path, content)

    assert [(d.line, d.col, d.code, d.message) for d in problems] == [
        (3, 12, "HS101", "byte 0xe9 is not valid UTF-8; save the file as UTF-8")]


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_yaml_11_line_separators_are_text_and_do_not_shift_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, separator: str) -> None:
    """An editor shows NEL, LS and PS inside a line; so does every position after them."""
    text = edited("title: Orders not e-mailed", f"title: Orders{separator}not e-mailed")
    text = text.replace("severity: SEV2", "severity: sev2")

    result = check(tmp_path, monkeypatch, text)

    assert where(result.diagnostics) == [(5, 11, "HS204")]
    quoted = edited("title: Orders not e-mailed", f'title: "Orders{separator}not e-mailed"')
    result = check(tmp_path, monkeypatch, quoted)
    assert result.diagnostics == []
    assert result.kb.by_id["PM-0001"].title == f"Orders{separator}not e-mailed"


# ------------------------------------------------------------------------ front matter split

MKDOCS_CASES = [
    "---\ntitle: a\n---\nbody\n",
    "---\ntitle: a\n---\n\n\n\nbody\n",
    "--- \t\ntitle: a\n---\t \nbody\n",
    "---\ntitle: a\n...\nbody\n",
    "---\ntitle: a\n---\nbody\n---\nmore: body\n---\n",
    "---\ntitle: a\n---\n",
    "---\ntitle: a\n---",
    "---\ntitle: a\n",
    "---\n---\nbody\n",
    "\n---\ntitle: a\n---\nbody\n",
    "----\ntitle: a\n----\nbody\n",
    "---\ntitle: |\n  ---\n  text\n---\nbody\n",
    "---\n- a\n- b\n---\nbody\n",
    "---\ntitle: [a\n---\nbody\n",
    "title: a\n\nbody\n",
    "---\r\ntitle: a\r\n---\r\nbody\r\n",
    "\ufeff---\ntitle: a\n---\nbody\n",
    "---\ntitle: a\n---\n## Summary\n---\n",
]


@pytest.mark.parametrize("text", MKDOCS_CASES)
def test_front_matter_ends_where_mkdocs_ends_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "PM-0001-x.md"
    path.write_bytes(text.encode("utf-8"))
    with open(path, encoding="utf-8-sig") as handle:  # as MkDocs reads a page
        source = handle.read()
    mkdocs_body, mkdocs_meta = get_data(source)
    mkdocs_split = YAML_RE.match(source) is not None and mkdocs_body != source

    doc, problems = load_document(path)

    if mkdocs_split:
        assert doc is not None and not problems
        assert doc.body.lstrip("\n") == mkdocs_body
        assert doc.data == mkdocs_meta
        lines = doc.text.split("\n")
        assert "\n".join(lines[doc.body_line - 1:]) == doc.body
    else:
        assert doc is None or problems
        assert {d.code for d in problems} <= {"HS102", "HS104", "HS105"}


# ------------------------------------------------------------------------ paths

def test_a_symbolic_link_is_named_as_itself(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/target.md").write_text("x", encoding="utf-8")
    os.symlink("elsewhere/target.md", tmp_path / "link.md")
    monkeypatch.chdir(tmp_path)

    assert display_path(Path("link.md")) == "link.md"
    assert display_path(tmp_path / "link.md") == "link.md"
    assert display_path(Path("/somewhere/else.md")) == "/somewhere/else.md"


def test_excluded_files_and_folders_are_not_read(tmp_path: Path) -> None:
    root = tmp_path / "postmortems"
    for name in ("README.md", "2024/README.md", "2024/PM-0001-a.md", "old/PM-0002-b.md",
                 "2024/notes/PM-0003-c.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    found = [p.relative_to(root).as_posix()
             for p in hindsite.load.discover(root, ("README.md", "old", "2024/notes/*"))[0]]
    assert found == ["2024/PM-0001-a.md"]
    assert len(hindsite.load.discover(root)[0]) == 5


def test_the_readme_of_the_postmortems_folder_is_not_a_postmortem(tmp_path: Path) -> None:
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "catalog.yml").write_text(CATALOG)
    (tmp_path / "postmortems" / "README.md").write_text("# How to write one\n")
    assert run_check(Settings(base=tmp_path)).diagnostics == []
    checked = run_check(Settings(base=tmp_path, exclude=()))
    assert [d.code for d in checked.diagnostics] == ["HS104"]
