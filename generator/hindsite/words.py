"""How a postmortem's text becomes words and terms, and how a writer spelt each term.

The texts that make up a cause are listed here once (`incident_texts`, `cause_texts`): the
suggestion stage counts their terms, and the terms a suggestion shares are spelled from the
same texts (with the counts, when each file is checked), so the two cannot disagree.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from hindsite.lexicon import FOLD
from hindsite.model import Catalog, Cause, Postmortem

WORD_RE = re.compile(r"[a-z0-9]+")
"""Words, once hyphens are dropped: 'not-after' and 'write-ahead' count as one word each."""
SPELLING_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""The same words with their hyphens, as messages and pages show them."""
PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation.replace("-", ""), " "))
"""ASCII punctuation but the hyphen, as spaces: it never belongs to a word."""


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased, hyphens dropped (as `spellings` reads them too)."""
    return WORD_RE.findall(text.lower().replace("-", ""))


def term_of(word: str) -> str:
    """The concept a word names (lexicon.py), else its first five letters, so that
    'expired', 'expiry' and 'expiration' meet at 'expir'."""
    return FOLD.get(word) or word[:5]


def incident_texts(pm: Postmortem) -> dict[str, str]:
    """What every cause of an incident shares, by field: title, impact and "Why it happened"."""
    return {"title": pm.title, "impact": pm.impact.summary, "why": pm.section("Why it happened")}


def cause_texts(pm: Postmortem, cause: Cause, catalog: Catalog | None) -> dict[str, str]:
    """What one cause is made of, by field: its description, the titles of its fixes and,
    when the catalog describes its key, the catalog's title and description."""
    texts = {"description": cause.description,
             "fixes": " ".join(item.title for item in pm.fixes_for(cause.key))}
    described = catalog.causes.get(cause.key) if catalog is not None else None
    if described is not None:
        texts["catalog"] = f"{described.title} {described.description}"
    return texts


def spellings(pm: Postmortem, catalog: Catalog | None = None,
              wanted: frozenset[str] | None = None) -> dict[str, str]:
    """Each term of a postmortem's causes (and of the catalog's words for them) as the writer
    first spelt it, hyphens included; with `wanted`, only those terms, reading no further
    than needed to find them."""
    first: dict[str, str] = {}
    missing = set(wanted) if wanted is not None else None
    for word in first_words(" ".join(_spelling_texts(pm, catalog)).lower()):
        term = term_of(word.replace("-", ""))
        if missing is None:
            first.setdefault(term, word)
        elif term in missing:
            first[term] = word
            missing.discard(term)
            if not missing:
                break
    return first


def first_words(lowered: str) -> Iterator[str]:
    """The words SPELLING_RE finds in a lower-cased text, in order of first appearance (a
    repeat adds nothing to a first spelling). Splitting at spaces and punctuation costs a
    fraction of the regex, which only the few pieces with hyphens or other scripts need."""
    for piece in dict.fromkeys(lowered.translate(PUNCTUATION).split()):
        if piece.isascii() and piece.isalnum():
            yield piece
        else:
            yield from SPELLING_RE.findall(piece)


def _spelling_texts(pm: Postmortem, catalog: Catalog | None) -> list[str]:
    """The texts of `incident_texts` and `cause_texts`, the incident's first."""
    per_cause = [cause_texts(pm, cause, catalog) for cause in pm.causes]
    texts = list(incident_texts(pm).values())
    for field in ("description", "fixes", "catalog"):
        texts += [found[field] for found in per_cause if field in found]
    return texts


def spelled(words: dict[str, str], stems: tuple[str, ...]) -> tuple[str, ...]:
    """Stems as `spellings` found them written, for messages and pages."""
    return tuple(words.get(s, s) for s in stems)
