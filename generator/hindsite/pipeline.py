"""The whole check, load → validate → link → suggest, as one call for the CLI and the plugin.

Files are read one at a time and only their model values are kept, so a large knowledge base
costs memory for its records, not for YAML node trees or token streams. The records that
pile up are moved out of the garbage collector's sight as they accumulate (`gc.freeze`):
otherwise every collection walks all of them again, and the check grows faster than linear.
They are given back to it when the check ends: in a process that checks again and again
(`mkdocs serve`), whatever garbage was frozen with them would never be collected.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import repeat
from pathlib import Path

from hindsite import pickling
from hindsite.cache import ResultCache, cache_folder, signing_key
from hindsite.checked import CheckResult, FileResult, Inputs
from hindsite.compose import LoadProblem
from hindsite.config import Settings
from hindsite.diagnostics import Diagnostic, Position
from hindsite.images import outcomes, with_images
from hindsite.link import KnowledgeBase, link
from hindsite.load import (
    INTERNAL,
    MAX_CATALOG_BYTES,
    MAX_POSTMORTEM_BYTES,
    discover,
    display_path,
    inside,
    load_document,
    load_yaml_file,
    read_regular,
)
from hindsite.memory import Images, Memory, Suggestions
from hindsite.model import Catalog, Postmortem
from hindsite.rules import RULES
from hindsite.similar import TextFeatures, suggest, text_features
from hindsite.validate import check_catalog, check_document, front_matter_id
from hindsite.validate.catalog import MISSING_CATALOG
from hindsite.validate.knowledge_base import (
    duplicate_ids,
    recurrence_rules,
    suggestion_diagnostics,
    unknown_not_same_as,
    unknown_references,
)

Progress = Callable[[int, int], None]
"""Told (files checked, files in all) as the check goes; the CLI shows it on a terminal."""


def run_check(settings: Settings, *, reuse: bool = True, progress: Progress | None = None,
              memory: Memory | None = None) -> CheckResult:
    """Read and check the whole knowledge base; every problem comes back as a diagnostic.

    With `reuse`, each unchanged file's result comes from the cache (`hindsite.cache`), and
    from `memory` first when the caller keeps one between checks; when nothing at all has
    changed since the check `memory` kept, that check is the result."""
    store = result_cache(settings, memory.results if memory else None) if reuse else None
    inputs = read_inputs(settings, store)
    key = report_key(inputs)
    if memory is not None and key and memory.last is not None and memory.last[0] == key \
            and memory.last[2] == images_shown(memory.last[1], settings.folder):
        return memory.last[1]
    result = check_inputs(inputs, settings, progress, memory)
    if memory is not None:
        memory.last = (key, result, images_shown(result, settings.folder)) if key else None
    return result


def images_shown(result: CheckResult, root: Path) -> tuple[tuple[str, Images], ...]:
    """What each image the narratives show gives now, by incident: images are other files,
    which no key covers, so the last check is taken again only if they give the same."""
    return tuple((pm.id, outcomes(pm.id, Path(pm.path), pm.images, root))
                 for pm in result.kb.by_id.values() if pm.images)


def read_inputs(settings: Settings, store: ResultCache[FileResult] | None) -> Inputs:
    catalog, problems = read_catalog(settings.catalog)
    paths, found = discover(settings.folder, settings.exclude)
    keys = [cache_key(store, path) for path in paths] if store is not None else []
    return Inputs(catalog, paths, problems + found, store, keys)


def report_key(inputs: Inputs) -> str:
    """The key of the whole check, made of every file's key and the problems found before
    any file was read; '' without a cache, or when a file could not be read (whatever
    stopped it is read again, never kept)."""
    if inputs.store is None or not all(inputs.keys):
        return ""
    made_of = "\n".join(inputs.keys) + "\n" + repr(inputs.problems)
    return inputs.store.key("whole check", made_of.encode("utf-8", "surrogateescape"))


def check_inputs(inputs: Inputs, settings: Settings, progress: Progress | None = None,
                 memory: Memory | None = None) -> CheckResult:
    """Every file's result, then the stages across files, which need all of them; with
    `memory`, the last suggestions when no file's linked part changed."""
    frozen_before = gc.get_freeze_count()
    try:
        return checked_inputs(inputs, settings, progress, memory)
    finally:
        if not frozen_before:
            gc.unfreeze()


def checked_inputs(inputs: Inputs, settings: Settings, progress: Progress | None,
                   memory: Memory | None) -> CheckResult:
    results = gathered(inputs, settings, progress)
    linked = memory.linked_key(inputs, results) if memory is not None else ""
    kb, across = across_files(results, catalog_of(inputs, settings), settings,
                              memory.suggestions(linked) if memory is not None else None)
    if memory is not None:
        memory.suggested = (linked, kb.suggestions) if linked else None
    problems = [*inputs.problems, *(p for result in results for p in result.problems)]
    return CheckResult(kb, configured(problems + across, settings), len(inputs.paths))


