"""The reference pages: every rule from the registry, every field from the JSON Schemas.

Neither is written by hand, so neither can drift from what `hindsite check` enforces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hindsite.diagnostics import Rule
from hindsite.render.figures import label
from hindsite.render.links import Linker
from hindsite.render.site import Site
from hindsite.render.templating import render
from hindsite.rules import all_rules
from hindsite.schemas import configured_schema, resolve

STAGE_TITLES = {"load": "Reading files and YAML", "schema": "Fields and types",
                "fields": "Rules across fields and files", "body": "The narrative",
                "recurrence": "Recurrence", "lint": "Lints",
                "communication": "What the drafts are written from"}
FORMATS = {"date-time": "date and time with offset", "date": "date (YYYY-MM-DD)", "uri": "URL"}
TYPES = {"string": "text", "integer": "whole number", "number": "number",
         "boolean": "true or false", "object": "mapping", "array": "list"}


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule: Rule
    configured: str


@dataclass(frozen=True, slots=True)
class Stage:
    key: str
    title: str
    rules: tuple[RuleRow, ...]


@dataclass(frozen=True, slots=True)
class FieldRow:
    path: str
    type: str
    required: str
    values: tuple[str, ...]
    description: str


def rules_page(site: Site, link: Linker) -> str:
    by_stage: dict[str, list[Rule]] = defaultdict(list)
    for rule in all_rules():
        by_stage[rule.stage].append(rule)
    ordered = sorted(by_stage.items(), key=lambda item: min(r.code for r in item[1]))
    stages = [Stage(stage, STAGE_TITLES.get(stage, label(stage)),
                    tuple(RuleRow(r, configured(site, r)) for r in sorted(rules, key=code_of)))
              for stage, rules in ordered]
    return render("rules.html", stages=stages, writing=link.to("writing-a-postmortem.md"))


def code_of(rule: Rule) -> str:
    return rule.code


def configured(site: Site, rule: Rule) -> str:
    """This site's severity for a rule when its configuration changes the default, else ''."""
    if rule.code not in site.settings.rules:
        return ""
    wanted = site.settings.rules[rule.code]
    return "off" if wanted is None else str(wanted) if wanted != rule.severity else ""


def fields_page(site: Site, link: Linker) -> str:
    postmortem = configured_schema("postmortem", site.levels)
    catalog = configured_schema("catalog")
    return render("fields.html",
                  documents=[("postmortem", "Postmortem front matter", postmortem,
                              list(field_rows(postmortem, postmortem))),
                             ("catalog", "The catalog: postmortems/catalog.yml", catalog,
                              list(field_rows(catalog, catalog)))])


def field_rows(schema: dict[str, Any], root: dict[str, Any],
               prefix: str = "") -> Iterator[FieldRow]:
    """Every field of an object schema, depth first, with its nested fields after it."""
    schema = resolve(schema, root)
    required = set(schema.get("required", ()))
    conditions = conditional_requirements(schema)
    for name, spec in schema.get("properties", {}).items():
        spec = resolve(spec, root)
        path = f"{prefix}{name}"
        need = conditions.get(name) or ("required" if name in required else "optional")
        items = resolve(spec.get("items", {}), root)
        values = tuple(str(v) for v in spec.get("enum", items.get("enum", ())))
        yield FieldRow(path, type_name(spec, root), need, values, spec.get("description", ""))
        if spec.get("type") == "object":
            yield from field_rows(spec, root, f"{path}.")
        elif items.get("type") == "object":
            yield from field_rows(items, root, f"{path}[].")


def type_name(spec: dict[str, Any], root: dict[str, Any]) -> str:
    kind = spec.get("type", "")
    if kind == "array":
        return f"list of {type_name(resolve(spec.get('items', {}), root), root)}"
    if kind == "string" and spec.get("format") in FORMATS:
        return FORMATS[spec["format"]]
    return TYPES.get(kind, kind or "any")


def conditional_requirements(schema: dict[str, Any]) -> dict[str, str]:
    """Fields required or forbidden under a condition, as each rule's `$comment` states it."""
    found: dict[str, str] = {}
    for clause in schema.get("allOf", ()):
        for branch in ("then", "else"):
            part = clause.get(branch, {})
            comment = part.get("$comment", "")
            for name in part.get("required", ()):
                found[name] = comment
            for name in part.get("not", {}).get("required", ()):
                found.setdefault(name, f"optional; {comment}")
    return found
