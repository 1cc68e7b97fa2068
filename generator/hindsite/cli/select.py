"""Per-run rule selection, as ruff's `--select`/`--ignore`: by code, code prefix or name."""

from __future__ import annotations

from hindsite.config import ConfigError
from hindsite.diagnostics import Diagnostic, Severity, did_you_mean
from hindsite.rules import all_rules, find_rule


def codes(values: list[str]) -> set[str]:
    """The rule codes that comma-separated `values` name: `HS301`, `unknown-key`, `HS3`."""
    known = [r.code for r in all_rules()]
    found: set[str] = set()
    for value in (v.strip() for text in values for v in text.split(",")):
        if not value:
            continue
        rule = find_rule(value)
        prefixed = {c for c in known if c.startswith(value.upper())}
        if rule is not None:
            found.add(rule.code)
        elif prefixed and value[:2].upper() == "HS":
            found |= prefixed
        else:
            names = [r.name for r in all_rules()] + known
            raise ConfigError(f"no rule named '{value}'{did_you_mean(value, names)} "
                              "('hindsite rules' lists them)")
    return found


def selected(diagnostics: list[Diagnostic], wanted: set[str] | None, unwanted: set[str],
             quiet: bool) -> list[Diagnostic]:
    """The diagnostics this run reports: selected (all when `wanted` is None), not ignored,
    and without info when quiet."""
    return [d for d in diagnostics
            if (wanted is None or d.code in wanted) and d.code not in unwanted
            and not (quiet and d.severity is Severity.INFO)]
