"""The command line: argument parsing and output only; the work is the library's.

Each command is a module of this package with `HELP`, `add_arguments(parser)` and
`run(args) -> exit code`; `COMMANDS` lists them in the order `hindsite --help` shows.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from hindsite import __version__
from hindsite.cli import check, export, init, new, rules, schema, similar
from hindsite.cli.common import EXIT_PROBLEMS, EXIT_USAGE
from hindsite.config import ConfigError
from hindsite.diagnostics import printable

COMMANDS: dict[str, ModuleType] = {"init": init, "new": new, "check": check,
                                  "export": export, "similar": similar, "rules": rules,
                                  "schema": schema}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hindsite", description="A postmortem knowledge base in "
                                  "git: check postmortems and build the site.")
    top.add_argument("--version", action="version", version=f"hindsite {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        module.add_arguments(commands.add_parser(name, help=module.HELP))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = COMMANDS[args.command].run(args)
    except ConfigError as err:
        print(f"hindsite: {printable(str(err))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `hindsite rules | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as err:  # a folder that is a file, a disk full, no permission
        where = f"{err.filename}: " if err.filename else ""
        print(f"hindsite: {printable(where + (err.strerror or str(err)))}", file=sys.stderr)
        return EXIT_USAGE
    return code
