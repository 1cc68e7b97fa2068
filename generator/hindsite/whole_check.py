"""The diagnostics of a whole check, kept beside the per-file results: when nothing the check
reads has changed, `hindsite check` reports them without taking a single file's result from
the cache, and without the stages across files (links, suggestions), which would otherwise
run again on every check however few files changed.

They are kept under a key made of every file's key (its path, its bytes, the catalog, the
settings and hindsite's code, `hindsite.cache`) and the problems found before any file is
read. Images are other files, read by no key: the kept diagnostics hold each image's
outcome, and are taken only if every image still gives the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hindsite.cache import ResultCache
from hindsite.config import Settings
from hindsite.diagnostics import Diagnostic
from hindsite.images import publishable
from hindsite.model import PublishedImage, Reference
from hindsite.pipeline import (
    CheckResult,
    Inputs,
    Progress,
    check_inputs,
    read_inputs,
    result_cache,
)

ImageOutcome = tuple[str, Path, tuple[Reference, ...], tuple[PublishedImage | Diagnostic, ...]]
"""An incident, its file, the images its narrative shows, and what each of them gave."""


@dataclass(frozen=True, slots=True)
class Report:
    """What `hindsite check` prints: the diagnostics, and how many files were checked."""

    diagnostics: list[Diagnostic]
    files: int
    images: tuple[ImageOutcome, ...] = ()


def check_report(settings: Settings, *, reuse: bool = True,
                 progress: Progress | None = None) -> Report:
    """The whole check's diagnostics; the kept ones when nothing they came from changed."""
    store = result_cache(settings) if reuse else None
    inputs = read_inputs(settings, store)
    key = report_key(inputs)
    reports: ResultCache[Report] | None = store.alongside() if store is not None else None
    if reports is not None and key:
        kept = reports.get(key)
        if isinstance(kept, Report) and images_unchanged(kept.images, settings.folder):
            return kept
    result = check_inputs(inputs, settings, progress)
    report = Report(result.diagnostics, result.files, image_outcomes(result, settings.folder))
    if reports is not None and key:
        reports.put(key, report)
    return report


def report_key(inputs: Inputs) -> str:
    """The key of the whole check's report, or '' when a file could not be read (whatever
    stopped it is read again, never kept)."""
    if inputs.store is None or not all(inputs.keys):
        return ""
    made_of = "\n".join(inputs.keys) + "\n" + repr(inputs.problems)
    return inputs.store.key("whole check", made_of.encode("utf-8", "surrogateescape"))


def image_outcomes(result: CheckResult, root: Path) -> tuple[ImageOutcome, ...]:
    return tuple((pm.id, Path(pm.path), pm.images, outcomes_of(pm.id, Path(pm.path),
                                                               pm.images, root))
                 for pm in result.kb.postmortems if pm.images)


def outcomes_of(incident: str, source: Path, images: tuple[Reference, ...],
                root: Path) -> tuple[PublishedImage | Diagnostic, ...]:
    return tuple(publishable(incident, image, source, root) for image in images)


def images_unchanged(kept: tuple[ImageOutcome, ...], root: Path) -> bool:
    return all(outcomes_of(incident, source, images, root) == outcomes
               for incident, source, images, outcomes in kept)