def gathered(inputs: Inputs, settings: Settings,
             progress: Progress | None = None) -> list[FileResult]:
    """Every file's result, in the order of `inputs.paths`, its images checked."""
    results = []
    for done, result in enumerate(checked_files(inputs.paths, inputs.catalog, settings,
                                                inputs.store, inputs.keys), 1):
        if progress is not None:
            progress(done, len(inputs.paths))
        results.append(result)
    if inputs.store is not None:
        inputs.store.forget_unused()
    return results


def catalog_of(inputs: Inputs, settings: Settings) -> Catalog:
    return inputs.catalog or Catalog(display_path(settings.catalog), {}, {}, {})


def across_files(results: list[FileResult], catalog: Catalog, settings: Settings,
                 suggestions: Suggestions | None = None
                 ) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """The stages across files: the knowledge base, and the problems only all the files
    together show (ids, references, recurrences, suggestions). `suggestions` are those
    already made from the same linked parts, if known."""
    postmortems: list[Postmortem] = []
    features: dict[str, TextFeatures] = {}
    claims: dict[str, list[Position]] = defaultdict(list)
    for result in results:
        if result.postmortem is not None and result.features is not None:
            postmortems.append(result.postmortem)
            features.setdefault(result.postmortem.id, result.features)
        if result.claim is not None:
            claims[result.claim[0]].append(result.claim[1])
    kb = link_and_suggest(postmortems, catalog, features, suggestions=suggestions)
    known = set(claims)
    return kb, [*duplicate_ids(claims), *unknown_references(kb, known), *recurrence_rules(kb),
                *unknown_not_same_as(kb, known),
                *suggestion_diagnostics(kb, settings.suggestions)]


PARALLEL_FROM = 400
"""From this many files, they are checked by worker processes (one per core, up to four,
or HINDSITE_JOBS): below it, starting the workers costs more than they save."""


def result_cache(settings: Settings, memory: dict[str, FileResult] | None = None
                 ) -> ResultCache[FileResult] | None:
    """The cache of per-file results for these settings and this catalog, seen from this
    working directory: on disk if one is kept, and in `memory` if given; None if neither."""
    folder = cache_folder(settings.base)
    secret = signing_key() if folder is not None else None
    if (folder is None or secret is None) and memory is None:
        return None
    try:
        catalog = read_regular(settings.catalog, "", MAX_CATALOG_BYTES)
    except LoadProblem:
        catalog = b""
    shown_from = f"{os.path.abspath(os.getcwd())}\0{Path.cwd().resolve()}\0{settings!r}\0"
    return ResultCache(folder, shown_from.encode("utf-8", "surrogateescape") + catalog, secret,
                       memory)


def checked_files(paths: list[Path], catalog: Catalog | None, settings: Settings,
                  store: ResultCache[FileResult] | None = None,
                  keys: list[str] | None = None) -> Iterator[FileResult]:
    """Each file's result, in the order of `paths`: from `store` when the file is unchanged,
    else checked (in worker processes when it pays) and kept in `store`. `keys` are the
    files' keys in `store`, when the caller has them already."""
    if store is not None and keys is None:
        keys = [cache_key(store, path) for path in paths]
    cached = cached_results(store, keys) if store is not None and keys is not None \
        else [None] * len(paths)
    missing = [path for path, hit in zip(paths, cached, strict=True) if hit is None]
    fresh = fresh_results(missing, catalog, settings)
    for n, (path, hit) in enumerate(zip(paths, cached, strict=True), 1):
        if n % 256 == 0:
            gc.freeze()
        result, payload = (hit, None) if hit is not None else next(fresh)
        if hit is None and store is not None and keys is not None and keys[n - 1]:
            store.put(keys[n - 1], result, payload)
        yield with_file_images(result, path, settings)


