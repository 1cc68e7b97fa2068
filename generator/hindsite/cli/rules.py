"""`hindsite rules [RULE]`: every rule, or what one checks, as ruff's `rule` command."""

from __future__ import annotations

import argparse
from pathlib import Path

from hindsite.cli.common import EXIT_OK, add_config_file, settings_for
from hindsite.config import ConfigError, Settings
from hindsite.diagnostics import Rule, did_you_mean
from hindsite.rules import all_rules, find_rule

HELP = "list the rules, or explain one"


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.description = ("Without RULE, every rule: code, name, severity here, and what it "
                           "checks. With RULE (a code or a name), that rule in full.")
    command.add_argument("rule", nargs="?", metavar="RULE", help="a code (HS301) or a name")
    add_config_file(command)


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args.config_file, Path("."))
    if args.rule is None:
        for rule in sorted(all_rules(), key=lambda r: r.code):
            print(f"{rule.code}  {rule.name:<32} {severity_here(rule, settings):<8} "
                  f"{rule.summary}")
        return EXIT_OK
    found = find_rule(args.rule)
    if found is None:
        names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        raise ConfigError(f"no rule named '{args.rule}'{did_you_mean(args.rule, names)}")
    print(explained(found, settings), end="")
    return EXIT_OK


def severity_here(rule: Rule, settings: Settings) -> str:
    """The rule's severity in this knowledge base: its default unless mkdocs.yml says."""
    configured = settings.severity_of(rule.code, rule.severity)
    return "off" if configured is None else str(configured)


def explained(rule: Rule, settings: Settings) -> str:
    here = severity_here(rule, settings)
    changed = f" (here: {here}, set in mkdocs.yml)" if here != str(rule.severity) else ""
    return (f"{rule.code} {rule.name}\n\n{rule.summary}\n\n"
            f"Severity: {rule.severity}{changed}\n"
            f"Stage: {rule.stage}\n"
            f"Change it in mkdocs.yml, under the hindsite plugin: rules: {{{rule.name}: "
            "error|warning|info|off}\n"
            f"Per run: hindsite check --select {rule.code} / --ignore {rule.code}\n")
