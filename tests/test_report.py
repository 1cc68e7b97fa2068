"""Reporters: the same diagnostics as text, GitHub workflow commands, JSON and a Markdown
summary, each exactly; results are kept apart from how they are shown."""

from __future__ import annotations

import json

from hindsite.diagnostics import Diagnostic, Severity
from hindsite.report import REPORTERS, as_github, as_json, as_markdown, as_text, summary

FOUND = [
    Diagnostic("postmortems/a.md", 5, 11, Severity.ERROR, "HS204",
               "severity is 'sev2'; did you mean 'SEV2'?"),
    Diagnostic("postmortems/b,c.md", 7, 3, Severity.WARNING, "HS601",
               "blame language: 'human error' | 100%"),
    Diagnostic("postmortems/b,c.md", 9, 1, Severity.INFO, "HS503", "cause 'x' reads like <y>"),
]


def test_the_summary_counts_each_severity_and_the_files() -> None:
    assert summary([], 1) == "no problems in 1 file"
    assert summary(FOUND, 2) == "1 error, 1 warning, 1 info in 2 files"
    assert summary(FOUND[:1] * 2, 1) == "2 errors in 1 file"


def test_text_is_one_line_per_diagnostic_and_the_summary() -> None:
    assert as_text(FOUND, 2) == (
        "postmortems/a.md:5:11: error HS204 severity is 'sev2'; did you mean 'SEV2'?\n"
        "postmortems/b,c.md:7:3: warning HS601 blame language: 'human error' | 100%\n"
        "postmortems/b,c.md:9:1: info HS503 cause 'x' reads like <y>\n"
        "1 error, 1 warning, 1 info in 2 files\n")


def test_github_commands_escape_their_properties_and_data() -> None:
    lines = as_github(FOUND, 2).splitlines()
    assert lines[0] == ("::error file=postmortems/a.md,line=5,col=11,title=HS204::"
                        "severity is 'sev2'; did you mean 'SEV2'?")
    assert lines[1] == ("::warning file=postmortems/b%2Cc.md,line=7,col=3,title=HS601::"
                        "blame language: 'human error' | 100%25")
    assert lines[2].startswith("::notice file=postmortems/b%2Cc.md,line=9,col=1,")
    assert lines[3] == "1 error, 1 warning, 1 info in 2 files"


def test_json_holds_every_field() -> None:
    assert json.loads(as_json(FOUND, 2))[1] == {
        "path": "postmortems/b,c.md", "line": 7, "col": 3, "severity": "warning",
        "code": "HS601", "message": "blame language: 'human error' | 100%"}
    assert as_json([], 0) == "[]\n"


def test_the_markdown_summary_is_a_table_with_cells_escaped() -> None:
    lines = as_markdown(FOUND, 2).splitlines()
    assert lines[:5] == ["### hindsite check", "", "1 error, 1 warning, 1 info in 2 files", "",
                         "| where | severity | rule | message |"]
    assert lines[7] == ("| `postmortems/b,c.md:7:3` | warning | HS601 | "
                        "blame language: 'human error' \\| 100% |")
    assert lines[8].endswith("cause 'x' reads like &lt;y> |")
    assert as_markdown([], 3).splitlines() == ["### hindsite check", "",
                                               "no problems in 3 files", ""]


def test_reporters_are_registered_by_name() -> None:
    assert REPORTERS["text"] is as_text and REPORTERS["github"] is as_github
    assert REPORTERS["json"] is as_json
