"""`hindsite schema`: the JSON Schemas of this knowledge base, for editors."""

from __future__ import annotations

import argparse
from pathlib import Path

from hindsite.cli.common import EXIT_OK, add_config_file, settings_for
from hindsite.scaffold import editor_schemas

HELP = "write the front-matter and catalog schemas for editors"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Write postmortem.schema.json and catalog.schema.json, with this "
                           "knowledge base's severity levels, into DIR (default: schema/ "
                           "beside mkdocs.yml). Run it again after changing the levels.")
    command.add_argument("-o", "--output", metavar="DIR", type=Path,
                         help="the folder to write into (default: schema/ beside mkdocs.yml)")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args.config_file, Path("."))
    folder: Path = args.output or settings.base / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in editor_schemas(settings).items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        print(path.as_posix())
    return EXIT_OK
