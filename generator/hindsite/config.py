"""Configuration, read from the `hindsite` entry of mkdocs.yml's plugins by the CLI and the plugin.

One parser serves both shells, so CI and the published site can never disagree about a rule.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hindsite.diagnostics import Severity, did_you_mean
from hindsite.model import NAMED
from hindsite.rules import find_rule

DEFAULT_SECTIONS = ("Summary", "What happened", "Why it happened", "Lessons learned")
DEFAULT_LEVELS = ("SEV1", "SEV2", "SEV3", "SEV4")
DEFAULT_EXCLUDE = ("README.md",)
DEFAULT_MEANINGS = {
    "SEV1": "A core service is down or losing data for many customers; everyone needed is "
            "called in, at any hour.",
    "SEV2": "A core service is badly degraded, or one feature is down for many customers; the "
            "owning team works on it now.",
    "SEV3": "A minor feature is broken or slow, or few customers are affected, with a "
            "workaround; fixed in working hours.",
    "SEV4": "No customer noticed, or nearly nothing was affected; recorded for what it "
            "teaches.",
}
DEFAULT_BLAME = ("human error", "should have", "careless", "fault of", "blame", "negligent",
                 "negligence", "sloppy", "incompetent", "screwed up", "dropped the ball")


class ConfigError(Exception):
    """A configuration the tools cannot run with: the CLI exits 2, the build stops."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, with the defaults that apply when mkdocs.yml says nothing."""

    base: Path = Path(".")
    postmortems: str = "postmortems"
    severity_levels: tuple[str, ...] = DEFAULT_LEVELS
    severity_meanings: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MEANINGS))
    required_sections: tuple[str, ...] = DEFAULT_SECTIONS
    blame_phrases: tuple[str, ...] = DEFAULT_BLAME
    rules: Mapping[str, Severity | None] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    suggestions: int = NAMED
    update_every: int = 30
    """Minutes between the status updates a draft promises: silence is the worst update."""

    @property
    def folder(self) -> Path:
        return self.base / self.postmortems

    @property
    def catalog(self) -> Path:
        return self.folder / "catalog.yml"

    def severity_of(self, code: str, default: Severity) -> Severity | None:
        """The configured severity of a rule; None when it is switched off."""
        return self.rules.get(code, default)


OPTIONS = {
    "postmortems": "the folder of postmortems and catalog.yml, relative to mkdocs.yml",
    "severity_levels": "the severity levels, worst first; each a name, or 'NAME: what it means'",
    "required_sections": "the level-2 sections every postmortem body must have",
    "blame_phrases": "phrases reported as blame language",
    "rules": "per-rule severity: error, warning, info or off, by code or name",
    "suggestions": "how many 'possibly the same cause' suggestions an incident page shows",
    "update_every": "minutes between the status updates the drafts promise (default 30)",
    "exclude": "files and folders of the postmortems folder that are not postmortems",
}


def parse_settings(options: Mapping[str, Any] | None, base: Path) -> Settings:
    """Settings from the plugin's options; an unknown or malformed option is a ConfigError."""
    options = dict(options or {})
    for name in options:
        if name not in OPTIONS:
            raise ConfigError(f"unknown hindsite option '{name}'{did_you_mean(name, OPTIONS)} "
                              f"(options: {', '.join(OPTIONS)})")
    levels, meanings = _severity_levels(options.get("severity_levels"))
    return Settings(
        base=base,
        postmortems=_folder_inside(base, _text(options, "postmortems", "postmortems")),
        severity_levels=levels,
        severity_meanings=meanings,
        required_sections=_texts(options, "required_sections", DEFAULT_SECTIONS),
        blame_phrases=_texts(options, "blame_phrases", DEFAULT_BLAME),
        rules=_rule_severities(options.get("rules") or {}),
        exclude=_texts(options, "exclude", DEFAULT_EXCLUDE, empty=True),
        suggestions=_count(options, "suggestions", NAMED),
        update_every=_minutes(options, "update_every", 30),
    )


def _minutes(options: Mapping[str, Any], name: str, default: int) -> int:
    value = _count(options, name, default)
    if value < 1:
        raise ConfigError(f"hindsite option '{name}' must be at least 1 minute, got {value}")
    return value


def _text(options: Mapping[str, Any], name: str, default: str) -> str:
    value = options.get(name, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"hindsite option '{name}' must be a folder name, got {value!r}")
    return value


