"""Complaints and disputes from the portal, contact preferences, help resources — the shell over collections'
complaint register and the compliance facts the gate reads.

- ``file_complaint``: reason → kind (dispute for "not my debt / wrong amount / already paid", else complaint), the
  hold the rulebook requires (collections.contacts.log_complaint puts it), the regulator's clock per jurisdiction
  (``complaints.yaml``) and attachments (PDF/JPEG/PNG, ≤ 5 MB each, ≤ 3) stored encrypted with the borrower's data
  key (``privacy``).
- ``clocks_of`` / ``clock``: each complaint's regulator clock (``portal.clocks.regulator_clock``, the one function the
  portal and the staff console both call): open / overdue (→ escalation route) / answered, with its extensions;
  ``extend_clock`` takes the next lawful extension with its reason (audited).
- ``save_preferences``: channel opt-outs, an agreed contact window inside the lawful hours, language, "stop
  contacting my registered contacts" — written to the facts the gate reads, audited.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.contacts import ComplaintPolicy, log_complaint
from faircollect.collections.models import Complaint
from faircollect.compliance import facts as compliance_facts
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel
from faircollect.compliance.models import ChannelPreference
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.ledger.models import Borrower, BorrowerContact, Loan
from faircollect.portal import clocks
from faircollect.portal.models import ComplaintAttachment, ComplaintExtension
from faircollect.privacy.payload import seal_payload

HERE: Final = Path(__file__).parent
DISPUTE_REASONS: Final = ("not_my_debt", "wrong_amount", "already_paid")
COMPLAINT_REASONS: Final = ("harassment", "contacts_called", "other")
REASONS: Final = DISPUTE_REASONS + COMPLAINT_REASONS
ATTACHMENT_TYPES: Final = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
MAX_ATTACHMENT: Final = 5 * 1024 * 1024
MAX_ATTACHMENTS: Final = 3
PORTAL_CHANNELS: Final = (Channel.CALL, Channel.SMS, Channel.EMAIL)
LANGUAGES: Final = ("zh-CN", "zh-TW", "en")


@cache
def _data(name: str) -> dict[str, Any]:
    with (HERE / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def help_resources(jurisdiction: str) -> list[dict[str, Any]]:
    """The help lines of a jurisdiction (crisis lines first), each with its source and the date it was checked."""
    rows = list(_data("help.yaml").get(jurisdiction, []))
    return sorted(rows, key=lambda r: not r.get("distress"))


def clock_rules(jurisdiction: str) -> dict[str, Any]:
    """The raw ``complaints.yaml`` entry (texts for the pages); the clock itself is ``rules_for`` + ``clocks``."""
    data = _data("complaints.yaml")
    return dict(data.get(jurisdiction) or data["CN"])


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def _check_upload(u: Upload) -> None:
    if u.content_type not in ATTACHMENT_TYPES or not u.data.startswith(ATTACHMENT_TYPES[u.content_type]):
        raise ValidationError("attach a PDF, JPEG or PNG file", field="attachments")
    if len(u.data) > MAX_ATTACHMENT:
        raise ValidationError("each file must be 5 MB or smaller", field="attachments")


def file_complaint(
    session: Session,
    *,
    borrower_id: str,
    jurisdiction: str,
    reason: str,
    text: str,
    uploads: Sequence[Upload],
    actor: str,
    now: datetime | None = None,
) -> Complaint:
    if reason not in REASONS:
        raise ValidationError(f"choose a reason: {', '.join(REASONS)}", field="reason")
    text = (text or "").strip()
    if not text:
        raise ValidationError("tell us what happened", field="text")
    if len(text) > 4000:
        raise ValidationError("please keep it under 4,000 characters", field="text")
    uploads = [u for u in uploads if u.data]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(f"at most {MAX_ATTACHMENTS} files", field="attachments")
    for u in uploads:
        _check_upload(u)
    kind = "dispute" if reason in DISPUTE_REASONS else "complaint"
    days = rules_for(jurisdiction).clock_days
    policy = ComplaintPolicy(answer_days={"complaint": days, "dispute": days, "hardship": days})
    complaint = log_complaint(
        session,
        borrower_id=borrower_id,
        kind=kind,
        channel="portal",
        summary=f"[{reason}] {text}",
        received_at=now or utc_now(),
        actor=actor,
        policy=policy,
    )
    from faircollect.privacy import encrypt

    for u in uploads:
        sealed = encrypt(
            session,
            borrower_id,
            base64.b64encode(u.data).decode("ascii"),
            field_name="complaint_attachment.content",
        )
        row = ComplaintAttachment(
            id=new_id("att"),
            complaint_id=complaint.id,
            borrower_id=borrower_id,
            filename=Path(u.filename or "file").name[:200],
            content_type=u.content_type,
            size=len(u.data),
            sha256=hashlib.sha256(u.data).hexdigest(),
            sealed=sealed or "",
        )
        session.add(row)
        audit.record(
            session,
            actor=actor,
            action="portal.attachment_stored",
            subject_type="complaint",
            subject_id=complaint.id,
            payload={"attachment_id": row.id, "sha256": row.sha256, "size": row.size, "type": u.content_type},
        )
    session.flush()
    return complaint


def rules_for(jurisdiction: str) -> clocks.ClockRules:
    """The regulator's clock rules of a jurisdiction (CN when it has none of its own)."""
    data = _data("complaints.yaml")
    key = jurisdiction if jurisdiction in data else "CN"
    return clocks.rules_from(key, data[key])


