"""Lints: warnings about how a postmortem is written, each switchable in configuration.

They read every text value of the front matter and every line of the narrative. Blame
language and mentions are not looked for in code blocks (code is quoted, not written);
addresses, private IPs and secrets are, since a pasted log leaks as well as prose does.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from hindsite.compose import Positions, YamlPath
from hindsite.diagnostics import Diagnostic, Position, Rule, Severity, rule

STAGE = "lint"
BLAME = rule("HS601", "blame-language", Severity.WARNING,
             "Blame language: describe what the system allowed, not who erred.", STAGE)
MENTION = rule("HS602", "personal-mention", Severity.WARNING,
               "An @mention of a person; teams own postmortems, never individuals.", STAGE)
EMAIL = rule("HS603", "email-address", Severity.WARNING,
             "An e-mail address; the published site must not name or expose people.", STAGE)
PRIVATE_IP = rule("HS604", "private-ip", Severity.WARNING,
                  "A private IP address: internal topology does not belong on a published page.",
                  STAGE)
SECRET = rule("HS605", "secret-like", Severity.WARNING,
              "A string shaped like a key, token or password.", STAGE)

Finding = tuple[int, int, str]
"""Start and end offsets of a match in a text, and the message for it."""

EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+"
                      r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
"""The lookbehind starts a match only where a run of address characters starts: without it,
each later start in a long run scans the run again, and a 40 KB line takes minutes."""
MENTION_RE = re.compile(r"(?<![A-Za-z0-9])@[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|"
                        r"(?<![A-Za-z0-9])@[A-Za-z0-9_]")
CODE_SPAN_RE = re.compile(r"(`+)[^`\n](?:.*?[^`\n])??\1(?!`)")
"""An inline code span on one line: quoted code, not the writer's own words."""
URL_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,31}://[^\s)>\]]+")
"""A scheme is short: bounding it keeps a long run of letters from being scanned once per
letter."""
IPV4_RE = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}")
IPV6_ULA_RE = re.compile(r"\b[fF][cdCD][0-9a-fA-F]{2}:[0-9a-fA-F:]*[0-9a-fA-F]")
SECRET_RES = (  # (a literal every match contains, the pattern, what it is)
    ("AKIA", re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    ("_", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_\w{22,}"),
     "a GitHub token"),
    ("xox", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    ("k_", re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"), "a payment API key"),
    ("AIza", re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), "a Google API key"),
    ("-----BEGIN", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    ("eyJ", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
     "a JSON web token"),
    ("", re.compile(r"(?i)\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token)\b\s*"
                    r"[:=]\s*[\"']?[^\s\"']{6,}"), "a credential assignment"),
)
CREDENTIAL_WORDS = ("pass", "pwd", "secret", "key", "token")
LONG_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])")


@cache
def blame_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words, any case: 'blame' matches, 'blameless' and 'default of' do not."""
    words = sorted((re.escape(p.strip()).replace(r"\ ", r"\s+") for p in phrases), key=len,
                   reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)


@cache
def _first_words(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """A literal each phrase starts with: text without any of them needs no regex at all."""
    return tuple(p.split()[0].lower() for p in phrases if p.strip())


def blame_findings(text: str, phrases: tuple[str, ...]) -> Iterator[Finding]:
    lowered = text.lower()
    if not any(word in lowered for word in _first_words(phrases)):
        return
    for match in blame_pattern(phrases).finditer(text):
        yield (match.start(), match.end(),
               f"blame language '{' '.join(match.group(0).split())}': say what the system "
               "allowed or lacked, not who erred")


def mention_findings(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    hidden = _blank(text, URL_RE, EMAIL_RE)
    for match in MENTION_RE.finditer(hidden):
        yield (match.start(), match.end(),
               f"mention {match.group(0)} names a person; name the team or role instead")


def email_findings(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for match in EMAIL_RE.finditer(_blank(text, URL_RE)):
        yield (match.start(), match.end(),
               f"e-mail address {match.group(0)}: name the team or inbox instead of an address")


def private_ip_findings(text: str) -> Iterator[Finding]:
    for match in IPV4_RE.finditer(text):
        before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 2]
        if before and (before.isdigit() or before == "."):
            continue
        if after[:1].isdigit() or (after[:1] == "." and after[1:2].isdigit()):
            continue
        try:
            address = ipaddress.IPv4Address(match.group(0))
        except ValueError:
            continue
        if address.is_private and not address.is_loopback and not address.is_link_local \
                and not address.is_unspecified:
            yield (match.start(), match.end(),
                   f"private IP address {address}: describe the host by its role instead")
    for match in IPV6_ULA_RE.finditer(text) if ":" in text else ():
        yield (match.start(), match.end(),
               f"private IPv6 address {match.group(0)}: describe the host by its role instead")


def secret_findings(text: str) -> Iterator[Finding]:
    seen: list[tuple[int, int]] = []
    lowered = text.lower()
    for hint, pattern, what in SECRET_RES:
        if hint and hint not in text:
            continue
        if not hint and not any(word in lowered for word in CREDENTIAL_WORDS):
            continue
        for match in pattern.finditer(text):
            seen.append((match.start(), match.end()))
            yield (match.start(), match.end(),
                   f"this looks like {what}: remove it, and rotate it if it was real")
    if not any(len(word) >= 32 for word in text.split()):
        return
    for match in LONG_TOKEN_RE.finditer(_blank(text, URL_RE)):
        token = match.group(0)
        overlaps = any(s < match.end() and match.start() < e for s, e in seen)
        if not overlaps and _looks_random(token):
            yield (match.start(), match.end(),
                   "this looks like a key or token: remove it, and rotate it if it was real")


def _looks_random(token: str) -> bool:
    """Mixed case and digits; hex digests (commit ids, checksums) are not secrets."""
    if re.fullmatch(r"[0-9a-fA-F]+", token) or re.fullmatch(r"[a-z-]+|[A-Z_]+", token):
        return False
    classes = sum(bool(re.search(p, token)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    return classes == 3


def _blank(text: str, *patterns: re.Pattern[str]) -> str:
    """The text with matches of `patterns` replaced by spaces, keeping every offset."""
    for pattern in patterns:
        if pattern is URL_RE and "://" not in text:
            continue
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


LintCheck = tuple[Rule, Callable[[str], Iterator[Finding]], bool]


def lint_checks(blame_phrases: tuple[str, ...]) -> list[LintCheck]:
    """Every lint: its rule, its finder, and whether it also reads code."""
    return [
        (BLAME, lambda text: blame_findings(text, blame_phrases), False),
        (MENTION, mention_findings, False),
        (EMAIL, email_findings, True),
        (PRIVATE_IP, private_ip_findings, True),
        (SECRET, secret_findings, True),
    ]


def lint_body(markdown: str, path: str, first_line: int, code_lines: frozenset[int],
              blame_phrases: tuple[str, ...]) -> Iterator[Diagnostic]:
    """Each lint runs once over the whole narrative; code blocks and inline code are blanked
    for the lints that do not read code, so every offset still maps to its line and column."""
    lines = markdown.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    prose = "\n".join(" " * len(line) if n in code_lines else line
                       for n, line in enumerate(lines)) if code_lines else markdown
    if "`" in prose:
        prose = _blank(prose, CODE_SPAN_RE)
    for found_rule, finder, reads_code in lint_checks(blame_phrases):
        for start, _end, message in finder(markdown if reads_code else prose):
            number = bisect.bisect_right(starts, start) - 1
            yield found_rule.at(Position(path, first_line + number, start - starts[number] + 1),
                                message)


def lint_front_matter(data: Any, positions: Positions, source_lines: list[str],
                      blame_phrases: tuple[str, ...]) -> Iterator[Diagnostic]:
    """Every text value is linted in one pass over their concatenation (one regex scan per
    lint instead of one per value); each finding is mapped back to its value's position."""
    values = [(ypath, text) for ypath, text in _strings(data, ())
              if not (ypath and ypath[-1] == "link")]
    joined = _VALUE_SEPARATOR.join(text for _ypath, text in values)
    starts, offset = [], 0
    for _ypath, text in values:
        starts.append(offset)
        offset += len(text) + len(_VALUE_SEPARATOR)
    for found_rule, finder, _reads_code in lint_checks(blame_phrases):
        seekers: dict[tuple[int, str], _Seeker] = {}
        for start, end, message in finder(joined):
            n = bisect.bisect_right(starts, start) - 1
            ypath, text = values[n]
            found = text[start - starts[n]:end - starts[n]]
            seeker = seekers.get((n, found))
            if seeker is None:
                seeker = seekers[(n, found)] = _Seeker(found, text, positions.at(ypath),
                                                       positions.end_line(ypath), source_lines)
            yield found_rule.at(seeker.position_of(start - starts[n]), message)


_VALUE_SEPARATOR = "\n\x00\n"
"""Between two values: no lint's match can span it (a URL or a phrase stops at it)."""


def _strings(value: Any, ypath: YamlPath) -> Iterator[tuple[YamlPath, str]]:
    if isinstance(value, str):
        yield ypath, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, ypath + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, ypath + (index,))


class _Seeker:
    """Where each occurrence of a match's text stands in the source, in order: the k-th in
    the value is the k-th on the value's source lines. It only moves forward, so locating
    every finding of a value costs one pass over it, however many there are."""

    def __init__(self, found: str, text: str, start: Position, end_line: int,
                 lines: list[str]) -> None:
        self.found, self.text, self.lines, self.start = found, text, lines, start
        self.last = min(max(end_line, start.line), len(lines))
        self.value_at = -1
        self.line, self.col = start.line, start.col - 2
        self.lost = False

    def position_of(self, offset: int) -> Position:
        """The source position of the occurrence at `offset` in the value, or the value's
        own position when it is not on one source line (an escape, a folded line)."""
        while self.value_at < offset and not self.lost:
            self.value_at = self.text.find(self.found, self.value_at + 1)
            self.lost = self.value_at < 0
            self._advance()
        return self.start if self.lost else Position(self.start.path, self.line, self.col + 1)

    def _advance(self) -> None:
        line, col = self.line, self.col + 1
        while not self.lost and line <= self.last:
            found = self.lines[line - 1].find(self.found, col)
            if found >= 0:
                self.line, self.col = line, found
                return
            line, col = line + 1, 0
        self.lost = True
