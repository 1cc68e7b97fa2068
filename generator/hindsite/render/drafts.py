"""The communication kit: every message shape, drafted from one incident's record.

One registry line per shape, one template per shape (`templates/drafts/<key>.txt`), one
guide per shape (`communication/<key>.md`). Customer-facing templates receive only the
customer facts, so an internal field cannot reach them by mistake; the drafts live on a
page of their own per incident, which the incident page links to and search leaves out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from hindsite.render.draft_facts import Facts, draft_facts
from hindsite.render.links import Linker
from hindsite.render.site import Site
from hindsite.render.templating import render


@dataclass(frozen=True, slots=True)
class Shape:
    """A message shape: who reads it, whether customers do, and when it applies."""

    key: str
    title: str
    audience: str
    customer_facing: bool
    applies: Callable[[Facts], bool] = lambda facts: True


SHAPES: tuple[Shape, ...] = (
    Shape("first-notice", "First notice", "affected customers", True),
    Shape("status-update", "Status update", "affected customers", True),
    Shape("resolution-notice", "Resolution notice", "affected customers", True),
    Shape("executive-brief", "Executive brief", "leadership", False),
    Shape("options-memo", "Options memo", "whoever decides", False),
    Shape("customer-meeting", "Customer meeting preparation",
          "the account manager and whoever goes with them", False),
    Shape("why-didnt-that-fix-everything", "Why didn't that fix everything?",
          "leadership and the teams who ask", False, lambda facts: bool(facts.recurring)),
)
"""Every shape, in the order a reader needs them: during, after, upward, with customers."""


@dataclass(frozen=True, slots=True)
class Draft:
    shape: Shape
    text: str
    guide: str

    @property
    def placeholders(self) -> bool:
        return "{" in self.text


@cache
def text_environment() -> Environment:
    """Plain text: the drafts page escapes the finished draft once, as a whole. Package data,
    not checked on disk again each time a draft is written (as `templating.environment`)."""
    return Environment(loader=PackageLoader("hindsite.render", "templates/drafts"),
                       autoescape=False, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)


def drafts(site: Site, ident: str) -> tuple[tuple[Shape, str], ...]:
    """Every applicable shape of one incident with its text."""
    pm = site.kb.by_id[ident]
    facts = draft_facts(site.kb, pm, site.as_of, timedelta(minutes=site.settings.update_every))
    return tuple((shape, draft_text(shape, facts)) for shape in SHAPES if shape.applies(facts))


def draft_text(shape: Shape, facts: Facts) -> str:
    """One draft; a customer-facing template is given the customer facts and nothing else."""
    template = text_environment().get_template(f"{shape.key}.txt")
    if shape.customer_facing:
        return template.render(id=facts.id, final=facts.final, unknowns=facts.unknowns,
                               when=facts.when, c=facts.customer)
    return template.render(f=facts, when=facts.when, c=facts.customer, i=facts.internal)


def drafts_page(site: Site, ident: str, link: Linker) -> str:
    pm = site.kb.by_id[ident]
    found = [Draft(shape, text, link.to(f"communication/{shape.key}.md"))
             for shape, text in drafts(site, ident)]
    return render("drafts.html", pm=pm, drafts=found, incident=link.incident(ident),
                  guide=link.to("communication/index.md"),
                  missing=[s.title for s in SHAPES if s not in {d.shape for d in found}])
