"""Where `hindsite check` spends its time: each stage timed on its own, in one process.

    python benchmarks/bench_stages.py 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from bench_check import knowledge_base

from hindsite.compose import compose
from hindsite.config import Settings
from hindsite.link import link
from hindsite.load import FRONT_MATTER_RE, discover, read_text
from hindsite.pipeline import read_catalog
from hindsite.similar import suggest, text_features
from hindsite.validate import check_document
from hindsite.validate.body import read_body
from hindsite.validate.lints import lint_body, lint_front_matter
from hindsite.validate.schema import schema_diagnostics, take_text_as_written

T = TypeVar("T")
spent: dict[str, float] = defaultdict(float)


def timed(stage: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    spent[stage] += time.perf_counter() - start
    return result


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("count", type=int, nargs="?", default=1000)
    count = args.parse_args().count
    os.chdir(knowledge_base(count))
    settings = Settings()
    catalog, _ = read_catalog(settings.catalog)
    paths, _ = timed("discover", lambda: discover(settings.folder))
    for path in paths:  # noqa: B023 - each lambda runs before the loop moves on
        text = timed("read + split", lambda: read_text(path, str(path)))
        match = FRONT_MATTER_RE.match(text)
        assert match
        data, where = timed("yaml compose", lambda: compose(match.group(1), str(path),
                                                            first_line=2, problems=[]))
        plain: Any = timed("text as written", lambda: take_text_as_written(data, "postmortem",
                                                                            where))
        timed("schema", lambda: list(schema_diagnostics(plain, "postmortem", where)))
        body, _ = timed("markdown parse", lambda: read_body(text[match.end():], str(path), 1))
        timed("lints", lambda: (list(lint_front_matter(plain, where, text.split("\n"), ())),
                                list(lint_body(text[match.end():], "x", 1, body.code_lines,
                                               settings.blame_phrases))))
    from hindsite.load import load_document
    postmortems: list[Any] = []
    features = {}
    start = time.perf_counter()
    for path in paths:
        doc, _ = load_document(path)
        assert doc
        pm, _ = check_document(doc, catalog, severity_levels=settings.severity_levels,
                               required_sections=settings.required_sections,
                               blame_phrases=settings.blame_phrases)
        postmortems.append(pm)
        features[pm.id] = timed("text features", lambda: text_features(pm, catalog))  # noqa: B023
    whole = time.perf_counter() - start
    timed("link", lambda: link(postmortems, catalog))  # type: ignore[arg-type]
    timed("suggest", lambda: suggest(postmortems, catalog, features))  # type: ignore[arg-type]
    total = sum(spent.values())
    print(f"N={count:,}: stages timed one by one ({total:.2f} s):")
    for stage, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {stage:<16} {seconds:7.2f} s  {seconds / total:5.1%}  "
              f"{seconds / count * 1e3:.3f} ms per file")
    print(f"  per-file check as the pipeline runs it: {whole:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
