"""Shared test setup: the small site knowledge base, and golden files for generated pages.

Golden files under tests/golden/ hold the HTML the renderer returns for a page's body.
After an intended change, refresh them with `pytest --update-golden` and review the diff.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
SITE_KB = TESTS / "site_kb"

REPOSITORY = TESTS.parent

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
_SCRATCH = Path(tempfile.mkdtemp(prefix="hindsite-tests-"))
os.environ["HINDSITE_CACHE"] = str(_SCRATCH / "cache")  # never into the repository's folders
os.environ["HINDSITE_CACHE_KEY"] = str(_SCRATCH / "key")  # nor the user's own cache


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files in tests/golden/ from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/<name>, or rewrite it with --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.is_file(), f"{path} is missing; run pytest --update-golden"
        assert actual == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; if the change is intended, run "
            "pytest --update-golden and review the diff")

    return check


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the starter knowledge base, worked on from its folder, with a cache of its
    own (a test file may define its own `project` instead)."""
    shutil.copytree(REPOSITORY / "postmortems", tmp_path / "postmortems")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HINDSITE_CACHE", str(tmp_path / "cache"))
    return tmp_path
