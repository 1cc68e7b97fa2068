"""The rule registry: the modules that declare rules, and every rule they declare.

It sits above the stages, as yamllint's `rules/__init__.py` sits above its rules: a stage
declares its rules next to the code that checks them and imports nothing from here, so a
new rule module is one more line in `RULE_MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from hindsite import compose, images, load
from hindsite.diagnostics import Rule
from hindsite.validate import (
    body,
    catalog,
    communication,
    fields,
    knowledge_base,
    lints,
    schema,
    values,
)

RULE_MODULES: tuple[ModuleType, ...] = (
    load, compose, catalog, schema, values, fields, communication, knowledge_base, body,
    images, lints)
"""Every module that declares rules, in the order of the stages."""


def _registry(modules: tuple[ModuleType, ...]) -> dict[str, Rule]:
    """Each declared rule by code; a code or a name declared twice is a bug, caught here."""
    found: dict[str, Rule] = {}
    names: set[str] = set()
    for module in modules:
        for value in vars(module).values():
            if not isinstance(value, Rule) or found.get(value.code) is value:
                continue
            if value.code in found or value.name in names:
                raise ValueError(f"rule {value.code} {value.name} declared twice")
            found[value.code] = value
            names.add(value.name)
    return dict(sorted(found.items()))


RULES: dict[str, Rule] = _registry(RULE_MODULES)
"""Every rule by code, in order of code."""


def all_rules() -> list[Rule]:
    """Every rule, by code."""
    return list(RULES.values())


def find_rule(code_or_name: str) -> Rule | None:
    """The rule with this code or kebab-case name, as configuration names it."""
    if code_or_name in RULES:
        return RULES[code_or_name]
    return next((r for r in RULES.values() if r.name == code_or_name), None)
