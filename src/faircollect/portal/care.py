"""Complaints and disputes from the portal, contact preferences, help resources — the shell over collections'
complaint register and the compliance facts the gate reads.

- ``file_complaint``: reason → kind (dispute for "not my debt / wrong amount / already paid", else complaint), the
  hold the rulebook requires (collections.contacts.log_complaint puts it), the regulator's clock per jurisdiction
  (``complaints.yaml``) and attachments (PDF/JPEG/PNG, ≤ 5 MB each, ≤ 3) stored encrypted with the borrower's data
  key (``privacy``).
- ``clock``: the status of a complaint's clock (open / answered / overdue → escalation route).
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
from faircollect.kit.errors import ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.ledger.models import Borrower, BorrowerContact
from faircollect.portal.models import ComplaintAttachment

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
    rules = clock_rules(jurisdiction)
    kind = "dispute" if reason in DISPUTE_REASONS else "complaint"
    days = int(rules["clock_days"])
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


@dataclass(frozen=True)
class Clock:
    status: str  # answered | open | overdue
    due_by: datetime
    days_left: int
    escalation: bool


def clock(c: Complaint, now: datetime | None = None) -> Clock:
    now = now or utc_now()
    if c.status == "answered":
        return Clock("answered", c.due_by, 0, False)
    left = (c.due_by - now).days
    if now > c.due_by:
        return Clock("overdue", c.due_by, left, True)
    return Clock("open", c.due_by, left, False)


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
