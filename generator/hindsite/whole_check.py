"""`hindsite check`'s report, kept beside the per-file results so that a check reuses the
whole of the last one, not only each unchanged file's result.

The last report is kept with, for every file's key (its path, its bytes, the catalog, the
settings and hindsite's code, `hindsite.cache`), the file's own problems and a digest of
what the stages across files read of it (`linked_part`). When no file changed, the report
is taken as it is. When a few changed, only they are checked; and if what the stages across
files read is the same as before (the narrative changed, not the record), their problems
are taken from the last report too: links and suggestions, which cost more than anything
else once files are cached, are not made again. Otherwise the whole check runs.

Those stages always run on the `linked_part` of each postmortem here (`hindsite.linked`),
so the digest is of exactly what they read.
Images are other files, read by no key: each image's outcome is kept and checked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from hindsite.cache import ResultCache
from hindsite.checked import FileResult, Inputs
from hindsite.config import Settings
from hindsite.diagnostics import Diagnostic, Position
from hindsite.images import outcomes
from hindsite.linked import linked_digest, linked_part
from hindsite.model import PublishedImage, Reference
from hindsite.pipeline import (
    Progress,
    across_files,
    catalog_of,
    checked_files,
    configured,
    gathered,
    read_inputs,
    report_key,
    result_cache,
)

FEW = 16, 0.05
"""Up to this many files changed, or this share of them, only they are checked before the
last report is compared; beyond it, the whole check runs."""

ImageOutcome = tuple[str, Path, tuple[Reference, ...], tuple[PublishedImage | Diagnostic, ...]]
"""An incident, its file, the images its narrative shows, and what each of them gave."""


@dataclass(frozen=True, slots=True)
class FileSummary:
    """What a report keeps of one file: its own problems (its images' included), the id it
    claims, the digest of its `linked_part` (empty for an invalid file) and its images."""

    problems: tuple[Diagnostic, ...]
    claim: tuple[str, Position] | None
    linked: bytes
    images: ImageOutcome | None


@dataclass(frozen=True, slots=True)
class Report:
    """What `hindsite check` prints, the diagnostics and how many files were checked, with
    what the next check needs to reuse it."""

    diagnostics: list[Diagnostic]
    files: int
    key: str = ""
    summaries: dict[str, FileSummary] = field(default_factory=dict)
    across: tuple[Diagnostic, ...] = ()
    across_key: str = ""


def check_report(settings: Settings, *, reuse: bool = True,
                 progress: Progress | None = None) -> Report:
    """The whole check's diagnostics, made again only as far as files changed."""
    store = result_cache(settings) if reuse else None
    inputs = read_inputs(settings, store)
    key = report_key(inputs)
    reports: ResultCache[Report] | None = store.alongside() if store and key else None
    latest_key = reports.key("latest report", b"") if reports else ""
    latest = reports.get(latest_key) if reports else None
    if not isinstance(latest, Report):
        latest = None
    elif latest.key == key and images_unchanged(latest.summaries.values(), settings.folder):
        return latest
    report = (latest and updated(latest, inputs, settings, key)) or \
        fresh_report(inputs, settings, key, progress, latest)
    if reports is not None:
        reports.put(latest_key, report)
    return report


def fresh_report(inputs: Inputs, settings: Settings, key: str, progress: Progress | None,
                 latest: Report | None = None) -> Report:
    """Every file's result and the stages across files; the summary of each unchanged file
    that shows no image is taken from `latest`."""
    results = gathered(inputs, settings, progress)
    linked = [replace(r, postmortem=linked_part(r.postmortem)) if r.postmortem else r
              for r in results]
    _kb, across = across_files(linked, catalog_of(inputs, settings), settings)
    kept = latest.summaries if latest is not None else {}
    summaries = [s if (s := kept.get(k)) and s.images is None else
                 summary_of(result, settings.folder)
                 for k, result in zip(inputs.keys or [""] * len(results), results, strict=True)]
    return report_of(inputs, settings, key, summaries, tuple(across))


def updated(latest: Report, inputs: Inputs, settings: Settings, key: str) -> Report | None:
    """The report from the last one and the files that changed since, if what the stages
    across files read did not change; else None."""
    changed = [n for n, k in enumerate(inputs.keys) if k not in latest.summaries]
    if len(changed) > max(FEW[0], FEW[1] * len(inputs.keys)):
        return None
    fresh = checked_files([inputs.paths[n] for n in changed], inputs.catalog, settings,
                          inputs.store, [inputs.keys[n] for n in changed])
    made = dict(zip(changed, (summary_of(r, settings.folder) for r in fresh), strict=True))
    summaries = [made.get(n) or latest.summaries[k] for n, k in enumerate(inputs.keys)]
    kept = [s for n, s in enumerate(summaries) if n not in made]
    if not images_unchanged(kept, settings.folder):
        return None
    report = report_of(inputs, settings, key, summaries, latest.across)
    return report if report.across_key == latest.across_key else None


def report_of(inputs: Inputs, settings: Settings, key: str, summaries: list[FileSummary],
              across: tuple[Diagnostic, ...]) -> Report:
    problems = [*inputs.problems, *(p for s in summaries for p in s.problems), *across]
    made_of = b"".join(repr(s.claim).encode() + b"\0" + s.linked + b"\n" for s in summaries)
    across_key = inputs.store.key("across files", made_of) if inputs.store else ""
    return Report(configured(problems, settings), len(inputs.paths), key,
                  dict(zip(inputs.keys, summaries, strict=True)) if key else {}, across,
                  across_key)


def summary_of(result: FileResult, root: Path) -> FileSummary:
    pm = result.postmortem
    if pm is None:
        return FileSummary(tuple(result.problems), result.claim, b"", None)
    images = (pm.id, Path(pm.path), pm.images, outcomes(pm.id, Path(pm.path), pm.images,
                                                        root)) if pm.images else None
    return FileSummary(tuple(result.problems), result.claim, linked_digest(pm), images)


def images_unchanged(summaries: Iterable[FileSummary], root: Path) -> bool:
    return all(outcomes(*s.images[:3], root) == s.images[3]
               for s in summaries if s.images is not None)
