"""Formatters for diagnostics, kept apart from checking: text, github and json, by name."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from hindsite.diagnostics import Diagnostic, Severity


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    counts = Counter(d.severity for d in diagnostics)
    if not diagnostics:
        return f"no problems in {files} file{'s' if files != 1 else ''}"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def as_text(diagnostics: list[Diagnostic], files: int) -> str:
    lines = [d.format() for d in diagnostics]
    return "\n".join(lines + [summary(diagnostics, files)]) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_github(diagnostics: list[Diagnostic], files: int) -> str:
    """GitHub Actions workflow commands; GitHub shows only the first few of each kind, so the
    CLI also writes the whole list to the job summary when it runs in Actions."""
    lines = [f"::{GITHUB_LEVEL[d.severity]} file={_escape_property(d.path)},line={d.line},"
             f"col={d.col},title={_escape_property(d.code)}::{_escape_data(d.message)}"
             for d in diagnostics]
    return "\n".join(lines + [summary(diagnostics, files)]) + "\n"


def as_markdown(diagnostics: list[Diagnostic], files: int) -> str:
    """The full report as a Markdown table, for $GITHUB_STEP_SUMMARY."""
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;") \
            .replace("\n", " ")
    rows = [f"| `{cell(d.path)}:{d.line}:{d.col}` | {d.severity} | {d.code} | {cell(d.message)} |"
            for d in diagnostics]
    head = ["### hindsite check", "", summary(diagnostics, files), ""]
    table = ["| where | severity | rule | message |", "|---|---|---|---|"] if rows else []
    return "\n".join(head + table + rows) + "\n"


def as_json(diagnostics: list[Diagnostic], files: int) -> str:
    return json.dumps([{"path": d.path, "line": d.line, "col": d.col,
                        "severity": str(d.severity), "code": d.code, "message": d.message}
                       for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Callable[[list[Diagnostic], int], str]] = {
    "text": as_text, "github": as_github, "json": as_json,
}
