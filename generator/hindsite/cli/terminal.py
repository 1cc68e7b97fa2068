"""What the command line does only for a person at a terminal: colour and progress.

Colour follows https://no-color.org: only when the output is a terminal, never when
NO_COLOR is set (to anything). Progress goes to standard error, on a terminal, once a run
has taken long enough for someone to wonder whether it is stuck.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import TextIO

COLOURS = {"error": "\033[1;31m", "warning": "\033[33m", "info": "\033[36m"}
RESET = "\033[0m"
SEVERITY = re.compile(r"^(\S.*?:\d+:\d+: )(error|warning|info)( HS\d+ )", re.MULTILINE)
PROGRESS_AFTER = 1.0
"""Seconds of silence before progress is shown."""


def wants_colour(stream: TextIO) -> bool:
    return "NO_COLOR" not in os.environ and stream.isatty()


def coloured(report: str) -> str:
    """The text report with each severity word in its colour."""
    return SEVERITY.sub(lambda m: f"{m[1]}{COLOURS[m[2]]}{m[2]}{RESET}{m[3]}", report)


class Progress:
    """'checked 300 of 1,000 files' on one line of a terminal, rewritten in place, from
    PROGRESS_AFTER seconds into the run; nothing when the stream is not a terminal."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.shown = False
        self.started = clock()
        self.last = 0.0
        self.active = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if not self.active or now - self.started < PROGRESS_AFTER or (
                now - self.last < 0.1 and done < total):
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\rchecked {done:,} of {total:,} files")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
