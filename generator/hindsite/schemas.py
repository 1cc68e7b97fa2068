"""The JSON Schemas in schema/, read once: the single source of field names, types and enums.

The validator and the fields page both read a schema from here, with the configured
severity levels already in place and `$ref` resolved the same way, so the page always
describes what the check enforces.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


def read_schema(name: str) -> dict[str, Any]:
    """The schema as shipped (a fresh copy: the caller may change it)."""
    with (SCHEMA_DIR / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def configured_schema(name: str, severity_levels: tuple[str, ...] = ()) -> dict[str, Any]:
    """The schema with this site's severity levels as the postmortem's `severity` enum (the
    shipped ones when none are given). Shared between callers: read it, never change it."""
    schema = read_schema(name)
    if severity_levels:
        schema = copy.deepcopy(schema)
        schema["properties"]["severity"]["enum"] = list(severity_levels)
    return schema


def resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """The subschema a local `$ref` (`#/$defs/name`) points at, else the schema itself."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found: dict[str, Any] = root["$defs"][ref.rsplit("/", 1)[-1]]
        return found
    return schema
