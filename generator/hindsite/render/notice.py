"""The notice `mkdocs serve` shows on top of every page while the postmortems have errors.

A build that stops on an error leaves MkDocs' development server waiting for a good build,
and the browser with it; while serving, the build goes on instead, and every page says what
is wrong, where, and by which rule.
"""

from __future__ import annotations

from hindsite.diagnostics import Diagnostic, Severity
from hindsite.render.templating import render


def build_failed_notice(diagnostics: list[Diagnostic]) -> str:
    """The errors among `diagnostics` as a notice, or '' when there is none."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    return render("build_failed.html", errors=errors) if errors else ""
