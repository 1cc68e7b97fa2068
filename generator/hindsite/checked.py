"""What a check starts from and what it gives, stage to stage: plain values that the
pipeline, the plugin's memory between rebuilds and the cache all pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hindsite.cache import ResultCache
from hindsite.diagnostics import Diagnostic, Position
from hindsite.link import KnowledgeBase
from hindsite.model import Catalog, Postmortem
from hindsite.similar import TextFeatures


@dataclass(frozen=True, slots=True)
class CheckResult:
    kb: KnowledgeBase
    diagnostics: list[Diagnostic]
    files: int


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a check starts from: the catalog, the files in order, the problems found in
    reading them, and each file's key in `store` ('' for a file that cannot be read)."""

    catalog: Catalog | None
    paths: list[Path]
    problems: list[Diagnostic]
    store: ResultCache[FileResult] | None = None
    keys: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file's check: its model value (None when invalid), its problems, the id it claims
    and where (invalid files claim ids too: others may refer to them), and, for a valid
    file, its word counts for suggestions."""

    postmortem: Postmortem | None
    problems: list[Diagnostic]
    claim: tuple[str, Position] | None = None
    features: TextFeatures | None = None
