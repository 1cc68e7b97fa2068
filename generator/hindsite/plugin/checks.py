"""What stops a build: errors in the postmortems, and a page that would carry script or a
resource from another host. Both are logged as MkDocs logs its own problems."""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from hindsite.diagnostics import Diagnostic, Severity
from hindsite.guard import guarded_page

log = get_plugin_logger(__name__)


def guarded(output: str, content: str, name: str) -> str:
    """The page with its Content-Security-Policy; a page that would run script other than
    the theme's, or fetch from another host, stops the build."""
    problems, page = guarded_page(output, content)
    if problems:
        for problem in problems:
            log.error(f"{name}: {problem}")
        raise PluginError(f"hindsite: {name} would carry script or a resource from another "
                          f"host ({problems[0]}); the page was not written")
    return page


def report(diagnostics: list[Diagnostic], checked: int, *, stop: bool = True) -> None:
    """Log every diagnostic as `hindsite check` prints it; errors stop the build, unless
    `stop` is false (serving: the pages then show them)."""
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            log.error(d.format())
        elif d.severity is Severity.WARNING:
            log.warning(d.format())
        else:
            log.info(d.format())
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    if errors and not stop:
        log.error("hindsite: every page shows these errors until they are fixed")
    elif errors:
        noun = "error" if errors == 1 else "errors"
        raise PluginError(f"hindsite: {errors} {noun} in the postmortems ({checked} files "
                          "checked); fix them or run 'hindsite check' for the report")
