"""Starting points the command line writes: a whole knowledge base (`hindsite init`) and
one postmortem (`hindsite new`), from the templates in this folder (package data).

Both only ever create files: a path that already exists is kept as it is and reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from importlib.resources import files
from pathlib import Path

from hindsite import __version__
from hindsite.config import Settings
from hindsite.schemas import configured_schema

INIT_FILES = {
    "mkdocs.yml": "mkdocs.yml",
    "requirements.txt": "requirements.txt",
    ".gitignore": "gitignore",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/postmortems.yml": "workflow.yml",
    "docs/.gitkeep": "",
    "postmortems/README.md": "postmortems-README.md",
    "postmortems/catalog.yml": "catalog.yml",
    "postmortems/2025/PM-0001-example-card-payments-failed.md": "example.md",
}
"""Each file `hindsite init` writes, relative to the knowledge base, and its template."""
SOURCE_PLACEHOLDER = f"hindsite @ git+https://github.com/YOUR-ORG/hindsite@v{__version__}"


@dataclass(frozen=True, slots=True)
class Written:
    """A file a command meant to write: `created`, or kept because it was there already."""

    path: Path
    created: bool


def template(name: str) -> str:
    return files(__name__).joinpath(name).read_text(encoding="utf-8") if name else ""


def init_files(site_name: str, requirement: str) -> dict[str, str]:
    """The starting knowledge base's files by path, filled in for this team, and the
    schemas that `catalog.yml`'s first line points editors to."""
    values = {"__SITE_NAME__": json.dumps(site_name), "__REQUIREMENT__": requirement}
    found: dict[str, str] = {}
    for path, name in INIT_FILES.items():
        text = template(name)
        for key, value in values.items():
            text = text.replace(key, value)
        found[path] = text
    for name, text in editor_schemas(Settings()).items():
        found[f"schema/{name}"] = text
    return found


def editor_schemas(settings: Settings) -> dict[str, str]:
    """Each schema's file name and text as `hindsite check` applies it to this knowledge
    base (its severity levels in place of the defaults), so an editor never flags what the
    check accepts."""
    found: dict[str, str] = {}
    for name in ("postmortem", "catalog"):
        levels = settings.severity_levels if name == "postmortem" else ()
        schema = {k: v for k, v in configured_schema(name, levels).items() if k != "$id"}
        found[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return found


def write_new(root: Path, contents: dict[str, str]) -> list[Written]:
    """Write each file that does not exist yet under `root`; never touch one that does."""
    written: list[Written] = []
    for relative, text in contents.items():
        path = root / relative
        if path.exists() or path.is_symlink():
            written.append(Written(path, created=False))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except FileExistsError:
            written.append(Written(path, created=False))
            continue
        written.append(Written(path, created=True))
    return written


def installed_requirement() -> str:
    """How CI can install the hindsite that runs now: its git URL and commit, or the http(s)
    URL of its wheel, when pip recorded one (PEP 610); else a line to fill in."""
    try:
        recorded = distribution("hindsite").read_text("direct_url.json")
    except PackageNotFoundError:
        recorded = None
    try:
        origin = json.loads(recorded or "{}")
    except json.JSONDecodeError:
        origin = {}
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    vcs = origin.get("vcs_info") if isinstance(origin, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and url.startswith("https://"):
        return f"hindsite @ git+{url}@{vcs.get('commit_id', f'v{__version__}')}"
    if url.startswith("https://") and url.endswith(".whl"):
        return f"hindsite @ {url}"
    return SOURCE_PLACEHOLDER
