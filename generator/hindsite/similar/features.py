"""What a cause is made of, as terms: worked out once per file, when it is checked.

Each cause occurrence becomes a bag of its words (its description and fixes, the catalog's
title and description for its key, and the incident's "Why it happened" section, with
operations synonyms folded to one term by lexicon.py) and of its structure (services, cause
category, cause kind) as pseudo-terms. The incident's title and impact summary are left
out: they say what people saw, and different causes show the same symptoms (on the
labelled sets, symptom words separate a true earlier cause from a near miss worse than
chance); `hindsite similar`, whose query is symptoms, compares them apart.
"""

from __future__ import annotations

import functools
import math
import sys
from collections import Counter
from dataclasses import dataclass, field

from hindsite.model import Catalog, Postmortem
from hindsite.words import spellings, term_of, words_of

STOPWORDS = frozenset("""
a about after again against all also an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just more most no
nor not now of off on once only or other our out over own same she so some such than that
the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your new one two three
first second time times day days week weeks month hour hours minute minutes incident
incidents cause causes caused causing issue issues problem problems happened happen team
teams customer customers service services user users
""".split())  # noqa: SIM905 - a word list reads best as text
GENERIC = frozenset("""
add added adding answer answered anyone anything automatic automatically back behind build
built change changed changes check checked close closed create created creating every
everyone everything exist existed existing evening morning night failed fail fails failing
failure failures four five half instead kept keep last late later left list listed long
longer look looked looking lost manual manually many meant moved never nobody nothing
notice noticed old passed per reach reached read received receive return returned review
reviewed run ran running sent separate set share shared short showed show shown single
start started starting still stop stopped switch switched took take taken treat treated
update updated use used uses using went whole within without work worked working works
written years year wrong data error errors right way whether already even made make makes
needed need needs next part point put see seen since thing things until go goes going gone
send sends sending finish finished date dates load loaded loads page pages pay paid attempt
attempts live
""".split())  # noqa: SIM905 - a word list reads best as text
"""Narrative words any postmortem uses ('data', 'use', 'wrong', 'failed'): they say nothing
about a mechanism, so they are never named as evidence."""
FIELD_WEIGHTS = {"description": 1.0, "catalog": 3.0, "fixes": 1.0, "why": 2.0,
                 "structure": 1.0}
"""The catalog's title for a key weighs most: it is what a team agreed the cause is; then
the "Why it happened" section, where the mechanism is explained (weighed 1 to 3 on the
labelled sets, each left out in turn, 2 to 3 did best). The timeline is left out: it tells
how the incident unfolded, not why."""


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """Each cause's terms and their log-scaled counts, worked out once when the file is
    checked (in the worker processes, and cacheable with the file and the catalog): only
    the idf, which needs every file, is left for the suggestion stage."""

    causes: dict[str, dict[str, float]]
    own: dict[str, dict[str, float]]
    """Each cause's own words (description, fixes, the catalog's title and description)."""
    why: dict[str, float]
    """The words of the incident's "Why it happened" section."""
    described: dict[str, frozenset[str]]
    """Each cause's description, as terms: whether two descriptions agree, for a message."""
    path: str = ""
    """The file these were worked out from: of files claiming one id, the link stage keeps
    one, and only its own spellings may name its terms."""
    spelled: dict[str, str] = field(default_factory=dict)
    """How the writer first spelt each term of `own` and `why` (`words.spellings`), where
    that is not the term itself: the words a suggestion's message names, read here with the
    rest of the file rather than again in the stage across files."""


GENERIC_TERMS = frozenset(map(term_of, GENERIC))


def terms_of(text: str, weight: float = 1.0) -> Counter[str]:
    """Terms and their weighted counts; short words, stopwords and numbers say nothing."""
    counts = Counter(term_of(word) for word in words_of(text)
                     if len(word) > 2 and word not in STOPWORDS and not word.isdigit())
    if weight != 1.0:
        for term in counts:
            counts[term] *= weight  # type: ignore[assignment]
    return counts


def text_features(pm: Postmortem, catalog: Catalog | None) -> TextFeatures:
    """What each cause is made of: its description and fixes, the catalog's words for its
    key, its structure (services, category and kind as pseudo-terms), and the incident's
    "Why it happened" section, which its causes share."""
    why = terms_of(pm.section("Why it happened"), FIELD_WEIGHTS["why"])
    causes: dict[str, dict[str, float]] = {}
    own: dict[str, dict[str, float]] = {}
    description_terms: dict[str, frozenset[str]] = {}
    for cause in pm.causes:
        if cause.key in causes:
            continue  # a key listed twice (an error reported elsewhere): the first counts
        words = terms_of(cause.description, FIELD_WEIGHTS["description"])
        description_terms[cause.key] = frozenset(specific(words))
        fixes = " ".join(a.title for a in pm.action_items if cause.key in a.addresses)
        words.update(terms_of(fixes, FIELD_WEIGHTS["fixes"]))
        described = catalog.causes.get(cause.key) if catalog is not None else None
        structure = [f"svc:{s}" for s in pm.services] + [f"kind:{cause.kind}"]
        if described is not None:
            words.update(_catalog_terms(f"{described.title} {described.description}"))
            structure.append(f"cat:{described.category}")
        own[cause.key] = _scaled(specific(words))
        counts = Counter(why)
        counts.update(words)
        counts.update(dict.fromkeys(structure, FIELD_WEIGHTS["structure"]))
        causes[cause.key] = _scaled(counts)
    why_terms = _scaled(specific(why))
    written = spellings(pm, catalog, frozenset(why_terms).union(*own.values()))
    return TextFeatures(causes, own, why_terms, description_terms, pm.path,
                        {term: word for term, word in written.items() if word != term})


def specific(counts: Counter[str]) -> Counter[str]:
    """The terms that can name a mechanism: GENERIC ones left out."""
    return Counter({t: w for t, w in counts.items() if t not in GENERIC_TERMS})


def _scaled(counts: Counter[str]) -> dict[str, float]:
    """Log-scaled counts, terms interned: a word said ten times is not ten times the evidence."""
    return {sys.intern(t): (1 + math.log(w)) if w >= 1 else w for t, w in counts.items()}


@functools.lru_cache(maxsize=4096)
def _catalog_terms(text: str) -> Counter[str]:
    """The catalog's words for a key, counted once per process however many causes use it."""
    return terms_of(text, FIELD_WEIGHTS["catalog"])
