"""A new postmortem: the next free id with the prefix the knowledge base already uses, a
file name from the title, and a draft with every required field and section laid out,
each with one line of guidance, that `hindsite check` accepts as it is."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from hindsite.diagnostics import did_you_mean
from hindsite.model import Catalog

ID_IN_NAME = re.compile(r"([A-Z][A-Z0-9]*)-([0-9]+)(?=-|\.md$)")
ID_IN_FRONT_MATTER = re.compile(r"^id:[ \t]*[\"']?([A-Z][A-Z0-9]*)-([0-9]+)[\"']?[ \t]*(?:#|$)",
                                re.MULTILINE)
DEFAULT_PREFIX, DEFAULT_WIDTH = "PM", 4
UNKNOWN_CAUSE = "under-investigation"
"""The cause a draft starts with when none is given, if the catalog has it (`init` adds it):
a draft is often written before anyone knows why."""
TITLE_LIMIT = 120
"""The schema's limit on a title's length."""
HINTED = 8
"""How many catalog keys a field's guidance lists."""
GUIDANCE = {
    "Summary": "TODO: in three sentences, what broke, who felt it, and what we changed.",
    "What happened": "TODO: the story in time order, for a reader who was not there.",
    "Why it happened": "TODO: the conditions and decisions that made it possible; systems, "
                       "not people.",
    "Lessons learned": "TODO: what this taught us that holds beyond this incident.",
}


class DraftError(Exception):
    """A request `hindsite new` cannot honour: an unknown key or level, an empty catalog."""


@dataclass(frozen=True, slots=True)
class Draft:
    """A new postmortem: its path under the postmortems folder and its text."""

    path: str
    text: str


def ids_in(paths: Iterable[Path]) -> list[tuple[str, int, int]]:
    """(prefix, number, digits) of each id the files use, from names and front matter."""
    found: list[tuple[str, int, int]] = []
    for path in paths:
        match = ID_IN_NAME.match(path.name)
        if match is None:
            try:
                head = path.read_text(encoding="utf-8-sig", errors="replace")[:4096]
            except OSError:
                continue
            match = ID_IN_FRONT_MATTER.search(head)
        if match is not None:
            found.append((match.group(1), int(match.group(2)), len(match.group(2))))
    return found


def next_id(used: list[tuple[str, int, int]]) -> str:
    """One past the highest number of the most used prefix, as wide as its ids are."""
    if not used:
        return f"{DEFAULT_PREFIX}-{1:0{DEFAULT_WIDTH}d}"
    prefix = Counter(p for p, _, _ in used).most_common(1)[0][0]
    mine = [(n, w) for p, n, w in used if p == prefix]
    width = Counter(w for _, w in mine).most_common(1)[0][0]
    return f"{prefix}-{max(n for n, _ in mine) + 1:0{width}d}"


def slug(title: str, limit: int = 50) -> str:
    """A file name's words: the title in lower-case ASCII, joined by hyphens."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    text = ""
    for word in words:
        if text and len(text) + 1 + len(word) > limit:
            break
        text = f"{text}-{word}" if text else word[:limit]
    return text or "incident"


def chosen(kind: str, wanted: tuple[str, ...], known: Iterable[str]) -> list[str]:
    """The keys asked for, each checked against the catalog; else `UNKNOWN_CAUSE` when the
    catalog has it, else the catalog's first key."""
    keys = list(known)
    for key in wanted:
        if key not in keys:
            raise DraftError(f"unknown {kind} '{key}'{did_you_mean(key, keys)} ({kind}s are "
                             "listed in catalog.yml)")
    if wanted:
        return list(dict.fromkeys(wanted))
    if not keys:
        raise DraftError(f"catalog.yml lists no {kind} yet; add one first")
    return [UNKNOWN_CAUSE] if UNKNOWN_CAUSE in keys else keys[:1]


def hint(keys: list[str], given: bool) -> str:
    if given or len(keys) < 2:
        return ""
    more = ", ..." if len(keys) > HINTED else ""
    return f"; one of {', '.join(keys[:HINTED])}{more}"


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("hindsite", "scaffold"), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["quoted"] = lambda text: json.dumps(text, ensure_ascii=False)
    return env


@dataclass(frozen=True, slots=True)
class Request:
    """What `hindsite new` was asked for."""

    title: str
    severity: str | None = None
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()


def draft(request: Request, ident: str, now: datetime, catalog: Catalog,
          levels: tuple[str, ...], sections: tuple[str, ...]) -> Draft:
    """The new postmortem, dated `now` (with its offset), at `<year>/<id>-<slug>.md`."""
    title = " ".join(request.title.split())
    if not title or len(title) > TITLE_LIMIT:
        raise DraftError(f"the title has {len(title)} characters; say what went wrong in 1 "
                         f"to {TITLE_LIMIT}")
    severity = request.severity or levels[-1]
    if severity not in levels:
        raise DraftError(f"unknown severity '{severity}'{did_you_mean(severity, levels)} "
                         f"(levels: {', '.join(levels)})")
    services = chosen("service", request.services, catalog.services)
    owners = [catalog.services[key].team for key in services if key in catalog.services]
    teams = chosen("team", request.teams or tuple(dict.fromkeys(owners)), catalog.teams)
    causes = chosen("cause", request.causes, catalog.causes)
    moment = now.replace(second=0, microsecond=0).isoformat()
    text = _environment().get_template("postmortem.md").render(
        id=ident, title=title, severity=severity, levels=levels, now=moment,
        services=services, teams=teams, causes=causes, sections=sections,
        guidance=GUIDANCE, due=(now + timedelta(days=28)).date().isoformat(),
        services_hint=hint(list(catalog.services), bool(request.services)),
        teams_hint=hint(list(catalog.teams), bool(request.teams)),
        causes_hint=hint(list(catalog.causes), bool(request.causes)))
    return Draft(f"{now.year}/{ident}-{slug(title)}.md", text)
