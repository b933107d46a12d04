"""The message linter: finds threats, false legal claims, impersonation, disclosure and visit threats in collection
messages (Chinese simplified/traditional/obfuscated, pinyin, English), with the rule each one breaks.

Public API (the gate calls it when a contact has text)::

    from faircollect.compliance.linter import lint, LintContext
    result = lint("再不还钱就上门", LintContext(), jurisdiction="CN")
    result.verdict  # "block"
"""

from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.types import (
    BLOCK_CATEGORIES,
    CATEGORIES,
    WARN_CATEGORIES,
    Finding,
    LintContext,
    LintResult,
)

__all__ = [
    "BLOCK_CATEGORIES",
    "CATEGORIES",
    "WARN_CATEGORIES",
    "Finding",
    "LintContext",
    "LintResult",
    "lint",
]
