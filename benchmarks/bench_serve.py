"""`mkdocs serve` on a generated knowledge base: how long after one postmortem is edited its
page is served with the change, how much of each rebuild is hindsite's own part, and the
server's memory after each rebuild.

The same edits are made to a plain mkdocs-material site of the same postmortems (one page
each, kept out of the navigation) in the same run, as the reference: what MkDocs and the
theme cost by themselves. hindsite's part is what the plugin logs at debug level at the end
of each build (`mkdocs serve -v`).

    python benchmarks/bench_serve.py                    # N = 1,000, 5 edits
    python benchmarks/bench_serve.py --edits 8 --dirty  # MkDocs' --dirty rebuilds
    python benchmarks/bench_serve.py --record           # a title edited, not a narrative
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench_check import OUT, knowledge_base
from sites import hindsite_project, plain_project

OURS_RE = re.compile(r"hindsite's part of this build: ([0-9.]+) s \((.*)\)")
BUILT_RE = re.compile(r"Documentation built in ([0-9.]+) seconds")


@dataclass
class Rebuild:
    reload: float
    built: float = 0.0
    ours: float = 0.0
    parts: str = ""
    memory: float = 0.0


@dataclass
class Server:
    """A running `mkdocs serve`, its log lines read as they come."""

    process: subprocess.Popen[str]
    url: str
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def wait_for(self, *patterns: re.Pattern[str], timeout: float = 600
                 ) -> list[re.Match[str]]:
        """The first line matching each pattern, in whatever order they come."""
        deadline = time.monotonic() + timeout
        found: dict[int, re.Match[str]] = {}
        while len(found) < len(patterns):
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                sys.exit(f"mkdocs serve said nothing like {patterns} in {timeout} s")
            if not line:
                sys.exit(f"mkdocs serve stopped before saying {patterns}")
            for n, pattern in enumerate(patterns):
                if n not in found and (match := pattern.search(line)):
                    found[n] = match
        return [found[n] for n in range(len(patterns))]


def project_copy(count: int, plain: bool) -> Path:
    """A copy of the knowledge base to edit, so the others stay as generated."""
    copy = OUT / f"serve-{count}"
    if not copy.is_dir():
        shutil.copytree(knowledge_base(count), copy)
    return plain_project(copy) if plain else hindsite_project(copy)


def start(project: Path, port: int, dirty: bool) -> Server:
    command = [sys.executable, "-m", "mkdocs", "serve", "-v", "-a", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "HINDSITE_CACHE": str(project.parent / f"{project.name}-cache")}
    process = subprocess.Popen([*command, *(["--dirty"] if dirty else [])], cwd=project,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    server = Server(process, f"http://127.0.0.1:{port}/")
    threading.Thread(target=server.read, daemon=True).start()
    server.wait_for(re.compile(r"Serving on"), timeout=1800)
    return server


def served_with(url: str, marker: str, timeout: float = 600) -> None:
    """Poll the page until it holds `marker`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if marker.encode() in response.read():
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"{url} never showed {marker}")


def edited(original: bytes, marker: str, record: bool) -> bytes:
    """The postmortem with `marker` in its narrative, or in its record's title."""
    if record:
        return original.replace(b"\ntitle: ", f"\ntitle: {marker} ".encode(), 1)
    return original + f"\n{marker} was added.\n".encode()


def edit_and_time(server: Server, source: Path, page: str, edits: int, ours: bool,
                  record: bool = False) -> list[Rebuild]:
    original = source.read_bytes()
    found = []
    try:
        for n in range(edits):
            time.sleep(1.5)  # the watcher's debounce, and a new modification time
            marker = f"Preview{n}x{os.getpid()}"
            start = time.perf_counter()
            source.write_bytes(edited(original, marker, record))
            served_with(server.url + page, marker)
            rebuild = Rebuild(time.perf_counter() - start)
            logged = server.wait_for(BUILT_RE, OURS_RE) if ours else server.wait_for(BUILT_RE)
            rebuild.built = float(logged[0].group(1))
            if ours:
                rebuild.ours, rebuild.parts = float(logged[1].group(1)), logged[1].group(2)
            rebuild.memory = resident_mb(server.process.pid)
            found.append(rebuild)
    finally:
        source.write_bytes(original)
    return found


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(count: int, edits: int, dirty: bool, plain: bool, record: bool = False
            ) -> list[Rebuild]:
    project = project_copy(count, plain)
    sources = sorted((project / ("docs/incidents" if plain else "postmortems")).rglob("PM-*.md"))
    source = sources[len(sources) // 2]
    ident = source.name.split("-")[0] + "-" + source.name.split("-")[1]
    page = f"incidents/{source.stem}/" if plain else f"incidents/{ident}/"
    server = start(project, 18500 + os.getpid() % 500 + plain, dirty)
    try:
        return edit_and_time(server, source, page, edits, not plain, record)
    finally:
        server.process.terminate()
        server.process.wait(timeout=60)


def show(name: str, rebuilds: list[Rebuild]) -> None:
    print(f"{name}:")
    for n, r in enumerate(rebuilds, 1):
        own = f"hindsite {r.ours:6.2f} s ({r.parts})" if r.parts else ""
        print(f"  edit {n}: reloaded after {r.reload:6.2f} s, build {r.built:6.2f} s, "
              f"RSS {r.memory:6.0f} MB  {own}")
    print(f"  median: reloaded after {statistics.median(r.reload for r in rebuilds):.2f} s; "
          f"RSS from edit 1 to {len(rebuilds)}: {rebuilds[0].memory:.0f} -> "
          f"{rebuilds[-1].memory:.0f} MB")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--size", type=int, default=1000)
    args.add_argument("--edits", type=int, default=5)
    args.add_argument("--dirty", action="store_true", help="mkdocs serve --dirty")
    args.add_argument("--skip-plain", action="store_true")
    args.add_argument("--record", action="store_true",
                      help="edit each postmortem's title, not its narrative")
    parsed = args.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, N = {parsed.size:,}"
          f"{', --dirty' if parsed.dirty else ''}{', title edits' if parsed.record else ''}")
    ours = measure(parsed.size, parsed.edits, parsed.dirty, plain=False, record=parsed.record)
    show("hindsite", ours)
    if not parsed.skip_plain:
        plain = measure(parsed.size, parsed.edits, parsed.dirty, plain=True,
                        record=parsed.record)
        show("plain mkdocs-material", plain)
        ratio = statistics.median(r.reload for r in ours) / \
            statistics.median(r.reload for r in plain)
        print(f"reload, hindsite / plain: {ratio:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
