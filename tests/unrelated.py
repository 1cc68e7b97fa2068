"""A knowledge base whose causes are all unrelated, built from the labelled sets.

Every postmortem of tests/similarity/ that no label names (neither a same cause nor a near
miss) goes into one knowledge base, whatever company it came from: ids are prefixed with
the set's name so they stay unique, cause keys that two sets both use are prefixed too (a
shared key would be a recurrence, not a suggestion), and the catalogs are merged. Any
"possibly the same cause" printed on it is noise.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

SETS = sorted((Path(__file__).parent / "similarity").iterdir())
ID_RE = re.compile(r"\bPM-(\d+)\b")


def labelled_ids(folder: Path) -> set[str]:
    labels = yaml.safe_load((folder / "labels.yml").read_text(encoding="utf-8"))
    return {p[side] for name in ("same_cause", "near_miss") for p in labels.get(name) or []
            for side in ("later", "earlier")}


def unrelated_knowledge_base(out: Path) -> int:
    """Write the knowledge base into `out`; returns how many postmortems it holds."""
    catalogs = {f.name: yaml.safe_load((f / "postmortems" / "catalog.yml").read_text("utf-8"))
                for f in SETS}
    shared = {k for k, n in Counter(c["key"] for cat in catalogs.values()
                                    for c in cat["causes"]).items() if n > 1}
    merged: dict[str, dict[str, dict[str, Any]]] = {"teams": {}, "services": {}, "causes": {}}
    count = 0
    for folder in SETS:
        prefix, labelled = folder.name.upper(), labelled_ids(folder)
        rename = {key: f"{folder.name}-{key}" for key in shared}
        for section in merged:
            for entry in catalogs[folder.name][section]:
                entry = {**entry, "key": rename.get(entry["key"], entry["key"])}
                merged[section].setdefault(entry["key"], entry)
        for path in sorted((folder / "postmortems").rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            ident = re.search(r"^id: (PM-\d+)$", text, re.MULTILINE)
            if ident is None or ident.group(1) in labelled:
                continue
            for old, new in rename.items():
                text = re.sub(rf"(?<![a-z0-9-]){re.escape(old)}(?![a-z0-9-])", new, text)
            target = out / "postmortems" / path.parent.name / ID_RE.sub(
                rf"{prefix}-\1", path.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(ID_RE.sub(rf"{prefix}-\1", text), encoding="utf-8")
            count += 1
    catalog = {section: list(entries.values()) for section, entries in merged.items()}
    (out / "postmortems" / "catalog.yml").write_text(
        yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return count
