"""One diagnostic type for every problem, and the `Rule` that produces it.

Every stage reports bad input as `Diagnostic` values, never as exceptions. Each rule is
declared once, next to the code that checks it, with a stable code, a kebab-case name, a
default severity and one line of documentation; `hindsite.rules` gathers them into the
registry the configuration and the rules page read. This module imports no stage.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How much a problem matters; ordered so that `max()` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where a value stands in a file: 1-based line and column, as an editor shows them."""

    path: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A located problem; ordered by path, line and column so reports read top to bottom."""

    path: str
    line: int
    col: int
    severity: Severity = field(compare=False)
    code: str
    message: str = field(compare=True)
    related: tuple[Position, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        """A message quotes what a file says; it is kept to one printable line, so that no
        file can forge a diagnostic line, a workflow command or a terminal's display."""
        object.__setattr__(self, "message", printable(self.message))

    def format(self) -> str:
        return (f"{printable(self.path)}:{self.line}:{self.col}: {self.severity} {self.code} "
                f"{self.message}")


_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                             "\u2066-\u2069\ufeff]")
"""Controls, line and paragraph separators, and the marks that reorder text on screen."""
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every control or reordering character written as an escape (`\\n`,
    `\\x01`, `\\u202e`), as a value is quoted in a message."""
    if not _UNPRINTABLE_RE.search(text):
        return text
    return _UNPRINTABLE_RE.sub(lambda m: _SHORT.get(m.group(0)) or (
        f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}"),
        text)


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable code; `severity` is its default, which configuration may change."""

    code: str
    name: str
    severity: Severity
    summary: str
    stage: str

    def at(self, pos: Position, message: str, severity: Severity | None = None,
           related: tuple[Position, ...] = ()) -> Diagnostic:
        """A diagnostic of this rule at `pos`; the reporter applies configured severities."""
        return Diagnostic(pos.path, pos.line, pos.col, severity or self.severity,
                          self.code, message, related)


def rule(code: str, name: str, severity: Severity, summary: str, stage: str) -> Rule:
    """Declare a rule next to the code that checks it; `hindsite.rules` lists every rule
    module, and refuses a code or name declared twice (they are never reused)."""
    return Rule(code, name, severity, summary, stage)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest choice (a difference of case first), else ''."""
    options = [str(c) for c in choices]
    found = [c for c in options if c.casefold() == word.casefold()] \
        or difflib.get_close_matches(word, options, n=1)
    return f"; did you mean '{found[0]}'?" if found else ""


def has_errors(diagnostics: list[Diagnostic], strict: bool = False) -> bool:
    """Whether a run fails: errors always, warnings too when strict; info never."""
    worst = Severity.WARNING if strict else Severity.ERROR
    return any(d.severity >= worst for d in diagnostics)
