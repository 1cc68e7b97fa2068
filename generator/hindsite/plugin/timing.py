"""hindsite's own part of a build, by event: logged at debug level when the build ends, so that
`mkdocs serve -v` shows it beside MkDocs' "Documentation built in" for every rebuild."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Timed(Protocol):
    spent: defaultdict[str, float]


def timed(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Add the event's seconds to its plugin's `spent[name]`; the plugin is the first
    argument."""
    def wrap(event: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(event)
        def measured(*args: P.args, **kwargs: P.kwargs) -> R:
            start = time.perf_counter()
            try:
                return event(*args, **kwargs)
            finally:
                owner: Any = args[0]
                owner.spent[name] += time.perf_counter() - start
        return measured
    return wrap


def summary(spent: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in spent.items())
    return f"hindsite's part of this build: {sum(spent.values()):.2f} s ({parts})"
