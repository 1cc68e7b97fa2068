"""Rules on postmortems/catalog.yml: its schema, unique keys, and services owned by known teams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hindsite.compose import Positions
from hindsite.diagnostics import Diagnostic, Position, Severity, rule
from hindsite.model import Catalog
from hindsite.validate.fields import UNKNOWN_KEY, unknown_key_message

MISSING_CATALOG = rule("HS112", "missing-catalog", Severity.ERROR,
                       "postmortems/catalog.yml does not exist; keys cannot be checked.", "load")
DUPLICATE_CATALOG_KEY = rule("HS308", "duplicate-catalog-key", Severity.ERROR,
                             "Two entries of one catalog section share a key.", "fields")


def catalog_diagnostics(data: dict[str, Any] | None, where: Positions,
                        catalog: Catalog) -> Iterator[Diagnostic]:
    for section in ("teams", "services", "causes"):
        seen: dict[str, Position] = {}
        items = data.get(section) if isinstance(data, dict) else None
        for n, item in enumerate(items if isinstance(items, list) else []):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str):
                continue
            pos = where.at((section, n, "key"))
            if key in seen:
                yield DUPLICATE_CATALOG_KEY.at(pos, f"{section} key '{key}' is already defined at "
                                               f"line {seen[key].line}; keys must be unique",
                                               related=(seen[key],))
            seen.setdefault(key, pos)
    services = data.get("services") if isinstance(data, dict) else None
    for n, item in enumerate(services if isinstance(services, list) else []):
        team = item.get("team") if isinstance(item, dict) else None
        if isinstance(team, str) and team not in catalog.teams:
            yield UNKNOWN_KEY.at(where.at(("services", n, "team")), unknown_key_message(
                "team", team, list(catalog.teams), catalog.path))
