"""The composer's live linter: what the page shows as the agent types (spans, zh + en, the rule and its citation).

One call per keystroke (debounced by the page): ``lint`` is pure and compiled once per process, the rulebook is
cached, so a round trip is a few milliseconds (``benchmarks/console_live_lint.py`` measures it against a server).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.types import LintContext
from faircollect.compliance.rulebook import Rulebook, RulebookError, load_rulebook

MAX_CHARS = 2000


@lru_cache(maxsize=8)
def _rulebook(jurisdiction: str) -> Rulebook:
    return load_rulebook(jurisdiction)


def _citation(rulebook: Rulebook, rule_id: str) -> dict[str, str]:
    try:
        r = rulebook.rule(rule_id)
    except RulebookError:
        return {"title_en": "", "title_zh": "", "citation": ""}
    return {"title_en": r.title_en, "title_zh": r.title_zh, "citation": r.citation}


def live_lint(
    text: str,
    *,
    jurisdiction: str = "CN",
    channel: Channel | None = Channel.SMS,
    recipient_role: RecipientRole = RecipientRole.BORROWER,
    visit_approved: bool = False,
    lawsuit_filed: bool = False,
) -> dict[str, Any]:
    """Lint a draft: verdict, ``can_send`` (never when blocked), and each finding with its span and cited rule."""
    text = text[:MAX_CHARS]
    ctx = LintContext(
        recipient_role=recipient_role,
        channel=channel,
        visit_approved=visit_approved,
        lawsuit_filed=lawsuit_filed,
    )
    result = lint(text, ctx, jurisdiction=jurisdiction)
    rb = _rulebook(jurisdiction.upper())
    return {
        "verdict": result.verdict,
        "can_send": not result.blocked and bool(text.strip()),
        "length": len(text),
        "findings": [
            {
                "category": f.category,
                "severity": f.severity,
                "rule": f.rule,
                "start": f.start,
                "end": f.end,
                "excerpt": f.excerpt,
                "explanation_en": f.explanation,
                "explanation_zh": f.explanation_zh,
                **_citation(rb, f.rule),
            }
            for f in result.findings
        ],
    }
