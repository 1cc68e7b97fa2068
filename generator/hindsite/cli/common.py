"""What every command shares: exit codes, and finding the knowledge base and its settings."""

from __future__ import annotations

import argparse
from pathlib import Path

from hindsite.config import ConfigError, Settings, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_config_file(command: argparse.ArgumentParser) -> None:
    command.add_argument("-f", "--config-file", metavar="FILE", type=Path,
                         help="mkdocs.yml to read settings from (default: the nearest "
                              "mkdocs.yml from here upwards)")


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
            return load_settings(shown(folder) / "mkdocs.yml")
        if (folder / "postmortems").is_dir():
            return Settings(base=shown(folder))
        if (folder / "catalog.yml").is_file() and folder.parent != folder:
            return Settings(base=shown(folder.parent), postmortems=folder.name)
    return Settings(base=Path("."))


def shown(folder: Path) -> Path:
    """A folder relative to the working directory when it is inside it, as users type it."""
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder
