"""Quality assurance (质检): score an agent's contacts and messages against a checklist, per agent.

The checklist — identity given, amount right, no pressure, right hours — is decided by the project's own rules:
the message linter (identity, pressure, a demand without an amount) and the compliance gate (hours, in the
borrower's zone, with the lender's rulebook). A call has no text, so its identity / amount / pressure items come
from the reviewer who listened to the recording; until then they are open (``None``), never counted as passed.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from faircollect.compliance.contact import Channel, ContactFacts, ContactRequest, RecipientRole
from faircollect.compliance.gate import decide
from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.types import Finding, LintContext
from faircollect.compliance.rulebook import Rulebook
from faircollect.kit.errors import ValidationError
from faircollect.kit.money import to_minor

CHECKS: tuple[str, ...] = ("identity_given", "amount_right", "no_pressure", "right_hours")
CHECK_NAMES: Mapping[str, tuple[str, str]] = {
    "identity_given": ("Identity given", "自报身份"),
    "amount_right": ("Amount right", "金额正确"),
    "no_pressure": ("No pressure", "无施压"),
    "right_hours": ("Right hours", "合规时段"),
}
_AMOUNT = re.compile(
    r"[¥￥$£€]\s?(\d[\d,]*(?:\.\d{1,2})?)|(\d[\d,]*(?:\.\d{1,2})?)\s?(?:元|块|rmb|cny|usd|gbp|dollars?|pounds?)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QAItem:
    """One contact or message an agent made, with what was true when it was made."""

    ref: str  # outbox:ID or attempt:ID
    agent: str
    jurisdiction: str
    channel: Channel
    at: datetime
    borrower_timezone: str | None
    currency: str
    text: str | None = None
    #: amounts that were right to state then (the lawfully collectable amount, the overdue instalment ...)
    expected_amounts_minor: tuple[int, ...] = ()
    recipient_role: RecipientRole = RecipientRole.BORROWER
    #: a reviewer's answers for what cannot be read from the record (a call's words), check → passed
    reviewer: Mapping[str, bool] = field(default_factory=dict)
    #: whose contact it was: a review's coaching note is sealed under this borrower's key
    borrower_id: str | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: str
    passed: bool | None  # None: not applicable, or waiting for a reviewer
    detail_en: str
    detail_zh: str
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class ItemScore:
    item: QAItem
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]

    @property
    def score(self) -> Decimal | None:
        """Share of the applicable checks that passed (None when none is decided yet)."""
        decided = [c.passed for c in self.checks if c.passed is not None]
        if not decided:
            return None
        return (Decimal(sum(decided)) / Decimal(len(decided))).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    def result(self, check: str) -> CheckResult:
        return next(c for c in self.checks if c.check == check)


def amounts_in(text: str, currency: str) -> list[int]:
    """Every amount of money stated in ``text``, in minor units of ``currency``."""
    out = []
    for m in _AMOUNT.finditer(text):
        raw = (m.group(1) or m.group(2)).replace(",", "")
        try:
            out.append(to_minor(raw, currency))
        except ValidationError:
            continue
    return out


def _right_hours(item: QAItem, rulebook: Rulebook) -> CheckResult:
    """Asks the gate itself, with no history: only its hour and holiday rules can object."""
    request = ContactRequest(
        jurisdiction=rulebook.jurisdiction,
        channel=item.channel,
        recipient_role=item.recipient_role,
        at=item.at,
    )
    facts = ContactFacts(borrower_timezone=item.borrower_timezone, consents=frozenset(Channel))
    timing = [r for r in decide(request, facts, rulebook=rulebook).reasons if r.timing_only]
    if timing:
        r = timing[0]
        return CheckResult("right_hours", False, r.message_en, r.message_zh, r.rule)
    return CheckResult("right_hours", True, "Inside the lawful hours", "在合规时段内")


def score_item(item: QAItem, rulebook: Rulebook) -> ItemScore:
    """Score one contact or message against the checklist."""
    checks: list[CheckResult] = []
    findings: tuple[Finding, ...] = ()
    if item.text:
        result = lint(
            item.text,
            LintContext(recipient_role=item.recipient_role, channel=item.channel),
            jurisdiction=rulebook.jurisdiction,
        )
        findings = result.findings
        missing_id = next((f for f in findings if f.category == "missing_identity"), None)
        checks.append(
            CheckResult(
                "identity_given", False, missing_id.explanation, missing_id.explanation_zh, missing_id.rule
            )
            if missing_id
            else CheckResult("identity_given", True, "The sender is named", "已表明身份")
        )
        stated = amounts_in(item.text, item.currency)
        missing_amount = next((f for f in findings if f.category == "missing_amount"), None)
        if stated:
            wrong = [a for a in stated if a not in item.expected_amounts_minor]
            checks.append(
                CheckResult(
                    "amount_right",
                    not wrong,
                    "The amount stated is the amount owed"
                    if not wrong
                    else "An amount stated is not what is owed",
                    "所述金额正确" if not wrong else "所述金额与应还金额不符",
                )
            )
        elif missing_amount:
            checks.append(
                CheckResult(
                    "amount_right",
                    False,
                    missing_amount.explanation,
                    missing_amount.explanation_zh,
                    missing_amount.rule,
                )
            )
        else:
            checks.append(CheckResult("amount_right", None, "No amount demanded", "未催要金额"))
        blocks = [f for f in findings if f.severity == "block"]
        checks.append(
            CheckResult("no_pressure", False, blocks[0].explanation, blocks[0].explanation_zh, blocks[0].rule)
            if blocks
            else CheckResult("no_pressure", True, "No prohibited content", "无违规内容")
        )
    else:
        for check in ("identity_given", "amount_right", "no_pressure"):
            answer = item.reviewer.get(check)
            checks.append(
                CheckResult(check, None, "Waiting for a reviewer", "待质检员评分")
                if answer is None
                else CheckResult(check, answer, "Reviewer's answer", "质检员评分")
            )
    checks.append(_right_hours(item, rulebook))
    return ItemScore(item=item, checks=tuple(checks), findings=findings)


def sample(items: Sequence[QAItem], *, per_agent: int, seed: int) -> list[QAItem]:
    """A reproducible random sample of up to ``per_agent`` items per agent (the same seed, the same sample)."""
    by: dict[str, list[QAItem]] = defaultdict(list)
    for it in sorted(items, key=lambda i: i.ref):
        by[it.agent].append(it)
    rng = random.Random(seed)
    out = []
    for agent in sorted(by):
        pool = by[agent]
        out.extend(pool if len(pool) <= per_agent else rng.sample(pool, per_agent))
    return out


@dataclass(frozen=True, slots=True)
class AgentScore:
    agent: str
    items: int
    score: Decimal | None  # mean of the items' scores
    failed: Mapping[str, int]  # check → items that failed it
    open_items: int  # items with a check still waiting for a reviewer


def agent_scores(scores: Iterable[ItemScore]) -> list[AgentScore]:
    """Per agent: how many items were scored, the mean score and the failures by check."""
    by: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        by[s.item.agent].append(s)
    out = []
    for agent, ss in sorted(by.items()):
        decided = [s.score for s in ss if s.score is not None]
        mean = (
            (sum(decided, Decimal(0)) / Decimal(len(decided))).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if decided
            else None
        )
        failed = {c: sum(1 for s in ss if s.result(c).passed is False) for c in CHECKS}
        open_items = sum(
            1 for s in ss if any(c.passed is None and c.detail_en.startswith("Waiting") for c in s.checks)
        )
        out.append(AgentScore(agent=agent, items=len(ss), score=mean, failed=failed, open_items=open_items))
    return out
