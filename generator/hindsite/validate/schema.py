"""The JSON Schema check: schema/ is the single source of field names, types and enums.

Plain scalars are read with YAML 1.2's core schema; where the schema wants text, the text
is taken exactly as written (`title: 1.10` stays "1.10", a tag `2.0` stays "2.0"), so no
value is reinterpreted behind the writer's back.

Most files are valid, so each is first tried with jsonschema-rs (compiled, about thirty times
faster), with the same format checks; only a file it finds invalid goes through jsonschema,
which writes every message. A test holds the two to the same verdict on every fixture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from hindsite.compose import Positions, YamlPath
from hindsite.diagnostics import Diagnostic, Position, Severity, did_you_mean, rule
from hindsite.schemas import configured_schema, resolve

STAGE = "schema"
MISSING_FIELD = rule("HS201", "missing-field", Severity.ERROR,
                     "A required field is missing.", STAGE)
UNKNOWN_FIELD = rule("HS202", "unknown-field", Severity.ERROR,
                     "A field the format does not define (often a misspelling).", STAGE)
WRONG_TYPE = rule("HS203", "wrong-type", Severity.ERROR,
                  "A value of the wrong type: text, number, list or mapping.", STAGE)
INVALID_VALUE = rule("HS204", "invalid-value", Severity.ERROR,
                     "A value outside the allowed set (enum values are case-sensitive).", STAGE)
INVALID_FORMAT = rule("HS205", "invalid-format", Severity.ERROR,
                      "A value of the wrong shape: an id, key, date, time or URL.", STAGE)
OUT_OF_RANGE = rule("HS206", "out-of-range", Severity.ERROR,
                    "A value too long, too short, too small, or a list with too few items.", STAGE)
DUPLICATE_ITEM = rule("HS207", "duplicate-item", Severity.ERROR,
                      "The same item appears twice in a list that must not repeat.", STAGE)
FORBIDDEN_FIELD = rule("HS208", "forbidden-field", Severity.ERROR,
                       "A field that must not be present given the others.", STAGE)

DATE_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}"
                          r"(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})")

YEARS = (1970, 2999)
"""Dates and times outside these years are refused: they are typing mistakes, and date
arithmetic near the ends of the calendar overflows."""
URL_FORBIDDEN = frozenset(' <>"{}|\\^`')

_checker = FormatChecker(formats=())


class YearOutOfRange(ValueError):
    """A well-formed date outside `YEARS`."""


def _in_years(moment: date) -> bool:
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise YearOutOfRange(f"write a date between the years {YEARS[0]} and {YEARS[1]}")
    return True


@_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = parse_time(value)
    return parsed is not None and _in_years(parsed)


@_checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or _in_years(date.fromisoformat(value))


@_checker.checks("uri", raises=ValueError)
def _is_url(value: object) -> bool:
    """An http(s) URL a browser can follow as written: a host, no spaces or brackets."""
    if not isinstance(value, str):
        return True
    if any(c in URL_FORBIDDEN or c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F
           for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and \
        (parts.port is None or parts.port > 0)


@cache
def _whole(pattern: str) -> re.Pattern[str]:
    """A schema pattern as JSON Schema means it: `$` is the end of the text (Python's `$`
    also matches before a final line break, which would let 'PM-0012\\n' through)."""
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any,
             schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _whole(pattern).search(instance):
        yield ValidationError(f"does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def parse_time(text: str) -> datetime | None:
    """An RFC 3339 time with its offset, or None; a time without an offset is not accepted."""
    if not DATE_TIME_RE.fullmatch(text):
        return None
    return datetime.fromisoformat(text.replace("z", "Z"))


@cache
def validator(name: str, severity_levels: tuple[str, ...] = ()) -> Any:
    """A compiled validator; the postmortem schema takes the configured severity levels."""
    return _Validator(configured_schema(name, severity_levels), format_checker=_checker)


@cache
def fast_validator(name: str, severity_levels: tuple[str, ...] = ()) -> Any:
    """The same schema compiled by jsonschema-rs, with hindsite's own format checks."""
    formats = {"date-time": _is_date_time, "date": _is_date, "uri": _is_url}
    return jsonschema_rs.validator_for(
        validator(name, severity_levels).schema, validate_formats=True,
        formats={name: _verdict(check) for name, check in formats.items()})


