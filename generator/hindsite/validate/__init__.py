"""The validate stage: the schema, then the rules of one file; cross-file rules live in
`knowledge_base`. Pure functions of loaded documents: no file is read or written here."""

from __future__ import annotations

from collections.abc import Iterable

from hindsite.compose import Positions
from hindsite.diagnostics import Diagnostic, Severity
from hindsite.load import Document
from hindsite.model import Catalog, Postmortem
from hindsite.validate import communication  # noqa: F401  (declares its rules)
from hindsite.validate.body import missing_sections, over_limit, read_body
from hindsite.validate.catalog import catalog_diagnostics
from hindsite.validate.fields import Record, check_fields, unknown_catalog_keys
from hindsite.validate.lints import lint_body, lint_front_matter
from hindsite.validate.records import build_catalog, build_postmortem
from hindsite.validate.schema import schema_diagnostics, take_text_as_written
from hindsite.validate.values import admitted

__all__ = ["check_catalog", "check_document", "front_matter_id"]

SHAPE_KEPT = frozenset({"HS202", "HS204", "HS207", "HS208"})
"""Schema problems that leave every field of the record readable (an unknown field, a value
not allowed, an item twice, a field that must go): the rules across
fields still run on such a file, so that one run reports its independent problems together.
A missing field, a wrong type or a malformed time stops them; keys unknown to the catalog
are read from the front matter as written, so they are reported whatever else is wrong."""


def check_document(doc: Document, catalog: Catalog | None, *, severity_levels: tuple[str, ...],
                   required_sections: tuple[str, ...], blame_phrases: tuple[str, ...]
                   ) -> tuple[Postmortem | None, list[Diagnostic]]:
    """Every problem of one file, and its model value when its front matter is valid; the
    options are the configured values themselves, so this stage needs no configuration."""
    data, problems = admitted(take_text_as_written(doc.data or {}, "postmortem", doc.positions),
                              doc.positions, "the front matter")
    problems += beside(schema_diagnostics(data, "postmortem", doc.positions, severity_levels),
                       problems)
    errors = {d.code for d in problems if d.severity is Severity.ERROR}
    too_large = over_limit(doc.body, doc.path, doc.body_line)
    if too_large is not None:
        return None, problems + [too_large] + list(lint_front_matter(
            data, doc.positions, doc.text.split("\n"), blame_phrases))
    body, body_problems = read_body(doc.body, doc.path, doc.body_line)
    problems += body_problems
    published = data.get("status") == "published"
    problems += missing_sections(body, required_sections, published, doc.path)
    problems += lint_front_matter(data, doc.positions, doc.text.split("\n"), blame_phrases)
    problems += lint_body(doc.body, doc.path, doc.body_line, body.code_lines, blame_phrases)
    problems += beside(unknown_catalog_keys(data, doc.positions, catalog), problems)
    if not errors <= SHAPE_KEPT:
        return None, problems
    pm = build_postmortem(data, doc.positions, doc.body, doc.body_line, body)
    problems += beside(check_fields(Record(pm, doc.positions, catalog)), problems)
    return (None if errors else pm), problems


def beside(found: Iterable[Diagnostic], earlier: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics of `found` that do not point where one of `earlier` already does."""
    taken = {(d.line, d.col) for d in earlier}
    return [d for d in found if (d.line, d.col) not in taken]


def front_matter_id(doc: Document) -> str | None:
    """The id a file claims, even when the rest is invalid: other files may refer to it."""
    ident = (doc.data or {}).get("id")
    return ident if isinstance(ident, str) else None


def check_catalog(data: dict[str, object] | None,
                  where: Positions) -> tuple[Catalog, list[Diagnostic]]:
    data, problems = admitted(take_text_as_written(data or {}, "catalog", where), where,
                              "the catalog")
    problems += beside(schema_diagnostics(data, "catalog", where), problems)
    catalog = build_catalog(data, where)
    problems += catalog_diagnostics(data, where, catalog)
    return catalog, problems
