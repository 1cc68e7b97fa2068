"""Read postmortem files: decode, split the front matter as MkDocs does, compose the YAML.

Bad input becomes diagnostics; loading goes on with the next file. Composing the YAML with
the position of every value is the work of `hindsite.compose`.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hindsite.compose import LoadProblem, Positions, compose
from hindsite.diagnostics import Diagnostic, Position, Severity, rule

STAGE = "load"
INVALID_UTF8 = rule("HS101", "invalid-utf8", Severity.ERROR,
                    "The file is not valid UTF-8.", STAGE)
NO_FRONT_MATTER = rule("HS104", "no-front-matter", Severity.ERROR,
                       "The file does not start with a front matter block between '---' lines.",
                       STAGE)
SYMLINK_OUTSIDE = rule("HS108", "symlink-outside", Severity.ERROR,
                       "A symbolic link points outside the knowledge base; it is not read.",
                       STAGE)
UNREADABLE = rule("HS109", "unreadable-file", Severity.ERROR,
                  "The file could not be read.", STAGE)
FILE_TOO_LARGE = rule("HS113", "file-too-large", Severity.ERROR,
                      "A postmortem over 256 KiB, or a catalog over 4 MiB; it is not read.",
                      STAGE)
INTERNAL = rule("HS100", "internal-error", Severity.ERROR,
                "hindsite failed on this file; the message says where. Please report it.", STAGE)

MAX_POSTMORTEM_BYTES = 256 * 1024
"""Ten times the longest postmortem anyone writes; beyond it, checking and building a file
would take long enough to stall CI, so a larger file is refused instead of read."""
MAX_CATALOG_BYTES = 4 * 1024 * 1024

FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
"""The expression MkDocs itself uses, so the two never disagree on where front matter ends."""


@dataclass(frozen=True, slots=True)
class Document:
    """One file, split and composed; `data` is None when its front matter is unusable."""

    path: str
    text: str
    data: dict[str, Any] | None
    positions: Positions
    body: str
    body_line: int


def display_path(path: Path) -> str:
    """Paths as the user would type them: relative to the working directory when inside it.

    A symbolic link is named as itself, never as the file it points to."""
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        try:
            return absolute.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def discover(root: Path, exclude: tuple[str, ...] = ()) -> tuple[list[Path], list[Diagnostic]]:
    """Every `*.md` under `root` that no `exclude` pattern matches, sorted; symbolic links
    leaving `root` are reported, not read."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not excluded(Path(folder, d).relative_to(root), exclude))
        for name in sorted(dirs + names):
            entry = Path(folder) / name
            if name in names and excluded(entry.relative_to(root), exclude):
                continue
            if entry.is_symlink() and not _inside(_target(entry), real_root):
                problems.append(SYMLINK_OUTSIDE.at(
                    Position(display_path(entry)),
                    f"symbolic link to {os.readlink(entry)} leaves the knowledge base; "
                    "replace it with the file itself"))
            elif name in names and name.endswith(".md") and not name.startswith("."):
                files.append(entry)
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return files, problems


def excluded(relative: Path, patterns: tuple[str, ...]) -> bool:
    """Whether a file or folder is left out: a pattern without '/' matches its name at any
    depth (`README.md`), one with '/' its path under the postmortems folder (`old/*`)."""
    path = relative.as_posix()
    return any(fnmatch.fnmatchcase(path if "/" in pattern else relative.name, pattern.strip("/"))
               for pattern in patterns)


def inside(link: Path, root: Path) -> bool:
    """Whether the file `link` stands for, once every symbolic link is followed, lies in
    `root` (a link that cannot be resolved counts as inside: reading it reports why)."""
    return _inside(_target(link), root.resolve())


def _inside(path: Path | None, root: Path) -> bool:
    """A link that cannot be resolved (a loop) counts as inside: reading it reports why."""
    return path is None or path == root or root in path.parents


def _target(link: Path) -> Path | None:
    try:
        return link.resolve()
    except (OSError, RuntimeError):
        return None


class NotOrdinary(OSError):
    """A FIFO, device or folder where an ordinary file was expected."""

    def __init__(self) -> None:
        super().__init__(0, "not an ordinary file")


class TooLarge(Exception):
    """An ordinary file over the size limit; `size` is what it holds."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def regular_bytes(path: Path, limit: int) -> bytes:
    """The bytes of an ordinary file of at most `limit` bytes. A FIFO, device or folder is
    never opened (reading a FIFO would wait forever); the checks are made again on the
    opened file, so that a file swapped meanwhile is refused too. Raises NotOrdinary,
    TooLarge or OSError, for each caller to report in its own words."""
    _regular_and_small(os.stat(path), limit)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        _regular_and_small(os.fstat(fd), limit)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def _regular_and_small(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise NotOrdinary
    if info.st_size > limit:
        raise TooLarge(info.st_size)


def read_regular(path: Path, shown: str, limit: int) -> bytes:
    """`regular_bytes`, with what stops it reported as a load diagnostic."""
    try:
        return regular_bytes(path, limit)
    except NotOrdinary:
        raise LoadProblem(UNREADABLE.at(Position(shown), (
            "not an ordinary file (a FIFO, device or folder); it is not read: replace it with "
            "a file"))) from None
    except TooLarge as big:
        raise LoadProblem(FILE_TOO_LARGE.at(Position(shown), (
            f"the file has {big.size:,} bytes, over the limit of {limit:,}; split it, or move "
            "pasted logs and data out of it"))) from None
    except OSError as err:
        raise LoadProblem(UNREADABLE.at(Position(shown),
                                        f"cannot read the file: {err.strerror}")) from None


def read_text(path: Path, shown: str, limit: int = MAX_POSTMORTEM_BYTES) -> str:
    """The file decoded as an editor shows it: no byte-order mark, every line break a '\\n'."""
    raw = read_regular(path, shown, limit)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[:err.start]
        line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
        col = len(raw[line_start:err.start].decode("utf-8", "replace")) + 1
        raise LoadProblem(INVALID_UTF8.at(
            Position(shown, line, col),
            f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_document(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    """Read one postmortem; problems come back as diagnostics, never as exceptions."""
    shown = display_path(path)
    try:
        text = read_text(path, shown)
        match = FRONT_MATTER_RE.match(text)
        if not match:
            raise LoadProblem(NO_FRONT_MATTER.at(Position(shown), _why_no_front_matter(text)))
        problems: list[Diagnostic] = []
        data, positions = compose(match.group(1), shown, first_line=2, problems=problems)
        body_line = text.count("\n", 0, match.end()) + 1
        doc = Document(shown, text, data, positions, text[match.end():], body_line)
        return doc, problems
    except LoadProblem as problem:
        return None, [problem.diagnostic]


def _why_no_front_matter(text: str) -> str:
    if text.startswith("---"):
        return "the front matter is never closed (or is empty): end it with a line '---'"
    return "a postmortem starts with front matter: a line '---', the YAML fields, and '---'"


def load_yaml_file(path: Path) -> tuple[dict[str, Any] | None, Positions, list[Diagnostic]]:
    """A whole-file YAML mapping (the catalog), with positions, or None and the problems."""
    shown = display_path(path)
    problems: list[Diagnostic] = []
    try:
        data, positions = compose(read_text(path, shown, MAX_CATALOG_BYTES), shown, first_line=1,
                                  problems=problems)
    except LoadProblem as problem:
        return None, Positions(shown), [problem.diagnostic]
    return data, positions, problems