def _verdict(check: Any) -> Any:
    """A format check that answers False where jsonschema's would raise."""
    def answer(value: object) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False
    return answer


def is_valid(data: Any, name: str, severity_levels: tuple[str, ...] = ()) -> bool:
    """jsonschema-rs' verdict; False (so that jsonschema decides) for what it cannot read."""
    try:
        return bool(fast_validator(name, severity_levels).is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


def take_text_as_written(data: Any, name: str, positions: Positions) -> Any:
    """Where the schema wants a string, use a plain scalar's source text instead of its number.
    Only the mappings and lists that lead to such a scalar are copied; the rest is shared."""
    if not positions.raw:
        return data
    root = configured_schema(name)
    toward = {ypath[:n] for ypath in positions.raw for n in range(len(ypath) + 1)}
    return _as_written(data, root, root, positions, (), toward)


def _as_written(data: Any, schema: dict[str, Any], root: dict[str, Any], positions: Positions,
                ypath: YamlPath, toward: set[YamlPath]) -> Any:
    if ypath not in toward:
        return data
    schema = resolve(schema, root)
    if ypath in positions.raw and schema.get("type") == "string":
        return positions.raw[ypath]
    if isinstance(data, dict):
        props = schema.get("properties", {})
        return {k: _as_written(v, props.get(k, {}), root, positions, ypath + (k,), toward)
                for k, v in data.items()}
    if isinstance(data, list):
        items = schema.get("items", {})
        return [_as_written(v, items, root, positions, ypath + (i,), toward)
                for i, v in enumerate(data)]
    return data


def schema_diagnostics(data: Any, name: str, positions: Positions,
                       severity_levels: tuple[str, ...] = ()) -> Iterator[Diagnostic]:
    """Every schema violation, each at the value (or the mapping) it concerns."""
    if is_valid(data, name, severity_levels):
        return
    check = validator(name, severity_levels)
    root = "the catalog" if name == "catalog" else "the front matter"
    for error in check.iter_errors(data):
        yield from _explain(error, positions, root)


def _schema(error: ValidationError) -> dict[str, Any]:
    """The subschema that failed; jsonschema types it loosely, it is a mapping here."""
    return error.schema if isinstance(error.schema, dict) else {}


def _value(error: ValidationError) -> Any:
    return error.validator_value


def _instance(error: ValidationError) -> Any:
    return error.instance


def _explain(error: ValidationError, positions: Positions, root: str) -> Iterator[Diagnostic]:
    ypath: YamlPath = tuple(error.absolute_path)
    where = describe_path(ypath, root)
    kind = error.validator
    if kind == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)[0]
        why = _schema(error).get("$comment")
        reason = f" ({why})" if why else ""
        pos = positions.at(ypath) if ypath else Position(positions.path)
        yield MISSING_FIELD.at(pos,
                               f"missing required field '{missing}' in {where}{reason}")
    elif kind == "additionalProperties":
        yield from _unknown_fields(error, ypath, positions, root)
    elif kind == "not" and "required" in _value(error):
        for name in _value(error)["required"]:
            why = _schema(error).get("$comment", "it is not allowed here")
            yield FORBIDDEN_FIELD.at(positions.at(ypath + (name,)),
                                     f"remove '{name}' from {where}: {why}")
    elif kind in ("if", "allOf", "then", "else"):
        return
    else:
        yield _value_problem(error, ypath, where, positions)


def _unknown_fields(error: ValidationError, ypath: YamlPath, positions: Positions,
                    root: str) -> Iterator[Diagnostic]:
    allowed = list(_schema(error).get("properties", {}))
    for name in sorted(set(_instance(error)) - set(allowed), key=lambda n: positions.key_at(
            ypath + (n,))):
        suggestion = did_you_mean(name, allowed) or f" (allowed: {', '.join(allowed)})"
        yield UNKNOWN_FIELD.at(positions.key_at(ypath + (name,)), f"unknown field {_show(name)} "
                               f"in {describe_path(ypath, root)}{suggestion}")