def _folder_inside(base: Path, name: str) -> str:
    """The postmortems folder, which must lie inside the project: the check reads it and
    the site publishes from it."""
    inside = not Path(name).is_absolute()
    if inside:
        project, folder = base.resolve(), (base / name).resolve()
        inside = folder == project or project in folder.parents
    if not inside:
        raise ConfigError(f"hindsite option 'postmortems' must be a folder inside the project "
                          f"(beside mkdocs.yml), got {name!r}")
    return name


def _texts(options: Mapping[str, Any], name: str, default: tuple[str, ...],
           empty: bool = False) -> tuple[str, ...]:
    value = options.get(name, default)
    if empty and value is None:
        return ()
    if not isinstance(value, (list, tuple)) or \
            not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"hindsite option '{name}' must be a list of text, none of it blank, "
                          f"got {value!r}")
    return tuple(value)


def _severity_levels(value: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """The levels, worst first, and what each means: each entry is a name, or a one-key
    mapping `NAME: meaning`; the default levels keep their default meanings."""
    if value is None:
        return DEFAULT_LEVELS, dict(DEFAULT_MEANINGS)
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError("hindsite option 'severity_levels' must be a list of levels, worst "
                          f"first, got {value!r}")
    levels: list[str] = []
    meanings: dict[str, str] = {}
    for entry in value:
        name, meaning = _severity_level(entry)
        if name in levels:
            raise ConfigError(f"hindsite option 'severity_levels': '{name}' is listed twice")
        levels.append(name)
        if meaning or name in DEFAULT_MEANINGS:
            meanings[name] = meaning or DEFAULT_MEANINGS[name]
    return tuple(levels), meanings


def _severity_level(entry: Any) -> tuple[str, str]:
    if isinstance(entry, str) and entry.strip():
        return entry, ""
    if isinstance(entry, Mapping) and len(entry) == 1:
        name, meaning = next(iter(entry.items()))
        if isinstance(name, str) and name.strip() and isinstance(meaning, str):
            return name, meaning.strip()
    raise ConfigError("hindsite option 'severity_levels': each level is a name or 'NAME: what "
                      f"it means', got {entry!r}")


def _count(options: Mapping[str, Any], name: str, default: int) -> int:
    value = options.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"hindsite option '{name}' must be a whole number, got {value!r}")
    return value


def _rule_severities(value: Any) -> dict[str, Severity | None]:
    if not isinstance(value, Mapping):
        raise ConfigError("hindsite option 'rules' must map rule codes or names to a severity")
    severities: dict[str, Severity | None] = {}
    for name, level in value.items():
        found = find_rule(str(name))
        if found is None:
            raise ConfigError(f"hindsite option 'rules': no rule named '{name}'")
        text = "off" if level is False else str(level).lower()
        if text not in ("error", "warning", "info", "off"):
            raise ConfigError(f"hindsite option 'rules': '{name}' must be error, warning, info "
                              f"or off, got {level!r}")
        severities[found.code] = None if text == "off" else Severity.parse(text)
    return severities


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does, without running it: `!ENV` reads the environment as
    MkDocs does; other tags of MkDocs' own (!relative, !!python/name) read as None."""


def _environment_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable that is set, read as
    a YAML value, else the default (the last item of a list of two or more), else None."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            try:
                value = yaml.safe_load(os.environ[name])
            except yaml.YAMLError:
                return os.environ[name]
            return os.environ[name] if isinstance(value, (dict, list)) else value
    return default


_MkDocsYamlLoader.add_constructor("!ENV", _environment_value)
_MkDocsYamlLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/",
                                        lambda loader, suffix, node: None)


def read_mkdocs_options(config_file: Path) -> Mapping[str, Any] | None:
    """The `hindsite` plugin's options in mkdocs.yml; None when the plugin is not listed."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_MkDocsYamlLoader)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {config_file}: {err}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{config_file} is not valid YAML: {err}") from None
    except RecursionError:
        raise ConfigError(f"{config_file} is nested too deeply to read") from None
    plugins = data.get("plugins") if isinstance(data, dict) else None
    entries = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None))
        for p in (plugins or []))
    for name, options in entries:
        if name == "hindsite":
            if options is not None and not isinstance(options, Mapping):
                raise ConfigError(f"{config_file}: the hindsite plugin's options must be a mapping")
            return options or {}
    return None


def load_settings(config_file: Path | None) -> Settings:
    """Settings for the CLI: from mkdocs.yml when there is one, else the defaults."""
    if config_file is None:
        return Settings(base=Path("."))
    return parse_settings(read_mkdocs_options(config_file), config_file.parent)
