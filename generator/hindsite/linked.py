"""What the stages across files (links, suggestions, the rules across files) read of a
postmortem, and a digest of it: when every file's digest is the same as in the last check,
so is everything those stages made, and a check can keep it (`whole_check`, and
`memory.Memory`, which the plugin keeps between rebuilds) instead of making it again."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from hindsite import pickling
from hindsite.model import Postmortem, normalise_heading

WHY = "Why it happened"


def linked_part(pm: Postmortem) -> Postmortem:
    """All of a postmortem but its narrative, of which only the "Why it happened" section
    (suggestions compare it) and the references are kept, its images, timeline,
    communications and options. A test holds the stages across files to the same results
    on these as on whole postmortems."""
    why = pm.section(WHY)
    return replace(pm, body=why, sections={normalise_heading(WHY): (0, why.count("\n") + 1)},
                   images=(), image_files=(), timeline=(), communications=(), options=(),
                   decision=None)


def record_part(pm: Postmortem) -> Postmortem:
    """What the pages made of records read of a postmortem: its linked part, with the rest
    of its record (the decision and options, the timeline, the communications). A test
    renders those pages from these alone and compares (`mkdocs serve` keys them by it)."""
    return replace(linked_part(pm), timeline=pm.timeline, communications=pm.communications,
                   options=pm.options, decision=pm.decision)


def digest(pm: Postmortem) -> bytes:
    """A hash of the value, the same for equal values however their parts are shared."""
    return hashlib.blake2b(pickling.dumps(pm, shared=False), digest_size=16).digest()


def linked_digest(pm: Postmortem | None) -> bytes:
    """The digest of a postmortem's linked part; empty for a file with no postmortem."""
    return digest(linked_part(pm)) if pm is not None else b""