def _value_problem(error: ValidationError, ypath: YamlPath, where: str,
                   positions: Positions) -> Diagnostic:
    kind = error.validator
    got = positions.raw.get(ypath, _instance(error))
    shown = "an empty value" if _instance(error) is None and not got else _show(got)
    pos = positions.at(ypath)
    if kind == "type":
        wanted = {"string": "text", "integer": "a whole number", "number": "a number",
                  "boolean": "true or false", "array": "a list", "object": "a mapping"}
        return WRONG_TYPE.at(pos, f"{where} must be {wanted.get(str(_value(error)), 'x')}"
                                  f", got {shown}{_quote_hint(error)}")
    if kind in ("enum", "const"):
        allowed = _value(error) if kind == "enum" else [_value(error)]
        suggestion = did_you_mean(str(_instance(error)), allowed)
        return INVALID_VALUE.at(pos, f"{where} is {shown}{suggestion} "
                                     f"(allowed: {', '.join(map(str, allowed))})")
    if isinstance(error.cause, YearOutOfRange):
        return OUT_OF_RANGE.at(pos, f"{where} is {shown}: {error.cause}")
    if kind in ("pattern", "format"):
        return INVALID_FORMAT.at(pos, f"{where} is {shown}: {_format_hint(error)}")
    if kind == "uniqueItems":
        items = _instance(error) if isinstance(_instance(error), list) else []
        return _duplicate_item(items, ypath, where, positions)
    return OUT_OF_RANGE.at(pos, f"{where}: {_range_hint(error)}")


def _duplicate_item(items: list[Any], ypath: YamlPath, where: str,
                    positions: Positions) -> Diagnostic:
    """At the item that repeats an earlier one, as a duplicated key is reported."""
    seen: set[str] = set()
    for n, item in enumerate(items):
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            return DUPLICATE_ITEM.at(positions.at(ypath + (n,)),
                                     f"{where} lists {_show(item)} twice; keep one")
        seen.add(key)
    return DUPLICATE_ITEM.at(positions.at(ypath), f"{where} lists the same item twice; keep one")


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _quote_hint(error: ValidationError) -> str:
    if _value(error) == "boolean" and isinstance(_instance(error), str):
        return " (write true or false: yes, no, on and off are text)"
    return ""


def _format_hint(error: ValidationError) -> str:
    path = [p for p in error.absolute_path if isinstance(p, str)]
    field = path[-1] if path else ""
    hints = {
        "id": "write a prefix of capital letters and digits, a dash and a number, like PM-0042",
        "due": "write a date as YYYY-MM-DD, like 2009-03-06",
        "completed": "write a date as YYYY-MM-DD, like 2009-03-02",
        "link": "write an http or https URL",
    }
    if field == "id" and "action_items" in path:
        return "an action item id is A and a number, like A1"
    if field in hints:
        return hints[field]
    if _schema(error).get("format") == "date-time":
        return "write an RFC 3339 time with its offset, like 2009-01-20T14:00:00Z or " \
               "2009-01-20T15:00:00+01:00 (and a real date)"
    if _schema(error).get("pattern", "").startswith("^[a-z0-9]"):
        return "a key is lower-case letters, digits and dashes, like mail-relay"
    if field == "not_same_as" or (path and path[-1:] == ["not_same_as"]):
        return hints["id"]
    return f"it must match {_schema(error).get('pattern') or _schema(error).get('format')}"


def _range_hint(error: ValidationError) -> str:
    limit = _value(error)
    length = len(_instance(error)) if isinstance(_instance(error), str) else 0
    hints = {"minItems": f"list at least {limit} item{'s' if limit != 1 else ''}",
             "maxItems": f"list at most {limit} items",
             "minLength": "must not be empty",
             "maxLength": f"must be at most {limit} characters "
                          f"(it has {length})",
             "minimum": f"must be at least {limit}", "maximum": f"must be at most {limit}"}
    return hints.get(str(error.validator), error.message)


def describe_path(ypath: YamlPath, root: str = "the front matter") -> str:
    """A YAML path as a writer reads it: causes[1].key."""
    if not ypath:
        return root
    text = ""
    for part in ypath:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
