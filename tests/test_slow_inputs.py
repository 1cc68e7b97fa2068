"""Inputs that once stalled the check or the build: each now finishes in well under two
seconds of CPU, reporting a limit as a diagnostic where it passes one.

Each case runs in a fresh process that checks a one-postmortem knowledge base and, when
the postmortem is valid, renders every page and the data files; the process measures its
own CPU time (not wall time, which depends on what else the machine runs). Two seconds is
generous: every case takes a fraction of it, and took from five seconds to forever before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "postmortems/2021/PM-0001-orders-not-emailed.md"
CPU_SECONDS = 2.0
SUMMARY = "  summary: Some orders were not sent."

MEASURE = r'''
import json, resource, sys
from datetime import date
from pathlib import Path
from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.render import Linker, build_site, data_files, page_url, render_contents, site_pages

result = run_check(Settings(base=Path(".")))
pages = 0
if result.kb.by_id:
    site = build_site(result.kb, Settings(base=Path(".")), date(2024, 6, 1))
    for page in site_pages(site):
        render_contents(site, page, Linker(page_url(page.src_uri)))
        pages += 1
    data_files(site, "t")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "pages": pages,
                  "codes": sorted({d.code for d in result.diagnostics}),
                  "count": len(result.diagnostics)}))
'''


def in_body(markdown: str) -> Callable[[str], str]:
    return lambda text: text.replace("A host joined.\n", f"A host joined.\n\n{markdown}\n", 1)


def in_front_matter(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def table(rows: int, columns: int) -> str:
    head = "|" + "|".join(f"h{n}" for n in range(columns)) + "|\n"
    rule = "|" + "---|" * columns + "\n"
    return head + rule + ("|" + "|".join("c" * 3 for _ in range(columns)) + "|\n") * rows


EMAILISH = "a" * 20_000 + "@" + "a." * 10_000 + "1"
CASES: dict[str, tuple[Callable[[str], str], list[str], int]] = {
    # name: (edit of the valid postmortem, the rules it reports, pages rendered at least)
    "blame-16000-times": (in_front_matter(SUMMARY, '  summary: "' + "blame " * 16_000 + '"'),
                          ["HS601"], 10),
    "email-ish-line-40-kb": (in_body(EMAILISH), ["HS409"], 0),
    "email-ish-line-under-the-limit": (in_body("a" * 5_000 + "@" + "a." * 2_400 + "1"), [], 10),
    "unknown-addresses-12000": (in_front_matter(
        "addresses: [relay-allowlist-missing-host]",
        "addresses: [" + ", ".join(f"k{n}" for n in range(12_000)) + "]"), ["HS206"], 0),
    "identical-headings-10000": (in_body("### Note\n\n" * 10_000), ["HS409"], 0),
    "identical-headings-under-the-limit": (in_body("### Note\n\n" * 490), [], 10),
    "reference-links-4000": (in_body(
        "\n".join(f"[l{n}][r{n}]" for n in range(4_000)) + "\n\n"
        + "\n".join(f"[r{n}]: https://example.com/{n}" for n in range(4_000))), [], 10),
    "remote-reference-images-4000": (in_body(
        "\n".join(f"![l{n}][r{n}]" for n in range(4_000)) + "\n\n"
        + "\n".join(f"[r{n}]: https://example.com/{n}.png" for n in range(4_000))),
        ["HS404"], 0),
    "table-2000-by-200": (in_body(table(2_000, 200)), ["HS113"], 0),
    "table-under-the-limit": (in_body(table(45, 199)), [], 10),
}


def measured(tmp_path: Path, edit: Callable[[str], str]) -> dict[str, object]:
    work = tmp_path / "kb"
    shutil.copytree(FIXTURES / "valid-minimal", work)
    source = work / FILE
    source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    env = dict(os.environ, HINDSITE_JOBS="1")
    run = subprocess.run([sys.executable, "-c", MEASURE], cwd=work, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found: dict[str, object] = json.loads(run.stdout)
    return found


@pytest.mark.parametrize("name", CASES)
def test_a_slow_input_is_checked_and_rendered_in_under_two_seconds(tmp_path: Path,
                                                                     name: str) -> None:
    edit, codes, pages = CASES[name]
    found = measured(tmp_path, edit)
    assert found["codes"] == codes, found
    assert int(found["pages"]) >= pages, found  # type: ignore[call-overload]
    assert float(found["cpu"]) < CPU_SECONDS, found  # type: ignore[arg-type]


def test_a_fifo_named_like_a_postmortem_is_reported_not_read(tmp_path: Path) -> None:
    def with_fifo(text: str) -> str:
        os.mkfifo(tmp_path / "kb/postmortems/2021/PM-0002-pipe.md")
        os.mkfifo(tmp_path / "kb/postmortems/2021/chart.png")
        return text.replace("A host joined.\n", "A host joined.\n\n![c](chart.png)\n", 1)

    found = measured(tmp_path, with_fifo)
    assert found["codes"] == ["HS109", "HS406"], found


def test_a_fifo_catalog_is_reported_not_read(tmp_path: Path) -> None:
    def with_fifo_catalog(text: str) -> str:
        (tmp_path / "kb/postmortems/catalog.yml").unlink()
        os.mkfifo(tmp_path / "kb/postmortems/catalog.yml")
        return text

    found = measured(tmp_path, with_fifo_catalog)
    assert found["codes"] == ["HS109"], found
