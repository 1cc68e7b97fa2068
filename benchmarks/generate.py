"""Generate a realistic synthetic knowledge base for benchmarks.

Each postmortem has about 1,200 words of narrative, 15 timeline entries and 4 action items;
the catalog has 200 causes whose popularity follows a long tail, so causes really recur
(with `why_earlier_fixes_failed` where the format asks for it). The output is valid under
`hindsite check --strict`, so a benchmark measures the full work of a clean run.

    python benchmarks/generate.py 1000 benchmarks/out/kb-1000
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

CATEGORIES = ["configuration", "capacity", "change", "dependency", "monitoring-gap",
              "software-defect", "hardware", "process", "security", "data"]
COMPONENTS = ["mail relay", "load balancer", "database replica", "message queue", "cache tier",
              "search cluster", "payment gateway", "auth service", "object store", "DNS zone",
              "certificate store", "job scheduler", "API gateway", "CDN edge", "build pipeline",
              "feature flag service", "billing export", "inventory sync", "report generator",
              "webhook dispatcher"]
FAILURES = ["missing allowlist entry", "expired certificate", "exhausted connection pool",
            "full disk", "memory leak", "stale configuration push", "schema migration lock",
            "retry storm", "clock skew", "unbounded queue growth", "silent exception handling",
            "misrouted alert", "unrotated secret", "capacity limit reached", "bad rollout",
            "dependency timeout", "corrupted index", "duplicate job run", "cache stampede",
            "missing rate limit"]
COMMON = """
the a of to and in was for that on with as it at by from this were be after we had not which
when our but all they their then there been have more its
""".split()  # noqa: SIM905
KINDS = ["trigger", "detection", "escalation", "communication", "mitigation", "resolution",
         "note"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]


def zipf_pick(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    rank = min(int(rng.paretovariate(s)) - 1, len(items) - 1)
    return items[rank]


def sentence(rng: random.Random, words: list[str], terms: list[str], length: int) -> str:
    out = []
    for _ in range(length):
        roll = rng.random()
        out.append(rng.choice(COMMON) if roll < 0.45 else
                   rng.choice(terms) if roll < 0.55 else zipf_pick(rng, words))
    return " ".join(out).capitalize() + "."


def paragraph(rng: random.Random, words: list[str], terms: list[str], n_words: int) -> str:
    text, count = [], 0
    while count < n_words:
        length = rng.randint(8, 22)
        text.append(sentence(rng, words, terms, length))
        count += length
    return " ".join(text)


def catalog(rng: random.Random, words: list[str]) -> tuple[str, list[dict[str, object]]]:
    causes = []
    for n in range(200):
        component, failure = COMPONENTS[n % 20], FAILURES[(n * 7 + n // 20) % 20]
        causes.append({"key": f"cause-{n:03d}", "title": f"The {component} fails through a "
                       f"{failure}", "category": CATEGORIES[n % 10],
                       "terms": [*failure.split(), *component.split(),
                                 *rng.sample(words[200:], 6)]})
    lines = ["teams:"] + [f"  - key: team-{t}\n    name: Team {t}" for t in range(12)]
    lines += ["services:"] + [f"  - key: svc-{s:02d}\n    name: Service {s}\n"
                              f"    team: team-{s % 12}" for s in range(40)]
    lines += ["causes:"] + [f"  - key: {c['key']}\n    title: {c['title']}\n"
                            f"    category: {c['category']}" for c in causes]
    return "\n".join(lines) + "\n", causes


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def postmortem(rng: random.Random, n: int, started: datetime, causes: list[dict[str, object]],
               seen: set[str], words: list[str]) -> str:
    chosen = list(dict.fromkeys(zipf_pick(rng, causes, 0.9)["key"] for _ in range(2)))
    picked = [c for c in causes if c["key"] in chosen]
    terms = [t for c in picked for t in c["terms"]]  # type: ignore[attr-defined]
    detected = started + timedelta(minutes=rng.randint(5, 3000))
    resolved = detected + timedelta(minutes=rng.randint(10, 600))
    ident = f"PM-{n:05d}"
    out = ["---", f"id: {ident}", f"title: {sentence(rng, words, terms, 8)[:110]}",
           "status: published", f"severity: SEV{rng.randint(1, 4)}", f"started: {stamp(started)}",
           f"detected: {stamp(detected)}", f"resolved: {stamp(resolved)}",
           f"services: [svc-{rng.randint(0, 39):02d}]", f"teams: [team-{rng.randint(0, 11)}]",
           "tags: [synthetic]", "impact:", f"  summary: {sentence(rng, words, terms, 18)}",
           f"  customers: {rng.randint(0, 5000)}", "  metrics:",
           "    - name: failed requests", f"      value: {rng.randint(1, 100000)}",
           "      unit: requests", "causes:"]
    for index, cause in enumerate(picked):
        out += [f"  - key: {cause['key']}", f"    kind: {'root' if index == 0 else 'contributing'}",
                f"    description: {sentence(rng, words, cause['terms'], 20)}"]  # type: ignore[arg-type]
        if cause["key"] in seen:
            out.append(f"    why_earlier_fixes_failed: {sentence(rng, words, terms, 16)}")
        seen.add(str(cause["key"]))
    out.append("timeline:")
    span = (resolved - started).total_seconds()
    moments = sorted(started + timedelta(seconds=rng.uniform(-3600, span)) for _ in range(15))
    for when in moments:
        out += [f"  - at: {stamp(when)}", f"    kind: {rng.choice(KINDS)}",
                f"    text: {sentence(rng, words, terms, 12)}"]
    out.append("action_items:")
    for a in range(1, 5):
        status = rng.choice(["open", "in-progress", "done", "done", "wont-do"])
        due = (resolved + timedelta(days=rng.randint(7, 90))).date()
        out += [f"  - id: A{a}", f"    title: {sentence(rng, words, terms, 8)}",
                f"    kind: {rng.choice(['mitigate', 'prevent', 'detect', 'process'])}",
                f"    addresses: [{chosen[a % len(chosen)]}]",
                f"    owner: team-{rng.randint(0, 11)}", f"    status: {status}"]
        if status != "wont-do":
            out.append(f"    due: {due}")
        if status == "done":
            out.append(f"    completed: {due - timedelta(days=rng.randint(0, 5))}")
    out.append("---")
    for section, share in (("Summary", 100), ("What happened", 450), ("Why it happened", 400),
                           ("Lessons learned", 250)):
        out += ["", f"## {section}", "", paragraph(rng, words, terms, share)]
    return "\n".join(out) + "\n"


def generate(count: int, folder: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    words = vocabulary(rng, 6000)
    root = folder / "postmortems"
    root.mkdir(parents=True, exist_ok=True)
    text, causes = catalog(rng, words)
    (root / "catalog.yml").write_text(text, encoding="utf-8")
    when = datetime(2015, 1, 1, tzinfo=UTC)
    step = timedelta(days=3650) / count
    seen: set[str] = set()
    for n in range(1, count + 1):
        when += step
        year = root / str(when.year)
        year.mkdir(exist_ok=True)
        body = postmortem(rng, n, when.replace(microsecond=0), causes, seen, words)
        (year / f"PM-{n:05d}-synthetic.md").write_text(body, encoding="utf-8")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("count", type=int)
    args.add_argument("folder", type=Path)
    parsed = args.parse_args()
    generate(parsed.count, parsed.folder)
    print(f"wrote {parsed.count} postmortems to {parsed.folder}")


if __name__ == "__main__":
    main()