def _jurisdictions(session: Session, complaints: Sequence[Complaint]) -> dict[str, str]:
    """Complaint id → jurisdiction: the loan's when the complaint names one, else the borrower's."""
    loan_ids = {c.loan_id for c in complaints if c.loan_id}
    borrower_ids = {c.borrower_id for c in complaints}
    loans = {
        i: j for i, j in session.execute(select(Loan.id, Loan.jurisdiction).where(Loan.id.in_(loan_ids)))
    }
    people = {
        i: j
        for i, j in session.execute(
            select(Borrower.id, Borrower.jurisdiction).where(Borrower.id.in_(borrower_ids))
        )
    }
    return {c.id: loans.get(c.loan_id or "") or people.get(c.borrower_id) or "CN" for c in complaints}


def extensions_of(session: Session, complaint_ids: Sequence[str]) -> dict[str, list[clocks.Extension]]:
    out: dict[str, list[clocks.Extension]] = {}
    if not complaint_ids:
        return out
    for e in session.scalars(
        select(ComplaintExtension)
        .where(ComplaintExtension.complaint_id.in_(complaint_ids))
        .order_by(ComplaintExtension.step)
    ):
        out.setdefault(e.complaint_id, []).append(
            clocks.Extension(e.step, e.to_days, e.reason, e.extended_by, e.at)
        )
    return out


def clocks_of(
    session: Session, complaints: Sequence[Complaint], now: datetime | None = None
) -> dict[str, clocks.Clock]:
    """Each complaint's regulator clock at ``now`` (``portal.clocks.regulator_clock``), rows loaded in bulk."""
    now = now or utc_now()
    where = _jurisdictions(session, complaints)
    exts = extensions_of(session, [c.id for c in complaints])
    return {
        c.id: clocks.regulator_clock(
            rules_for(where[c.id]),
            kind=c.kind,
            received_at=c.received_at,
            extensions=exts.get(c.id, ()),
            answered_at=c.answered_at if c.status == "answered" else None,
            now=now,
        )
        for c in complaints
    }


def clock(session: Session, c: Complaint, now: datetime | None = None) -> clocks.Clock:
    return clocks_of(session, [c], now)[c.id]


