"""The command line: argument parsing and output only; the work is the library's."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hindsite import __version__
from hindsite.config import ConfigError, Settings, load_settings
from hindsite.diagnostics import Diagnostic, has_errors
from hindsite.pipeline import run_check
from hindsite.report import REPORTERS, as_markdown

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hindsite", description="A postmortem knowledge base in "
                                  "git: check postmortems and build the site.")
    top.add_argument("--version", action="version", version=f"hindsite {__version__}")
    commands = top.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the knowledge base",
                                description="Validate every postmortem and the catalog. The "
                                "whole knowledge base is always read (rules span files); with "
                                "PATHs, only problems in those files or folders are reported.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to report on")
    check.add_argument("--format", choices=sorted(REPORTERS), default="text",
                       help="output format (default: text)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("-f", "--config-file", metavar="FILE", type=Path,
                       help="mkdocs.yml to read settings from (default: ./mkdocs.yml if present)")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        wanted = [Path(p) for p in args.paths]
        for path in wanted:
            if not path.exists():
                raise ConfigError(f"no such file or folder: {path}")
        settings = settings_for(args.config_file, wanted[0] if wanted else Path("."))
        for path in wanted:
            if not in_knowledge_base(path, settings):
                raise ConfigError(f"{path} is not in the knowledge base {settings.folder} "
                                  "(no mkdocs.yml, postmortems folder or catalog.yml holds it)")
    except ConfigError as err:
        print(f"hindsite: {err}", file=sys.stderr)
        return EXIT_USAGE
    result = run_check(settings)
    shown = [d for d in result.diagnostics if reported(d, wanted)]
    sys.stdout.write(REPORTERS[args.format](shown, result.files))
    if args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(as_markdown(shown, result.files))
    return EXIT_PROBLEMS if has_errors(shown, strict=args.strict) else EXIT_OK


def in_knowledge_base(path: Path, settings: Settings) -> bool:
    """Whether `path` is the knowledge base, in it, or a folder that holds it: anything else
    would be reported on as if it had no problems."""
    where, folder = path.resolve(), settings.folder.resolve()
    return where == folder or folder in where.parents or where in folder.parents


def settings_for(config_file: Path | None, start: Path) -> Settings:
    """The given mkdocs.yml; else, as git finds its repository, the nearest folder from
    `start` upwards that has a mkdocs.yml or a postmortems folder, or is itself a knowledge
    base (has catalog.yml); else the defaults, which report the missing catalog."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"no such configuration file: {config_file}")
        return load_settings(config_file)
    here = start.resolve() if start.is_dir() else start.resolve().parent
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return load_settings(_shown(folder) / "mkdocs.yml")
        if (folder / "postmortems").is_dir():
            return Settings(base=_shown(folder))
        if (folder / "catalog.yml").is_file() and folder.parent != folder:
            return Settings(base=_shown(folder.parent), postmortems=folder.name)
    return Settings(base=Path("."))


def _shown(folder: Path) -> Path:
    """A folder relative to the working directory when it is inside it, as users type it."""
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def reported(diagnostic: Diagnostic, wanted: list[Path]) -> bool:
    if not wanted:
        return True
    where = Path(diagnostic.path).resolve()
    return any(where == p.resolve() or p.resolve() in where.parents for p in wanted)


if __name__ == "__main__":
    sys.exit(main())
