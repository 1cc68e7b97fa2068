"""`hindsite check`: validate the knowledge base and report every problem."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hindsite.cli.common import EXIT_OK, EXIT_PROBLEMS, add_config_file, settings_for
from hindsite.cli.select import codes, selected
from hindsite.cli.terminal import Progress, coloured, wants_colour
from hindsite.config import ConfigError, Settings
from hindsite.diagnostics import Diagnostic, has_errors
from hindsite.report import REPORTERS, as_markdown
from hindsite.whole_check import check_report

HELP = "validate the knowledge base"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Validate every postmortem and the catalog. The whole knowledge "
                           "base is always read (rules span files); with PATHs, only problems "
                           "in those files or folders are reported.")
    command.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to report on")
    command.add_argument("--format", choices=sorted(REPORTERS), default="text",
                         help="output format (default: text)")
    command.add_argument("--strict", action="store_true", help="fail on warnings too")
    command.add_argument("-q", "--quiet", action="store_true",
                         help="errors and warnings only: no info, no line when all is well")
    command.add_argument("--select", action="append", default=[], metavar="RULES",
                         help="report only these rules: codes, code prefixes (HS3) or names, "
                              "comma-separated")
    command.add_argument("--ignore", action="append", default=[], metavar="RULES",
                         help="do not report these rules (as --select)")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    wanted = [Path(p) for p in args.paths]
    for path in wanted:
        if not path.exists():
            raise ConfigError(f"no such file or folder: {path}")
    settings = settings_for(args.config_file, wanted[0] if wanted else Path("."))
    for path in wanted:
        if not in_knowledge_base(path, settings):
            raise ConfigError(f"{path} is not in the knowledge base {settings.folder} "
                              "(no mkdocs.yml, postmortems folder or catalog.yml holds it)")
    wanted_rules = codes(args.select) if args.select else None
    unwanted_rules = codes(args.ignore)
    progress = Progress(sys.stderr)
    result = check_report(settings, progress=progress)
    progress.clear()
    shown = [d for d in selected(result.diagnostics, wanted_rules, unwanted_rules, args.quiet)
             if reported(d, wanted)]
    report = REPORTERS[args.format](shown, result.files)
    if args.quiet and not shown and args.format != "json":
        report = ""
    elif args.format == "text" and wants_colour(sys.stdout):
        report = coloured(report)
    sys.stdout.write(report)
    if args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(as_markdown(shown, result.files))
    return EXIT_PROBLEMS if has_errors(shown, strict=args.strict) else EXIT_OK


def in_knowledge_base(path: Path, settings: Settings) -> bool:
    """Whether `path` is the knowledge base, in it, or a folder that holds it: anything else
    would be reported on as if it had no problems."""
    where, folder = path.resolve(), settings.folder.resolve()
    return where == folder or folder in where.parents or where in folder.parents


def reported(diagnostic: Diagnostic, wanted: list[Path]) -> bool:
    if not wanted:
        return True
    where = Path(diagnostic.path).resolve()
    return any(where == p.resolve() or p.resolve() in where.parents for p in wanted)
