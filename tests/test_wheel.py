"""The wheel, away from the source tree: a fresh virtual environment gets only the wheel
(the dependencies come from this environment's site-packages, added by a .pth file), then
`hindsite init`, `hindsite new`, `hindsite check --strict` and `mkdocs build --strict` run in
an empty folder, and the built site has no dead link."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from sitewalk import dead_links

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ["hindsite/py.typed", "hindsite/guides/index.md", "hindsite/guides/severity.md",
          "hindsite/guides/communication/first-notice.md", "hindsite/scaffold/workflow.yml",
          "hindsite/scaffold/postmortem.md", "hindsite/render/templates/incident.html",
          "hindsite/render/templates/hindsite.css", "hindsite/schema/postmortem.schema.json",
          "hindsite-0.1.0.dist-info/licenses/LICENSE"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(out), str(ROOT)], check=True, timeout=300)
    return next(out.glob("hindsite-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment holding the wheel; its dependencies are this environment's."""
    env = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True,
                   timeout=120)
    site = Path(subprocess.run([str(env / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"),
                    "install", "--quiet", "--no-deps", "--no-compile", str(wheel)], check=True,
                   timeout=300)
    return env


def test_the_wheel_holds_everything_the_plugin_needs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [n for n in NEEDED if n not in names] == []
    metadata = zipfile.ZipFile(wheel).read("hindsite-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: MIT" in metadata


def test_a_team_starts_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "acme"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NO_MKDOCS_2_WARNING="1", PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")

    def run(*command: str) -> str:
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        return done.stdout

    work.mkdir()
    where = run("python", "-c", "import hindsite; print(hindsite.__file__)")
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(ROOT)
    run("hindsite", "init")
    created = run("hindsite", "new", "Checkout failed", "--service", "checkout").strip()
    assert (work / created).is_file()
    assert run("hindsite", "check", "--strict") == "no problems in 2 files\n"
    run("python", "-m", "mkdocs", "build", "--strict")
    site = work / "site"
    assert (site / "incidents" / "PM-0002" / "index.html").is_file()
    assert (site / "communication" / "first-notice" / "index.html").is_file()
    assert dead_links(site) == []
    workflow = work / ".github" / "workflows" / "postmortems.yml"
    assert set(yaml.safe_load(workflow.read_text())["jobs"]) == {"check", "build", "publish"}
    run(str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema",
        "vendor.github-workflows", str(workflow))
