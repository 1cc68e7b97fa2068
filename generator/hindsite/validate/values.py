"""Values checked at the door, before the schema or any later stage reads them.

Every number and every text of a file ends up in a page, a feed, a JSON file or a message.
So a number must be finite and of a size that can be printed and compared (no NaN, no
infinity, no thousand-digit hexadecimal), and a text must hold no control character that
XML cannot carry or a terminal would act on. Each offending value is reported where it
stands; a number is then replaced by 0 so that nothing after this (the schema's own
messages included) has to cope with it.
"""

from __future__ import annotations

import math
import re
from typing import Any

from hindsite.compose import Positions, YamlPath
from hindsite.diagnostics import Diagnostic, Severity, rule
from hindsite.validate.schema import OUT_OF_RANGE, describe_path

CONTROL_CHARACTER = rule("HS209", "control-character", Severity.ERROR,
                         "A text value holds a control character (other than a line break or "
                         "a tab) or a non-character, which no page or feed can carry.",
                         "schema")

MAX_NUMBER = 10**15
"""Numbers are at most this large in size: counts of customers, orders or minutes."""
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff"
                        "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")
"""C0 and C1 controls but tab, line feed and NEL (which YAML 1.2 and XML read as ordinary
text, as the loader does), and Unicode's non-characters."""


def admitted(data: Any, positions: Positions, root: str) -> tuple[Any, list[Diagnostic]]:
    """`data` with each unusable number replaced by 0, and a diagnostic for each unusable
    number and for each text with a control character."""
    problems: list[Diagnostic] = []
    return _admit(data, (), positions, root, problems), problems


def _admit(value: Any, ypath: YamlPath, positions: Positions, root: str,
           problems: list[Diagnostic]) -> Any:
    if isinstance(value, dict):
        return {key: _admit(item, ypath + (key,), positions, root, problems)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_admit(item, ypath + (n,), positions, root, problems)
                for n, item in enumerate(value)]
    if isinstance(value, str):
        found = CONTROL_RE.search(value)
        if found:
            problems.append(CONTROL_CHARACTER.at(positions.at(ypath), (
                f"{describe_path(ypath, root)} holds the control character "
                f"U+{ord(found.group(0)):04X}; remove it")))
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    why = _unusable(value)
    if why is None:
        return value
    written = positions.raw.get(ypath, "")
    shown = written if len(written) <= 40 else written[:37] + "..."
    problems.append(OUT_OF_RANGE.at(positions.at(ypath),
                                    f"{describe_path(ypath, root)} is {shown!r}: {why}"))
    return 0


def _unusable(number: int | float) -> str | None:
    if isinstance(number, float) and not math.isfinite(number):
        return "write a finite number (not .nan, .inf, or one too large to hold)"
    if abs(number) > MAX_NUMBER:
        return f"numbers are at most {MAX_NUMBER:,} in size"
    return None
