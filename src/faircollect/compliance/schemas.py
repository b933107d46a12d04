"""The gate's wire shapes, shared by ``faircollect gate --format jsonl`` and ``POST /v1/compliance/check``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.kit.errors import ValidationError
from faircollect.kit.types import MAX_MESSAGE_CHARS

_HHMM = r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"


class PastContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    at: AwareDatetime
    outcome: Outcome
    recipient_role: RecipientRole = RecipientRole.BORROWER
    address: str | None = Field(default=None, description="Number/e-mail it went to (per-number caps).")
    agency_id: str | None = Field(default=None, description="The agency that made it; null = the lender.")


class CheckIn(BaseModel):
    """One proposed contact plus the facts to decide it on."""

    model_config = ConfigDict(extra="forbid")

    id: Any = Field(default=None, description="Your reference; echoed back.")
    jurisdiction: str = Field(default="CN", description="Rulebook: CN, US or UK.")
    channel: Channel
    recipient_role: RecipientRole = RecipientRole.BORROWER
    purpose: Purpose = Purpose.COLLECT
    at: AwareDatetime = Field(description="Proposed time, ISO-8601 with a zone.")
    borrower_timezone: str | None = Field(
        default=None, description="IANA zone; null = unknown: every candidate zone must allow the contact."
    )
    candidate_timezones: list[str] = Field(
        default_factory=list, description="Narrow the candidates when unknown."
    )
    address: str | None = None
    history: list[PastContactIn] = Field(
        default_factory=list, description="Earlier attempts, lender + agencies."
    )
    holds: list[HoldKind] = Field(default_factory=list)
    opt_outs: list[Channel] = Field(default_factory=list)
    consents: list[Channel] = Field(default_factory=list, description="e.g. US TCPA consent for sms.")
    lost_contact: bool = False
    third_party_stop_requested: bool = False
    agreed_contact_window: tuple[str, str] | None = Field(
        default=None, description='e.g. ["19:00", "23:00"].'
    )
    visit_approved: bool = False
    visit_window: tuple[AwareDatetime, AwareDatetime] | None = None
    lawsuit_filed: bool = False
    public_holidays: list[date] = Field(default_factory=list)
    text: str | None = Field(
        default=None, max_length=MAX_MESSAGE_CHARS, description="Message text: the linter runs too."
    )
    agency_id: str | None = None

    @field_validator("agreed_contact_window")
    @classmethod
    def _hhmm(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        import re

        if value is not None:
            for v in value:
                if not re.match(_HHMM, v):
                    raise ValueError(f'expected "HH:MM", got {v!r}')
            if value[0] == value[1]:
                raise ValueError("the window must not start and end at the same time")
        return value

    def to_domain(self) -> tuple[ContactRequest, ContactFacts]:
        request = ContactRequest(
            jurisdiction=self.jurisdiction.upper(),
            channel=self.channel,
            recipient_role=self.recipient_role,
            at=self.at,
            purpose=self.purpose,
            address=self.address,
            text=self.text,
            agency_id=self.agency_id,
        )
        facts = ContactFacts(
            borrower_timezone=self.borrower_timezone,
            candidate_timezones=tuple(self.candidate_timezones),
            history=tuple(
                PastContact(h.channel, h.at, h.outcome, h.recipient_role, h.address, h.agency_id)
                for h in self.history
            ),
            holds=frozenset(self.holds),
            opt_outs=frozenset(self.opt_outs),
            consents=frozenset(self.consents),
            lost_contact=self.lost_contact,
            third_party_stop_requested=self.third_party_stop_requested,
            agreed_contact_window=self.agreed_contact_window,
            visit_approved=self.visit_approved,
            visit_window=self.visit_window,
            lawsuit_filed=self.lawsuit_filed,
            public_holidays=frozenset(d.isoformat() for d in self.public_holidays),
        )
        return request, facts


class ReasonOut(BaseModel):
    rule: str = Field(description="Rule id from the rulebook, e.g. CN-HOURS-22-08.")
    message: str = Field(description="Why, in English.")
    message_zh: str = Field(description="Why, in Chinese.")


class FindingOut(BaseModel):
    category: str
    rule: str
    start: int
    end: int
    excerpt: str
    explanation: str
    severity: str


class CheckOut(BaseModel):
    id: Any = None
    decision: Literal["allow", "deny"]
    reasons: list[ReasonOut]
    next_allowed_at: datetime | None = Field(
        default=None,
        description="When the denial is only about time or frequency: the first lawful instant (UTC).",
    )
    rulebook_version: str
    lint_verdict: str | None = None
    findings: list[FindingOut] | None = None


def parse_check(obj: Any) -> CheckIn:
    """Validate one input object; errors name the field (``history[0].at``)."""
    try:
        return CheckIn.model_validate(obj)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
        raise ValidationError(first["msg"], field=loc or None) from exc


def check_out(item_id: Any, decision: Decision, rulebook_version: str) -> CheckOut:
    return CheckOut(
        id=item_id,
        decision="allow" if decision.allowed else "deny",
        reasons=[
            ReasonOut(rule=r.rule, message=r.message_en, message_zh=r.message_zh) for r in decision.reasons
        ],
        next_allowed_at=decision.next_allowed_at,
        rulebook_version=rulebook_version,
        lint_verdict=decision.lint_verdict,
        findings=[
            FindingOut(
                category=f.category,  # type: ignore[attr-defined]
                rule=f.rule,  # type: ignore[attr-defined]
                start=f.start,  # type: ignore[attr-defined]
                end=f.end,  # type: ignore[attr-defined]
                excerpt=f.excerpt,  # type: ignore[attr-defined]
                explanation=f.explanation,  # type: ignore[attr-defined]
                severity=f.severity,  # type: ignore[attr-defined]
            )
            for f in decision.findings
        ]
        if decision.lint_verdict is not None
        else None,
    )
