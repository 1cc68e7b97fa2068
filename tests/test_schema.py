"""The JSON Schemas are valid draft 2020-12, describe every field, and close every mapping."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

SCHEMAS = sorted((Path(__file__).resolve().parent.parent / "schema").glob("*.schema.json"))


def properties(schema: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema, with a path that names it, through items, $defs and allOf."""
    if not isinstance(schema, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        yield f"{where}.{name}", sub
        yield from properties(sub, f"{where}.{name}")
    for key in ("items", "then", "else"):
        yield from properties(schema.get(key), f"{where}[{key}]")
    for name, sub in schema.get("$defs", {}).items():
        yield from properties(sub, f"$defs.{name}")


def objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every schema of a mapping of fields; an `if` only tests a value, so it is left out."""
    if isinstance(schema, dict):
        if "properties" in schema:
            yield schema
        for key, value in schema.items():
            if key != "if":
                yield from objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from objects(value)


def test_both_schemas_are_present() -> None:
    assert [p.name for p in SCHEMAS] == ["catalog.schema.json", "postmortem.schema.json"]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_against_the_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_has_a_description(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    undocumented = [name for name, sub in properties(schema)
                    if not (sub.get("description") or "$ref" in sub)]
    assert undocumented == []


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_mapping_rejects_unknown_fields(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    open_mappings = [sorted(o["properties"]) for o in objects(schema)
                     if o.get("additionalProperties") is not False]
    assert open_mappings == []
