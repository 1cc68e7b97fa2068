"""`hindsite init [DIR]`: a knowledge base that builds and passes the check as it is."""

from __future__ import annotations

import argparse
from pathlib import Path

from hindsite.cli.common import EXIT_OK
from hindsite.scaffold import init_files, installed_requirement, write_new

HELP = "start a knowledge base: mkdocs.yml, catalog, an example, CI and pre-commit"
NEXT_STEPS = """
Next:
  hindsite check                 # the example passes
  hindsite new "What went wrong" # your first postmortem, with the next free id
  mkdocs serve                   # the site, rebuilt as you write
{source}"""
SOURCE_TODO = ("  Edit requirements.txt: say where CI installs hindsite from (a git URL or a "
               "wheel's URL).\n")


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Write a complete starting point into DIR (default: here): "
                           "mkdocs.yml, postmortems/catalog.yml, one example postmortem, docs/, "
                           "a GitHub workflow, .pre-commit-config.yaml and .gitignore. A file "
                           "that exists is never overwritten.")
    command.add_argument("folder", nargs="?", default=".", metavar="DIR", type=Path,
                         help="where the knowledge base goes (default: here)")
    command.add_argument("--name", help="the site's name (default: '<DIR's name> postmortems')")


def run(args: argparse.Namespace) -> int:
    root: Path = args.folder
    name = args.name or f"{root.resolve().name or 'Our'} postmortems"
    requirement = installed_requirement()
    for written in write_new(root, init_files(name, requirement)):
        state = "created" if written.created else "kept   "
        note = "" if written.created else "  (it exists; not changed)"
        print(f"{state} {written.path}{note}")
    print(NEXT_STEPS.format(source=SOURCE_TODO if "YOUR-ORG" in requirement else ""), end="")
    return EXIT_OK
