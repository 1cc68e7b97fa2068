"""A postmortem repeated month after month, for tests of how pages and drafts keep a long
history of one cause in bounds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hindsite.model import Postmortem


def monthly_copy(first: Postmortem, n: int) -> Postmortem:
    """`first` again as PM-<n + 100>, 30 days later for each step, its fixes moved along."""
    shift = timedelta(days=30 * n)
    ident = f"PM-{n + 100}"
    items = tuple(replace(i, incident=ident, completed=i.completed + shift if i.completed
                          else None) for i in first.action_items)
    return replace(first, id=ident, started=first.started + shift,
                   detected=first.detected + shift, action_items=items,
                   resolved=first.resolved + shift if first.resolved else None)
