"""hindsite: postmortems as files in git, validated, linked to earlier fixes, and published.

The public API is what this module re-exports; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from hindsite.checked import CheckResult  # noqa: E402
from hindsite.config import ConfigError, Settings, load_settings, parse_settings  # noqa: E402
from hindsite.diagnostics import Diagnostic, Position, Severity  # noqa: E402
from hindsite.link import KnowledgeBase  # noqa: E402
from hindsite.pipeline import run_check  # noqa: E402

__all__ = ["CheckResult", "ConfigError", "Diagnostic", "KnowledgeBase", "Position", "Settings",
           "Severity", "__version__", "load_settings", "parse_settings", "run_check"]
