"""Compose YAML into plain values, keeping the line and column of every value.

Values are built from the parser's event stream rather than PyYAML's constructors, so that
  * every value keeps the line and column it was written at (and nothing else of the node);
  * a duplicated key is reported instead of silently overwritten;
  * plain scalars follow YAML 1.2's core schema: `no`, `on` and `2024-01-05` stay text;
  * alias expansion and nesting are bounded before anything walks the data (PyYAML's C
    composer crashes the process on deep nesting, and aliases can explode on traversal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from hindsite.diagnostics import Diagnostic, Position, Severity, rule

STAGE = "load"
YAML_SYNTAX = rule("HS102", "yaml-syntax", Severity.ERROR,
                   "The front matter is not well-formed YAML.", STAGE)
DUPLICATE_KEY = rule("HS103", "duplicate-key", Severity.ERROR,
                     "A key appears twice in one mapping; YAML would silently keep the last.",
                     STAGE)
NOT_A_MAPPING = rule("HS105", "front-matter-not-mapping", Severity.ERROR,
                     "The front matter (or catalog) must be a mapping of fields.", STAGE)
ALIAS_LIMIT = rule("HS106", "alias-limit", Severity.ERROR,
                   "YAML aliases expand to more values than a postmortem can hold.", STAGE)
TOO_DEEP = rule("HS107", "nesting-too-deep", Severity.ERROR,
                "Collections are nested deeper than any postmortem needs.", STAGE)
YAML_TAG = rule("HS111", "yaml-tag", Severity.ERROR,
                "An explicit YAML tag (`!!python/...`, `!custom`) is not allowed.", STAGE)

MAX_DEPTH = 64
MAX_NODES = 50_000

Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")

YamlPath = tuple[str | int, ...]


class LoadProblem(Exception):
    """Stops composing one file; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(slots=True)
class Positions:
    """Where each value (and each mapping key) of a YAML document stands in its file."""

    path: str
    values: dict[YamlPath, tuple[int, int, int]] = field(default_factory=dict)
    keys: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    raw: dict[YamlPath, str] = field(default_factory=dict)

    def at(self, ypath: YamlPath) -> Position:
        """The value at `ypath`, or its nearest ancestor that has a position."""
        for n in range(len(ypath), -1, -1):
            found = self.values.get(ypath[:n])
            if found:
                return Position(self.path, found[0], found[1])
        return Position(self.path)

    def key_at(self, ypath: YamlPath) -> Position:
        found = self.keys.get(ypath)
        return Position(self.path, *found) if found else self.at(ypath)

    def end_line(self, ypath: YamlPath) -> int:
        found = self.values.get(ypath)
        return found[2] if found else 0


def compose(source: str, shown: str, *, first_line: int,
            problems: list[Diagnostic]) -> tuple[dict[str, Any] | None, Positions]:
    """Build plain values from YAML text; recoverable problems are appended to `problems`."""
    builder = _Builder(Positions(shown), first_line - 1, problems)
    shielded, builder.restore = _shield_breaks(source)
    feed = builder.feed
    try:
        for event in _events(shielded, Loader):
            feed(event)
    except yaml.MarkedYAMLError as err:
        if _parser_refused_depth(err):
            _find_first_collection_too_deep(shielded, shown, first_line)
        raise LoadProblem(builder.syntax_problem(err, source)) from None
    except yaml.reader.ReaderError as err:
        raise LoadProblem(YAML_SYNTAX.at(
            builder.pos(*_reader_position(source, err)),
            f"character U+{err.character:04X} cannot appear in YAML; remove it")) from None
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        raise LoadProblem(YAML_SYNTAX.at(Position(shown, first_line),
                                         f"cannot parse: {err}")) from None
    if builder.root is None:
        return None, builder.positions
    if not isinstance(builder.root, dict):
        raise LoadProblem(NOT_A_MAPPING.at(
            builder.positions.at(()), "expected a mapping of 'field: value' lines"))
    return builder.root, builder.positions


_YAML11_BREAKS = "\x85\u2028\u2029"


def _shield_breaks(source: str) -> tuple[str, dict[str, str]]:
    """Hide NEL, LS and PS from the parser, which (as YAML 1.1) would count them as line breaks:
    an editor does not, and YAML 1.2 reads them as ordinary characters of the text."""
    found = [c for c in _YAML11_BREAKS if c in source]
    if not found:
        return source, {}
    spare = (chr(n) for n in range(0xE000, 0xF900) if chr(n) not in source)
    restore = {next(spare): c for c in found}
    for stand_in, original in restore.items():
        source = source.replace(original, stand_in)
    return source, restore


def _reader_position(source: str, err: yaml.reader.ReaderError) -> tuple[int, int]:
    """0-based line and column of a character the YAML reader refused (libyaml counts bytes)."""
    index = err.position
    if not (0 <= index < len(source) and ord(source[index]) == err.character):
        index = len(source.encode("utf-8")[:index].decode("utf-8", "ignore"))
    return source.count("\n", 0, index), index - (source.rfind("\n", 0, index) + 1)


