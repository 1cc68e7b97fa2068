"""The public API is what `hindsite/__init__.py` re-exports (everything else is internal and
free to change): this test guards those names, as griffe's test_public_api does."""

from __future__ import annotations

import inspect

import hindsite

PUBLIC = ["CheckResult", "ConfigError", "Diagnostic", "KnowledgeBase", "Position", "Settings",
          "Severity", "__version__", "load_settings", "parse_settings", "run_check"]


def test_the_public_names_are_exactly_those_listed() -> None:
    assert sorted(hindsite.__all__) == sorted(PUBLIC)


def test_every_public_name_exists_and_is_defined_inside_the_package() -> None:
    for name in hindsite.__all__:
        value = getattr(hindsite, name)
        if name != "__version__":
            assert value.__module__.startswith("hindsite."), name


def test_the_version_is_a_release_number() -> None:
    parts = hindsite.__version__.split(".")
    assert len(parts) == 3 and all(part.isdigit() for part in parts)


def required(function: object) -> list[str]:
    """The parameters a caller must pass: more may be added, with defaults, keyword-only."""
    parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    optional = [p for p in parameters if p.default is not inspect.Parameter.empty]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in optional), optional
    return [p.name for p in parameters if p.default is inspect.Parameter.empty]


def test_the_public_functions_keep_their_signatures() -> None:
    assert required(hindsite.run_check) == ["settings"]
    assert required(hindsite.parse_settings) == ["options", "base"]
    assert required(hindsite.load_settings) == ["config_file"]


def test_the_public_values_keep_their_fields() -> None:
    assert [f for f in hindsite.Diagnostic.__dataclass_fields__] == [
        "path", "line", "col", "severity", "code", "message", "related"]
    assert [f for f in hindsite.Position.__dataclass_fields__] == ["path", "line", "col"]
    assert [f for f in hindsite.CheckResult.__dataclass_fields__] == ["kb", "diagnostics",
                                                                       "files"]
    assert [s.name for s in hindsite.Severity] == ["INFO", "WARNING", "ERROR"]
