"""Configuration: the plugin's options in mkdocs.yml, read by one parser for the CLI and the
plugin alike; a bad option is a ConfigError naming it, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsite.config import (
    DEFAULT_LEVELS,
    ConfigError,
    Settings,
    load_settings,
    parse_settings,
    read_mkdocs_options,
)
from hindsite.diagnostics import Severity


def test_no_options_give_the_defaults() -> None:
    settings = parse_settings(None, Path("site"))
    assert settings.folder == Path("site/postmortems")
    assert settings.catalog == Path("site/postmortems/catalog.yml")
    assert settings.severity_levels == DEFAULT_LEVELS
    assert settings.suggestions == 3 and settings.rules == {}


def test_rules_are_named_by_code_or_name_and_stored_by_code() -> None:
    settings = parse_settings({"rules": {"invalid-value": "info", "HS601": "off",
                                         "HS602": False, "unknown-field": "WARNING"}}, Path("."))
    assert settings.rules == {"HS204": Severity.INFO, "HS601": None, "HS602": None,
                              "HS202": Severity.WARNING}
    assert settings.severity_of("HS204", Severity.ERROR) is Severity.INFO
    assert settings.severity_of("HS601", Severity.WARNING) is None
    assert settings.severity_of("HS201", Severity.ERROR) is Severity.ERROR


@pytest.mark.parametrize(("options", "message"), [
    ({"sugestions": 2}, "unknown hindsite option 'sugestions'; did you mean 'suggestions'?"),
    ({"rules": {"HS999": "off"}}, "hindsite option 'rules': no rule named 'HS999'"),
    ({"rules": {"invalid-value": "loud"}}, "'invalid-value' must be error, warning, info or off"),
    ({"rules": ["HS204"]}, "hindsite option 'rules' must map rule codes or names to a severity"),
    ({"suggestions": -1}, "hindsite option 'suggestions' must be a whole number, got -1"),
    ({"suggestions": True}, "hindsite option 'suggestions' must be a whole number, got True"),
    ({"postmortems": ""}, "hindsite option 'postmortems' must be a folder name, got ''"),
    ({"blame_phrases": "blame"}, "hindsite option 'blame_phrases' must be a list of text"),
])
def test_a_bad_option_is_a_config_error_naming_it(options: dict[str, object],
                                                  message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(options, Path("."))
    assert message in str(raised.value)


def test_the_plugin_s_options_are_read_from_mkdocs_yml_without_running_its_tags(
        tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: !ENV [SITE, x]\nplugins:\n  - search\n  - hindsite:\n"
                      "      postmortems: incidents\n      suggestions: 1\n", encoding="utf-8")

    assert read_mkdocs_options(config) == {"postmortems": "incidents", "suggestions": 1}
    settings = load_settings(config)
    assert (settings.base, settings.folder, settings.suggestions) == \
        (tmp_path, tmp_path / "incidents", 1)


def test_a_mapping_of_plugins_and_a_site_without_hindsite_are_read_too(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  hindsite: {suggestions: 0}\n", encoding="utf-8")
    assert read_mkdocs_options(config) == {"suggestions": 0}
    config.write_text("plugins: [search]\n", encoding="utf-8")
    assert read_mkdocs_options(config) is None
    assert load_settings(None) == Settings(base=Path("."))


@pytest.mark.parametrize(("text", "message"), [
    ("plugins: [\n", "is not valid YAML"),
    ("plugins:\n  - hindsite: [a]\n", "the hindsite plugin's options must be a mapping"),
])
def test_an_unreadable_mkdocs_yml_is_a_config_error(tmp_path: Path, text: str,
                                                    message: str) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_mkdocs_options(config)
    assert message in str(raised.value)