def _events(source: str, loader_class: Any) -> Iterator[yaml.Event]:
    """Every event of the stream; both parsers answer None once it has ended."""
    loader = loader_class(source)
    next_event = loader.get_event
    try:
        while (event := next_event()) is not None:
            yield event
    finally:
        loader.dispose()


def _parser_refused_depth(err: yaml.MarkedYAMLError) -> bool:
    """Newer libyaml (bundled from PyYAML 6.0.4) stops deep nesting itself, often before it
    hands over a single event; older releases hand over events and leave the limit to us."""
    return "nesting depth" in (err.problem or "")


def _find_first_collection_too_deep(source: str, shown: str, first_line: int) -> None:
    """Raise HS107 at the first collection past MAX_DEPTH, as every release of the parser
    would: the pure-Python parser hands over events lazily, so it stops there quickly."""
    builder = _Builder(Positions(shown), first_line - 1, [])
    try:
        for event in _events(source, yaml.SafeLoader):
            builder.feed(event)
    except (yaml.YAMLError, RecursionError, ValueError):
        pass


def _syntax_message(err: yaml.MarkedYAMLError, source: str) -> str:
    parts = [p for p in (err.context, err.problem) if p]
    text = "; ".join(parts) or "invalid YAML"
    mark = err.problem_mark
    lines = source.split("\n")
    at_tab = mark is not None and mark.line < len(lines) and \
        lines[mark.line][mark.column:mark.column + 1] == "\t"
    if at_tab or (err.problem and "tab" in err.problem):
        text += " (indent with spaces, not tabs)"
    return text


_SCALAR_TAGS = frozenset((None, "!", _STR_TAG))
_COLLECTION_TAGS = frozenset((None, "!"))
_UNCLOSED_SCALAR = ("while scanning a quoted", "while scanning a block scalar")
_UNCLOSED_FLOW = ("while parsing a flow sequence", "while parsing a flow mapping")