def cached_results(store: ResultCache[FileResult], keys: list[str]) -> list[FileResult | None]:
    """The results kept for `keys`. Unpickling makes some fifty objects a file and none of
    them can be garbage yet, so the cycle collector waits meanwhile (at 10,000 files it took
    more than half the time) and then leaves them out of its later walks."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [store.get(key) if key else None for key in keys]
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def cache_key(store: ResultCache[FileResult], path: Path) -> str:
    """The key of a file's result: its path and its bytes; '' if it cannot be read (the check
    reports that). The path is taken as found: the working directory, which decides how
    it is shown, is part of every key (`result_cache`)."""
    try:
        return store.key(path.as_posix(), read_regular(path, "", MAX_POSTMORTEM_BYTES))
    except LoadProblem:
        return ""


def fresh_results(paths: list[Path], catalog: Catalog | None,
                  settings: Settings) -> Iterator[tuple[FileResult, bytes | None]]:
    """Each file checked, in order, in worker processes when there are enough of them. A
    worker sends its result pickled (`pickling.dumps`), and those bytes come along for the
    cache to keep: the main process, which every result passes through, then only reads
    each result, and never pickles it again."""
    jobs = worker_count()
    if len(paths) < PARALLEL_FROM or jobs < 2:
        for path in paths:
            yield check_and_count(path, catalog, settings), None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        chunk = max(16, len(paths) // (jobs * 8))
        for payload in pool.map(check_and_pickle, paths, repeat(catalog), repeat(settings),
                                chunksize=chunk):
            yield pickle.loads(payload), payload


def worker_count() -> int:
    """HINDSITE_JOBS when it is a whole number (1 checks in this process), else the cores."""
    wanted = os.environ.get("HINDSITE_JOBS", "")
    return max(1, int(wanted)) if wanted.isdigit() else min(os.cpu_count() or 1, 4)


def check_and_pickle(path: Path, catalog: Catalog | None, settings: Settings) -> bytes:
    """`check_and_count`, pickled as the cache keeps it: the work of a worker process."""
    return pickling.dumps(check_and_count(path, catalog, settings))


def check_and_count(path: Path, catalog: Catalog | None, settings: Settings) -> FileResult:
    """One file's check and, for a valid one, its word counts for suggestions."""
    result = check_file(path, catalog, settings)
    if result.postmortem is None:
        return result
    return replace(result, features=text_features(result.postmortem, catalog))


def link_and_suggest(postmortems: list[Postmortem], catalog: Catalog,
                     features: dict[str, TextFeatures], limit: int = 0, *,
                     suggestions: Suggestions | None = None) -> KnowledgeBase:
    """The link stage with suggestions, made unless given. It allocates about a million
    small containers and no reference cycles, so the cycle collector is paused meanwhile
    rather than walking them again and again (about a fifth of the stage's time at 10,000
    postmortems)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return link(postmortems, catalog,
                    suggest(postmortems, catalog, features) if suggestions is None
                    else suggestions)
    finally:
        if was_enabled:
            gc.enable()


def read_catalog(path: Path) -> tuple[Catalog | None, list[Diagnostic]]:
    shown = display_path(path)
    if path.is_symlink() and not inside(path, path.parent):
        return None, []  # reported by discover() as HS108, and never read
    if not path.exists() and not path.is_symlink():
        return None, [MISSING_CATALOG.at(Position(shown), "the catalog of teams, services and "
                                         f"causes is missing; create {shown}")]
    data, where, problems = load_yaml_file(path)
    if data is None and problems:
        return None, problems
    catalog, catalog_problems = check_catalog(data, where)
    return catalog, problems + catalog_problems


def with_file_images(result: FileResult, path: Path, settings: Settings) -> FileResult:
    """The result with the images its narrative shows, checked now: they are other files,
    so a cached result never holds them."""
    pm = result.postmortem
    if pm is None or not pm.images:
        return result
    try:
        pm, image_problems = with_images(pm, path, settings.folder)
    except Exception as err:  # noqa: BLE001 - one file's bug must not hide the others
        return FileResult(None, [*result.problems, internal_error(path, err)], result.claim)
    return replace(result, postmortem=pm, problems=result.problems + image_problems)


def internal_error(path: Path, err: Exception) -> Diagnostic:
    return INTERNAL.at(Position(display_path(path)),
                       f"internal error ({type(err).__name__}: {err})")


def check_file(path: Path, catalog: Catalog | None, settings: Settings) -> FileResult:
    """One file's model value, problems and claimed id, from that file alone (its images
    are added by `with_file_images`); a bug becomes a diagnostic too."""
    try:
        doc, problems = load_document(path)
        if doc is None:
            return FileResult(None, problems)
        pm, more = check_document(doc, catalog, severity_levels=settings.severity_levels,
                                  required_sections=settings.required_sections,
                                  blame_phrases=settings.blame_phrases)
        ident = front_matter_id(doc)
        claim = (ident, doc.positions.at(("id",))) if ident else None
        return FileResult(pm, problems + more, claim)
    except Exception as err:  # noqa: BLE001 - one file's bug must not hide the others
        return FileResult(None, [internal_error(path, err)])


def configured(problems: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Apply per-rule severities from the configuration, drop rules switched off, and sort.

    A rule that is milder before publication (a missing section in a draft) stays milder."""
    result = []
    for d in problems:
        default = RULES[d.code].severity
        wanted = settings.severity_of(d.code, default)
        if wanted is None:
            continue
        severity = wanted if d.severity == default else min(wanted, d.severity)
        result.append(d if severity == d.severity else Diagnostic(
            d.path, d.line, d.col, severity, d.code, d.message, d.related))
    return sorted(set(result))
