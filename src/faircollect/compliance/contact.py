"""The gate's plain data: a proposed contact, the facts it is decided on, and the decision.

This is the contract every path uses: the nightly run, an agent at the keyboard, the API and the dispatcher build
a ``ContactRequest`` and ``ContactFacts`` and call ``compliance.gate.decide``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    CALL = "call"
    VOICEMAIL = "voicemail"
    EMAIL = "email"
    LETTER = "letter"
    VISIT = "visit"
    IM = "im"


class RecipientRole(StrEnum):
    BORROWER = "borrower"
    GUARANTOR = "guarantor"
    JOINT_DEBTOR = "joint_debtor"
    REGISTERED_CONTACT = "registered_contact"  # a contact the borrower registered (never the address book)
    THIRD_PARTY = "third_party"


class HoldKind(StrEnum):
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    CEASE_CONTACT = "cease_contact"
    HARDSHIP = "hardship"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    PAYMENT_PLAN = "payment_plan"
    BREATHING_SPACE = "breathing_space"  # UK Debt Respite Scheme


class Outcome(StrEnum):
    """What happened to an earlier contact attempt (history)."""

    CONNECTED = "connected"  # a live conversation with the recipient
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_PARTY = "wrong_party"
    REFUSED = "refused"
    INVALID_NUMBER = "invalid_number"
    SENT = "sent"  # a message (SMS/email/letter/IM) left us
    DELIVERED = "delivered"
    FAILED = "failed"
    VISITED = "visited"


class Purpose(StrEnum):
    COLLECT = "collect"
    LOCATE = "locate"  # third party: ask for the debtor's contact details
    RELAY = "relay"  # third party: ask them to pass on a call-back request
    SERVICE = "service"  # non-collection servicing notice


@dataclass(frozen=True, slots=True)
class PastContact:
    """One earlier attempt, counted across the lender and all its agencies."""

    channel: Channel
    at: datetime
    outcome: Outcome
    recipient_role: RecipientRole = RecipientRole.BORROWER
    address: str | None = None  # the number / e-mail it went to (for per-number caps)
    agency_id: str | None = None  # None = the lender's own staff


@dataclass(frozen=True, slots=True)
class ContactRequest:
    """A proposed contact: who, how, when, what."""

    jurisdiction: str
    channel: Channel
    recipient_role: RecipientRole
    at: datetime  # aware
    purpose: Purpose = Purpose.COLLECT
    address: str | None = None
    text: str | None = None
    agency_id: str | None = None
    visit_id: str | None = None  # for visits: the approved visit request


@dataclass(frozen=True, slots=True)
class ContactFacts:
    """What is known about the borrower when the contact is decided."""

    borrower_timezone: str | None  # IANA; None = unknown → every candidate zone must allow it
    candidate_timezones: tuple[str, ...] = ()
    history: tuple[PastContact, ...] = ()
    holds: frozenset[HoldKind] = frozenset()
    opt_outs: frozenset[Channel] = frozenset()
    consents: frozenset[Channel] = frozenset()  # e.g. US TCPA prior express consent for SMS
    lost_contact: bool = False
    third_party_stop_requested: bool = False
    agreed_contact_window: tuple[str, str] | None = None  # "HH:MM" pair the borrower agreed to (CN override)
    visit_approved: bool = False
    visit_window: tuple[datetime, datetime] | None = None
    lawsuit_filed: bool = False
    public_holidays: frozenset[str] = frozenset()  # ISO dates in the borrower's zone


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str  # rule id from the rulebook, e.g. CN-HOURS-22-08
    message_en: str
    message_zh: str
    timing_only: bool = False  # the denial would lift by waiting (hours, frequency)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...] = ()
    next_allowed_at: datetime | None = None
    lint_verdict: str | None = None  # ok | warn | block, when text was linted
    findings: tuple[object, ...] = field(default=())
    #: ``linter.reuse.lint_key`` of the text as linted (text, context, jurisdiction, linter version): a later
    #: decision on the same key may reuse this verdict instead of linting again.
    lint_key: str | None = None

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.reasons)
