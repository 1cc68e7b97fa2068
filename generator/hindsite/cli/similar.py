"""`hindsite similar`: have we seen this before? Earlier incidents that read like some
symptoms or a draft, with their causes, fixes, whether each held, and why not."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hindsite.cli.common import EXIT_OK, EXIT_USAGE, add_config_file, settings_for
from hindsite.load import load_document
from hindsite.pipeline import run_check
from hindsite.seen_before import Match, draft_text, similar_to
from hindsite.validate import check_document

HELP = "earlier incidents that read like some symptoms or a draft postmortem"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Rank earlier incidents against what you see now (words in "
                           "quotes) or a draft postmortem (its path), by the engine that "
                           "suggests 'possibly the same cause'. Each comes with its causes, "
                           "the fixes made for them, whether each held, and the answer to "
                           "'why didn't that fix everything?' where one was given.")
    command.add_argument("query", help="symptoms in words, or the path of a draft postmortem")
    command.add_argument("--limit", type=int, default=5, metavar="N",
                         help="how many incidents to list (default 5)")
    command.add_argument("--format", choices=("text", "json"), default="text",
                         help="text (default) or json")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("hindsite similar: --limit must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    draft = Path(args.query)
    is_draft = draft.suffix == ".md" and draft.is_file()
    settings = settings_for(args.config_file, draft if is_draft else Path("."))
    result = run_check(settings)
    text, own_id = read_draft(draft, result.kb.catalog) if is_draft else (args.query, "")
    found = similar_to(result.kb, text, args.limit, leave_out=own_id)
    if args.format == "json":
        print(json.dumps([match_record(m) for m in found], indent=2, ensure_ascii=False))
    else:
        print("\n".join(match_lines(found)))
    return EXIT_OK


def read_draft(path: Path, catalog: Any) -> tuple[str, str]:
    """The words of a draft (and its id, so that it does not find itself); a draft too broken
    to read as a postmortem is read as plain text."""
    doc, _problems = load_document(path)
    if doc is None:
        return path.read_text(encoding="utf-8", errors="replace"), ""
    pm, _more = check_document(doc, catalog, severity_levels=("SEV1", "SEV2", "SEV3", "SEV4"),
                               required_sections=(), blame_phrases=())
    return (draft_text(pm), pm.id) if pm is not None else (doc.text, "")


def match_lines(found: list[Match]) -> list[str]:
    if not found:
        return ["No earlier incident reads like this."]
    lines = []
    for m in found:
        pm = m.incident
        lines.append(f"{pm.id} {pm.title} ({pm.started.date()}, {pm.severity}; score "
                     f"{m.score:.2f}; shared: {', '.join(m.shared_terms) or 'none'})")
        for seen in m.causes:
            lines.append(f"  cause {seen.cause.key} ({seen.cause.kind}): "
                         f"{seen.title or seen.cause.description}")
            if seen.answer:
                lines.append(f"    why earlier fixes failed: {seen.answer}")
            for fix in seen.fixes:
                back = f" (came back in {', '.join(fix.came_back_in)})" if fix.came_back_in else ""
                lines.append(f"    fix {fix.item.ref} [{fix.state}{back}]: {fix.item.title}")
                lines += [f"      why it did not hold ({ident}): {answer}"
                          for ident, answer in fix.answers]
        lines.append("")
    return lines[:-1]


def match_record(m: Match) -> dict[str, Any]:
    pm = m.incident
    return {"incident": pm.id, "title": pm.title, "started": pm.started.isoformat(),
            "severity": pm.severity, "score": m.score, "shared_terms": list(m.shared_terms),
            "causes": [{"key": s.cause.key, "kind": s.cause.kind, "title": s.title,
                        "description": s.cause.description,
                        "why_earlier_fixes_failed": s.answer or None,
                        "fixes": [{"ref": f.item.ref, "title": f.item.title,
                                   "status": f.item.status, "outcome": f.state,
                                   "came_back_in": list(f.came_back_in),
                                   "why_it_did_not_hold": [{"incident": i, "answer": a}
                                                           for i, a in f.answers]}
                                  for f in s.fixes]}
                       for s in m.causes]}
