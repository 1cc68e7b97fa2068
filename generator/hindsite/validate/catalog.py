"""Rules on postmortems/catalog.yml: its schema, unique keys, services owned by known teams,
and `same_as` links that end at a cause (not at themselves, not in a loop)."""

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
SAME_AS_ITSELF = rule("HS311", "same-as-itself", Severity.ERROR,
                      "A cause's same_as names the cause itself.", "fields")
SAME_AS_LOOP = rule("HS312", "same-as-loop", Severity.ERROR,
                    "same_as links lead back to where they started, so the keys have no "
                    "cause to merge into.", "fields")


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
    yield from same_as_diagnostics(data, where, catalog)


def same_as_diagnostics(data: dict[str, Any] | None, where: Positions,
                        catalog: Catalog) -> Iterator[Diagnostic]:
    """Each `same_as` must name another cause of the catalog, and following the links from
    it must end at a cause without one; a loop is reported once on each key in it."""
    causes = data.get("causes") if isinstance(data, dict) else None
    for n, item in enumerate(causes if isinstance(causes, list) else []):
        key = item.get("key") if isinstance(item, dict) else None
        target = item.get("same_as") if isinstance(item, dict) else None
        if not isinstance(key, str) or not isinstance(target, str) or \
                catalog.causes.get(key) is None or catalog.causes[key].pos != where.at(
                    ("causes", n)):
            continue  # not a string (a schema error), or a duplicated key (HS308)
        pos = where.at(("causes", n, "same_as"))
        if target == key:
            yield SAME_AS_ITSELF.at(pos, f"cause '{key}' is the same as itself; remove "
                                    "same_as, or name the other key it is the same cause as")
        elif target not in catalog.causes:
            yield UNKNOWN_KEY.at(pos, unknown_key_message(
                "cause", target, list(catalog.causes), catalog.path))
        elif (loop := same_as_loop(catalog, key)):
            yield SAME_AS_LOOP.at(pos, f"same_as links go round in a loop ({' -> '.join(loop)})"
                                  "; end the chain at the key the history is kept under, "
                                  "which has no same_as")


def same_as_loop(catalog: Catalog, key: str) -> list[str]:
    """The keys from `key` back to `key` when its same_as links form a loop through it."""
    path = [key]
    entry = catalog.causes.get(key)
    while entry is not None and entry.same_as and entry.same_as in catalog.causes:
        if entry.same_as == key:
            return path + [key]
        if entry.same_as in path:
            return []  # it leads into a loop that does not pass through it
        path.append(entry.same_as)
        entry = catalog.causes[entry.same_as]
    return []