def extend_clock(
    session: Session,
    *,
    complaint_id: str,
    reason: str,
    actor: str,
    senior: bool,
    now: datetime | None = None,
) -> clocks.Extension:
    """Take the next lawful extension of a complaint's regulator clock, with its reason; audited. Refused (a clear
    ValidationError) when the clock is answered, overdue, at its maximum, or the step needs a senior identity."""
    now = now or utc_now()
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(f"no complaint {complaint_id!r}", field="complaint_id")
    ext = clocks.check_extension(clock(session, c, now), reason=reason, by=actor, senior=senior, now=now)
    session.add(
        ComplaintExtension(
            id=new_id("cext"),
            complaint_id=c.id,
            borrower_id=c.borrower_id,
            step=ext.step,
            to_days=ext.to_days,
            reason=ext.reason,
            extended_by=actor,
            at=now,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="complaint.clock_extended",
        subject_type="complaint",
        subject_id=c.id,
        payload=seal_payload(
            session,
            c.borrower_id,
            {"step": ext.step, "to_days": ext.to_days, "reason": ext.reason},
            ("reason",),
            scope="complaint_extension",
        ),
    )
    session.flush()
    return ext


def complaints_of(session: Session, borrower_id: str) -> Sequence[Complaint]:
    return session.scalars(
        select(Complaint).where(Complaint.borrower_id == borrower_id).order_by(Complaint.received_at.desc())
    ).all()


def attachments_of(session: Session, complaint_ids: Sequence[str]) -> dict[str, list[ComplaintAttachment]]:
    out: dict[str, list[ComplaintAttachment]] = {}
    if not complaint_ids:
        return out
    for a in session.scalars(
        select(ComplaintAttachment).where(ComplaintAttachment.complaint_id.in_(complaint_ids))
    ):
        out.setdefault(a.complaint_id, []).append(a)
    return out


@dataclass(frozen=True)
class Preferences:
    opted_out: frozenset[str]
    window: tuple[str, str] | None
    stop_contacts: bool
    language: str


def current_preferences(session: Session, borrower_id: str) -> Preferences:
    rows = session.scalars(
        select(ChannelPreference)
        .where(ChannelPreference.borrower_id == borrower_id, ChannelPreference.revoked_at.is_(None))
        .order_by(ChannelPreference.at)
    ).all()
    opted = frozenset(r.channel for r in rows if r.kind == "opt_out" and r.channel)
    windows = [r.value for r in rows if r.kind == "agreed_window" and r.value]
    window = (str(windows[-1]["start"]), str(windows[-1]["end"])) if windows else None
    stop = any(r.kind == "third_party_stop" and r.source == "portal" for r in rows)
    borrower = session.get(Borrower, borrower_id)
    return Preferences(opted, window, stop, borrower.language if borrower else "zh-CN")


def save_preferences(
    session: Session,
    *,
    borrower_id: str,
    opt_out: set[str],
    window: tuple[str, str] | None,
    stop_contacts: bool,
    language: str,
    actor: str,
) -> None:
    """Write what changed to the gate's facts (opt-outs, agreed window, third-party stops); audited there."""
    now = utc_now()
    if language not in LANGUAGES:
        raise ValidationError(f"choose a language: {', '.join(LANGUAGES)}", field="language")
    unknown = opt_out - {c.value for c in PORTAL_CHANNELS}
    if unknown:
        raise ValidationError(f"unknown channel {sorted(unknown)[0]!r}", field="opt_out")
    if len(opt_out) == len(PORTAL_CHANNELS):
        raise ValidationError(
            "keep at least one way for us to reach you about your loan (the law lets us send required notices)",
            field="opt_out",
        )
    rows = session.scalars(
        select(ChannelPreference).where(
            ChannelPreference.borrower_id == borrower_id, ChannelPreference.revoked_at.is_(None)
        )
    ).all()
    have = {r.channel: r for r in rows if r.kind == "opt_out" and r.channel}
    for ch in opt_out - set(have):
        compliance_facts.record_opt_out(
            session, borrower_id=borrower_id, channel=ch, at=now, source="portal", actor=actor
        )
    for ch in set(have) - opt_out:
        compliance_facts.revoke_preference(session, preference_id=have[ch].id, actor=actor, at=now)
    current = [r for r in rows if r.kind == "agreed_window"]
    new_window = window if window else None
    old_window = (
        (current[-1].value["start"], current[-1].value["end"]) if current and current[-1].value else None
    )
    if new_window != old_window:
        for r in current:
            compliance_facts.revoke_preference(session, preference_id=r.id, actor=actor, at=now)
        if new_window:
            compliance_facts.set_agreed_window(
                session, borrower_id=borrower_id, start=new_window[0], end=new_window[1], at=now,
                source="portal", actor=actor,
            )  # fmt: skip
    stops = [r for r in rows if r.kind == "third_party_stop" and r.source == "portal"]
    if stop_contacts and not stops:
        for contact in session.scalars(
            select(BorrowerContact).where(BorrowerContact.borrower_id == borrower_id)
        ):
            for address in (contact.phone, contact.email):
                if address:
                    compliance_facts.record_third_party_stop(
                        session,
                        borrower_id=borrower_id,
                        address=address,
                        at=now,
                        source="portal",
                        actor=actor,
                    )
    elif not stop_contacts and stops:
        for r in stops:
            compliance_facts.revoke_preference(session, preference_id=r.id, actor=actor, at=now)
    borrower = session.get(Borrower, borrower_id)
    if borrower is not None and borrower.language != language:
        borrower.language = language
        audit.record(
            session,
            actor=actor,
            action="portal.language_set",
            subject_type="borrower",
            subject_id=borrower_id,
            payload={"language": language},
        )


def window_within(start: str, end: str, lawful: tuple[str, str]) -> bool:
    """True when [start, end] lies inside the lawful window (``HH:MM`` strings compare in order)."""
    return lawful[0] <= start < end <= lawful[1]
