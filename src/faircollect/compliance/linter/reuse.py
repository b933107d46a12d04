"""Reusing a verdict: the plan-time lint of a message stands at send time if nothing it depended on changed.

``lint_key(text, context, jurisdiction)`` is a digest of everything a verdict depends on: the exact text, the
context (recipient role, channel, approved visit, filed lawsuit), the jurisdiction, who owes the debt under the
lender's rulebook (its ``recipients`` rule with the overrides) and the linter itself
(``linter_version()``: the rules, the grammar, the normalisation and the model file). Two lints with the same key
give the same result, so the gate may reuse a stored result whose key equals the key of the message it is
deciding now, and must lint again otherwise (a fact changed, the text changed, or the linter was updated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from faircollect.compliance.contact import RecipientRole
from faircollect.compliance.linter.io import finding_from_json, finding_to_json
from faircollect.compliance.linter.rules import obligor_roles
from faircollect.compliance.linter.types import LintContext, LintResult

_HERE = Path(__file__).resolve().parent
_INPUTS = (
    "engine.py",
    "patterns.py",
    "paraphrases.py",
    "grammar.py",
    "variants.py",
    "normalise.py",
    "classifier.py",
    "features.py",
    "rules.py",
    "model.json",
    # read by the engine too: until the eighth session a change to the warning frames, the context facts or the
    # prefilter left the version, and so a stored verdict, unchanged
    "reported.py",
    "context.py",
    "triggers.py",
    "types.py",
)


@lru_cache(maxsize=1)
def linter_version() -> str:
    """A digest of the linter's code and data: any change to them changes every key."""
    h = hashlib.sha256()
    for name in _INPUTS:
        h.update(name.encode())
        h.update((_HERE / name).read_bytes())
    for book in sorted((_HERE.parent / "rulebooks").glob("*.yaml")):  # the category → rule map
        h.update(book.read_bytes())
    return h.hexdigest()[:16]


def lint_key(
    text: str,
    context: LintContext,
    jurisdiction: str,
    obligors: frozenset[RecipientRole] | None = None,
) -> str:
    """``obligors``: who owes the debt under the lender's rulebook with its overrides (``rules.obligor_roles_of``);
    without it, under the jurisdiction's own rulebook. A verdict depends on it (a debt named to a guarantor)."""
    roles = obligor_roles(jurisdiction.upper()) if obligors is None else obligors
    parts = (
        linter_version(),
        jurisdiction.upper(),
        ",".join(sorted(r.value for r in roles)),
        context.recipient_role.value,
        context.channel.value if context.channel is not None else "",
        "visit" if context.visit_approved else "",
        "lawsuit" if context.lawsuit_filed else "",
        text,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def result_to_stored(key: str, result: LintResult) -> dict[str, Any]:
    return {"key": key, "verdict": result.verdict, "findings": [finding_to_json(f) for f in result.findings]}


def stored_result(stored: Mapping[str, Any] | None, key: str) -> LintResult | None:
    """The stored result if it was made under ``key`` (same text, context and linter), else None."""
    if not stored or stored.get("key") != key:
        return None
    return LintResult(
        verdict=stored["verdict"], findings=tuple(finding_from_json(f) for f in stored.get("findings") or ())
    )
