"""`hindsite new "Title"`: a draft postmortem with the next free id, every required field
and section laid out."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from hindsite.cli.common import EXIT_OK, add_config_file, settings_for
from hindsite.config import ConfigError
from hindsite.load import discover
from hindsite.pipeline import read_catalog
from hindsite.scaffold.new import DraftError, Request, draft, ids_in, next_id

HELP = "start a postmortem as a draft, with the next free id"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Create postmortems/<year>/<id>-<slug>.md as a draft, dated now in "
                           "this machine's offset, and print its path. Services, teams and "
                           "causes are catalog keys; without them, the draft names the "
                           "catalog's first one, to replace.")
    command.add_argument("title", help="what went wrong, in a few words")
    command.add_argument("--severity", help="a configured severity level (default: the least "
                                            "severe)")
    command.add_argument("--service", action="append", default=[], metavar="KEY",
                         help="a service affected (repeat for more)")
    command.add_argument("--team", action="append", default=[], metavar="KEY",
                         help="an owning team (default: the services' teams)")
    command.add_argument("--cause", action="append", default=[], metavar="KEY",
                         help="a cause (repeat for more)")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args.config_file, Path("."))
    catalog, problems = read_catalog(settings.catalog)
    if catalog is None:
        raise ConfigError(problems[0].message if problems else f"cannot read {settings.catalog}")
    paths, _ = discover(settings.folder, settings.exclude)
    request = Request(args.title, args.severity, tuple(args.service), tuple(args.team),
                      tuple(args.cause))
    try:
        made = draft(request, next_id(ids_in(paths)), datetime.now().astimezone(), catalog,
                     settings.severity_levels, settings.required_sections)
    except DraftError as err:
        raise ConfigError(str(err)) from None
    path = settings.folder / made.path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(made.text)
    except FileExistsError:
        raise ConfigError(f"{path} exists already; it was not changed") from None
    print(path.as_posix())
    return EXIT_OK