class _Builder:
    """Turns parser events into dicts, lists and scalars, recording positions as it goes."""

    def __init__(self, positions: Positions, line_offset: int,
                 problems: list[Diagnostic]) -> None:
        self.positions = positions
        self.line_offset = line_offset
        self.problems = problems
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.root: Any = None
        self.restore: dict[str, str] = {}

    def pos(self, line0: int, col0: int) -> Position:
        return Position(self.positions.path, line0 + 1 + self.line_offset, col0 + 1)

    def syntax_problem(self, err: yaml.MarkedYAMLError, source: str) -> Diagnostic:
        """At what was left unclosed when the parser can tell, else where it stopped: a quote
        or block scalar it was scanning, the innermost bracket still open when the text ran
        out, or the bracket of the list or mapping it was parsing."""
        mark = err.problem_mark
        context = err.context or ""
        opened = [f.start for f in self.stack if getattr(f.start, "flow_style", False)]
        if err.context_mark and context.startswith(_UNCLOSED_SCALAR):
            mark = err.context_mark
        elif opened and mark is not None and not _rest_of(source, mark.line, mark.column).strip():
            where = self._start(opened[-1])
            line = source.split("\n")[where.line - 1 - self.line_offset]
            bracket = line[where.col - 1:where.col]
            closing = {"[": "]", "{": "}"}.get(bracket, "")
            return YAML_SYNTAX.at(where, f"this '{bracket}' is never closed; "
                                         f"close it with '{closing}'")
        elif err.context_mark and context.startswith(_UNCLOSED_FLOW):
            mark = err.context_mark
        where = Position(self.positions.path, 1 + self.line_offset) if mark is None \
            else self.pos(mark.line, mark.column)
        return YAML_SYNTAX.at(where, _syntax_message(err, source))

    def feed(self, event: yaml.Event) -> None:
        """One event; the types are compared exactly, scalars first, as most events are."""
        kind = type(event)
        if kind is yaml.ScalarEvent:
            self._scalar(event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self._open(event)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            self._add(frame.container, frame.start, None, self.nodes - frame.nodes_before + 1)
        elif kind is yaml.AliasEvent:
            self._alias(event)

    def _scalar(self, event: Any) -> None:
        for stand_in, original in self.restore.items():
            event.value = event.value.replace(stand_in, original)
        if event.tag not in _SCALAR_TAGS:
            self._tag_problem(event)
        self._count(1, event)
        self._add(resolve_scalar(event), event, event.value, 1)

    def _open(self, event: Any) -> None:
        if event.tag not in _COLLECTION_TAGS:
            self._tag_problem(event)
        if len(self.stack) >= MAX_DEPTH:
            raise LoadProblem(TOO_DEEP.at(self._start(event),
                                          f"nested more than {MAX_DEPTH} levels deep"))
        self._count(1, event)
        container: Any = {} if type(event) is yaml.MappingStartEvent else []
        frame = _Frame(container, event, self.nodes)
        frame.path = self._child_path(event)
        self.stack.append(frame)

    def _child_path(self, event: yaml.Event) -> YamlPath:
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if isinstance(parent.container, list):
            return parent.path + (len(parent.container),)
        if parent.key is None:
            raise LoadProblem(YAML_SYNTAX.at(self._start(event),
                                             "a mapping key must be plain text"))
        if parent.duplicate:
            return parent.path + (_DISCARDED,)
        return parent.path + (parent.key,)

    def _alias(self, event: Any) -> None:
        if event.anchor not in self.anchors:
            raise LoadProblem(YAML_SYNTAX.at(self._start(event),
                                             f"alias *{event.anchor} names no anchor"))
        value, size = self.anchors[event.anchor]
        self._count(size, event)
        self._add(value, event, None, size, anchor=False)

    def _count(self, size: int, event: yaml.Event) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise LoadProblem(ALIAS_LIMIT.at(
                self._start(event),
                f"the document expands to more than {MAX_NODES} values; "
                "write values out instead of repeating aliases"))

    def _tag_problem(self, event: Any) -> None:
        self.problems.append(YAML_TAG.at(
            self._start(event), f"remove the YAML tag {_tag_as_written(event.tag)}: "
            "only plain values are read"))

    def _start(self, event: yaml.Event) -> Position:
        mark: Any = event.start_mark
        return self.pos(mark.line, mark.column)

    def _add(self, value: Any, event: Any, raw: str | None, size: int,
             anchor: bool = True) -> None:
        """Place a finished value in its parent, recording where it stands. Lines and columns
        are worked out here from the event's marks, without a Position for every value."""
        if anchor and event.anchor:
            self.anchors[event.anchor] = (value, size)
        mark = event.start_mark
        line, col = mark.line + 1 + self.line_offset, mark.column + 1
        if not self.stack:
            self.root = value
            self.positions.values[()] = (line, col, line)
            return
        frame = self.stack[-1]
        container = frame.container
        if type(container) is list:
            ypath = frame.path + (len(container),)
            container.append(value)
        elif frame.key is None:
            self._take_key(frame, raw, line, col)
            return
        else:
            key, frame.key = frame.key, None
            if key in container:
                return
            ypath = frame.path + (key,)
            container[key] = value
        self.positions.values[ypath] = (line, col, event.end_mark.line + 1 + self.line_offset)
        if raw is not None and type(value) is not str:
            self.positions.raw[ypath] = raw

    def _take_key(self, frame: _Frame, raw: str | None, line: int, col: int) -> None:
        if raw is None:
            raise LoadProblem(YAML_SYNTAX.at(Position(self.positions.path, line, col),
                                             "a mapping key must be plain text"))
        if raw in frame.container:
            first = self.positions.keys[frame.path + (raw,)]
            self.problems.append(DUPLICATE_KEY.at(
                Position(self.positions.path, line, col),
                f"duplicate key '{raw}' (first at line {first[0]}); keep one of them",
                related=(Position(self.positions.path, *first),)))
        else:
            self.positions.keys[frame.path + (raw,)] = (line, col)
        frame.duplicate = raw in frame.container
        frame.key = raw


def _rest_of(source: str, line: int, column: int) -> str:
    lines = source.split("\n")
    return "\n".join(lines[line:])[column:] if line < len(lines) else ""


def _tag_as_written(tag: str) -> str:
    """`tag:yaml.org,2002:python/object` as the writer wrote it: `!!python/object`."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


_DISCARDED = "\x00discarded"
"""Stands for a duplicated key in the paths of its value, which is dropped: the positions
recorded under it must not overwrite those of the value that is kept."""


class _Frame:
    __slots__ = ("container", "start", "nodes_before", "key", "path", "duplicate")

    def __init__(self, container: Any, start: yaml.Event, nodes_before: int) -> None:
        self.container = container
        self.start = start
        self.nodes_before = nodes_before
        self.key: str | None = None
        self.path: YamlPath = ()
        self.duplicate = False


_MAYBE_NOT_TEXT = frozenset(("", *"~nNtTfF+-.0123456789"))
"""The first characters of a null, a boolean or a number: any other plain scalar is text."""


def resolve_scalar(event: yaml.ScalarEvent) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted, block and `!!str` scalars are text."""
    text: str = event.value
    if event.style or event.tag in (_STR_TAG, "!") or not event.implicit[0]:
        return text
    if text[:1] not in _MAYBE_NOT_TEXT:
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT_RE.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    if text.lower() in (".inf", "+.inf", "-.inf", ".nan"):
        return float(text.replace(".", "", 1))
    return text
