"""The linter's plain data: what a message is checked against (context) and what it found (findings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from faircollect.compliance.contact import Channel, RecipientRole

#: Prohibited content: any of these blocks the message.
BLOCK_CATEGORIES: tuple[str, ...] = (
    "violence_threat",
    "intimidation",
    "insult",
    "false_legal_claim",
    "impersonation",
    "visit_threat",
    "third_party_disclosure",
    "contact_list_threat",
    "workplace_threat",
    "public_shaming",
    "family_threat",
    "induce_borrowing",
    "deceptive",
)
#: Quality warnings: the message may go, but should be fixed.
WARN_CATEGORIES: tuple[str, ...] = ("missing_identity", "missing_opt_out", "missing_amount")
CATEGORIES: tuple[str, ...] = BLOCK_CATEGORIES + WARN_CATEGORIES

Verdict = Literal["ok", "warn", "block"]
Severity = Literal["block", "warn"]


@dataclass(frozen=True, slots=True)
class LintContext:
    """Facts that change what the law allows a message to say."""

    recipient_role: RecipientRole = RecipientRole.BORROWER
    channel: Channel | None = None
    visit_approved: bool = (
        False  # a field visit really was approved (CN-VISIT-*): a factual notice is allowed
    )
    lawsuit_filed: bool = False  # a lawsuit really was filed: a factual notice is allowed


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a message: its category, the rule it breaks, and where it is in the ORIGINAL text."""

    category: str
    rule: str
    start: int
    end: int
    excerpt: str
    explanation: str
    severity: Severity
    explanation_zh: str = ""


@dataclass(frozen=True, slots=True)
class LintResult:
    verdict: Verdict
    findings: tuple[Finding, ...] = ()

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(f.category for f in self.findings)

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"
