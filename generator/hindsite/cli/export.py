"""`hindsite export`: every incident's record and derived figures, as JSON or CSV, without
building the site."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from hindsite.cli.common import EXIT_OK, EXIT_PROBLEMS, add_config_file, settings_for
from hindsite.diagnostics import Severity
from hindsite.pipeline import run_check
from hindsite.render import build_site
from hindsite.render.data import incidents_json
from hindsite.render.spreadsheet import incidents_csv

HELP = "write every incident as JSON or CSV, without building the site"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Write every incident with its derived figures (durations, "
                           "recurrences, fix outcomes): json is the site's incidents.json, csv "
                           "one row per incident (columns in the README). Nothing is written "
                           "while the knowledge base has errors.")
    command.add_argument("--format", choices=("json", "csv"), default="json",
                         help="json (default) or csv")
    command.add_argument("-o", "--output", metavar="FILE", type=Path,
                         help="write to FILE instead of standard output")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args.config_file, Path("."))
    result = run_check(settings)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        for d in errors:
            print(d.format(), file=sys.stderr)
        print(f"hindsite: nothing exported: {len(errors)} error(s); 'hindsite check' lists "
              "every problem", file=sys.stderr)
        return EXIT_PROBLEMS
    site = build_site(result.kb, settings, date.today())
    text = incidents_csv(site) if args.format == "csv" else incidents_json(site)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8", newline="")
    return EXIT_OK
