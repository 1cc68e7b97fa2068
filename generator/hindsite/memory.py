"""What a process that checks again and again (`mkdocs serve`) keeps from one check to the
next, so that a rebuild after one edit checks that file alone and, when its linked part
(`hindsite.linked`) is unchanged, makes no suggestions again."""

from __future__ import annotations

from dataclasses import dataclass, field

from hindsite.checked import CheckResult, FileResult, Inputs
from hindsite.diagnostics import Diagnostic
from hindsite.linked import linked_digest
from hindsite.model import PublishedImage, Suggestion

Suggestions = dict[tuple[str, str], tuple[Suggestion, ...]]
Images = tuple[PublishedImage | Diagnostic, ...]
"""What each image a narrative shows gave: published, or a problem."""


@dataclass(slots=True)
class Memory:
    """Each file's result and the digest of its linked part by key, the last suggestions with
    the key of all the linked parts they were made from, and the last whole check with its
    key and what its images gave. Each check replaces what the last one kept, so nothing
    piles up."""

    results: dict[str, FileResult] = field(default_factory=dict)
    digests: dict[str, bytes] = field(default_factory=dict)
    suggested: tuple[str, Suggestions] | None = None
    last: tuple[str, CheckResult, tuple[tuple[str, Images], ...]] | None = None

    def linked_key(self, inputs: Inputs, results: list[FileResult]) -> str:
        """A key for what suggestions read of every file, in order; '' without one."""
        if inputs.store is None or not all(inputs.keys):
            return ""
        digests = {key: self.digests.get(key) or linked_digest(result.postmortem)
                   for key, result in zip(inputs.keys, results, strict=True)}
        self.digests = digests
        return inputs.store.key("linked parts", b"\n".join(digests[k] for k in inputs.keys))

    def suggestions(self, key: str) -> Suggestions | None:
        return self.suggested[1] if key and self.suggested and self.suggested[0] == key \
            else None
