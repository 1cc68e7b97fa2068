"""The pre-commit hook, through the real pre-commit from PyPI: `pre-commit try-repo` installs
hindsite from this repository into an environment of its own and runs `hindsite-check` in a
temporary git repository. A change to catalog.yml alone must fail the hook when it breaks a
postmortem the commit does not touch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if not (ROOT / ".git").exists():
    pytest.skip("pre-commit try-repo needs this repository as a git clone",
                allow_module_level=True)


def git(work: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=kb@example.com", "-c", "user.name=kb", *args],
                   cwd=work, check=True, capture_output=True, timeout=60)


def test_the_hook_checks_the_whole_knowledge_base(tmp_path: Path) -> None:
    work = tmp_path / "kb"
    work.mkdir()
    git(work, "init", "-q")
    hindsite = Path(sys.executable).with_name("hindsite")
    subprocess.run([str(hindsite) if hindsite.exists() else "hindsite", "init"], cwd=work,
                   check=True, capture_output=True, timeout=60)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "start")
    catalog = work / "postmortems" / "catalog.yml"
    catalog.write_text(catalog.read_text().replace("key: checkout", "key: checkout-web"))
    git(work, "add", "postmortems/catalog.yml")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"),
               PIP_CONSTRAINT=str(ROOT / "constraints.txt"))
    env.pop("VIRTUAL_ENV", None)
    pre_commit = Path(sys.executable).with_name("pre-commit")
    done = subprocess.run([str(pre_commit) if pre_commit.exists() else "pre-commit",
                           "try-repo", str(ROOT), "hindsite-check"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "hindsite check" in output and "Failed" in output
    assert "error HS301 unknown service 'checkout'" in output
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


def test_the_hook_manifest_and_the_config_init_writes_are_valid(tmp_path: Path) -> None:
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))
    done = subprocess.run([pre_commit, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    hindsite = str(Path(sys.executable).with_name("hindsite"))
    subprocess.run([hindsite, "init", str(tmp_path)], check=True, capture_output=True,
                   timeout=60)
    config = str(tmp_path / ".pre-commit-config.yaml")
    done = subprocess.run([pre_commit, "validate-config", config],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
