"""The facts store: contact attempts (across the lender and all its agencies), holds, opt-outs and consents, and
the per-borrower lock that makes "decide, then record" safe under concurrency.

Usage (inside one unit of work)::

    lock_borrower(session, borrower_id)                      # serialises this borrower's cap checks
    facts = load_facts(session, borrower_id=b, at=at, address=phone)
    decision = service.decide_and_audit(session, request, facts, actor=..., borrower_id=b)
    if decision.allowed:
        record_attempt(session, borrower_id=b, ..., outcome=Outcome.NO_ANSWER, actor=...)

For a batch: ``load_facts_many(session, [(borrower_id, address), ...], at=at)`` (six queries for the whole batch)
and ``record_attempts(session, [AttemptIn(...), ...])``. ``load_facts`` and ``record_attempt`` are their
one-item cases: each rule is written once.

Every state change appends an audit record (``compliance.audit.service.record``). Services never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.gate import UNREACHED
from faircollect.compliance.models import (
    BorrowerContactLock,
    ChannelPreference,
    ContactAttempt,
    Hold,
    RuleOverride,
)
from faircollect.compliance.rulebook import Rulebook, load_rulebook
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.masking import mask_phone, mask_text
from faircollect.kit.time import ensure_aware, utc_now


def mask_address(address: str | None) -> str | None:
    """A phone number or e-mail address as it may appear in logs and audit records."""
    if address is None:
        return None
    return mask_text(address) if "@" in address else mask_phone(address)


# ------------------------------------------------------------------------------------------ the lock


def lock_borrower(session: Session, borrower_id: str) -> None:
    """Take the borrower's contact lock until the caller's transaction ends.

    PostgreSQL: the lock row is created if missing (``INSERT … ON CONFLICT DO NOTHING``) and then locked with
    ``SELECT … FOR UPDATE``: concurrent deciders for one borrower queue here, so a cap can never be overshot.
    SQLite: the INSERT takes the database write lock, which serialises every writer until commit.
    """
    dialect = session.get_bind().dialect.name
    values = {"borrower_id": borrower_id, "created_at": utc_now()}
    if dialect == "postgresql":
        session.execute(postgresql.insert(BorrowerContactLock).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(BorrowerContactLock).values(**values).on_conflict_do_nothing())
    elif session.get(BorrowerContactLock, borrower_id) is None:  # pragma: no cover - other databases
        session.add(BorrowerContactLock(**values))
        session.flush()
    session.execute(
        select(BorrowerContactLock.borrower_id)
        .where(BorrowerContactLock.borrower_id == borrower_id)
        .with_for_update()
    ).one()


# ------------------------------------------------------------------------------------------ reading facts


def _borrower(session: Session, borrower_id: str) -> Any:
    from faircollect.ledger.models import Borrower

    b = session.get(Borrower, borrower_id)
    if b is None:
        raise NotFound(f"no borrower {borrower_id!r}", field="borrower_id")
    return b


def active_overrides(session: Session, jurisdiction: str) -> list[RuleOverride]:
    """The lender's active rule overrides for a jurisdiction, oldest first."""
    rows = session.execute(
        select(RuleOverride)
        .where(RuleOverride.jurisdiction == jurisdiction.upper(), RuleOverride.active.is_(True))
        .order_by(RuleOverride.created_at, RuleOverride.id)
    ).scalars()
    return list(rows)


def lender_rulebook(session: Session, jurisdiction: str) -> Rulebook:
    """The jurisdiction's rulebook with the lender's stored overrides applied (compiled once per override set)."""
    rows = active_overrides(session, jurisdiction)
    key = (jurisdiction.upper(), tuple(r.id for r in rows))
    rb = _LENDER_RULEBOOKS.get(key)
    if rb is None:
        rb = load_rulebook(jurisdiction, overrides=rows or None)
        if len(_LENDER_RULEBOOKS) > 64:
            _LENDER_RULEBOOKS.clear()
        _LENDER_RULEBOOKS[key] = rb
    return rb


_LENDER_RULEBOOKS: dict[tuple[str, tuple[str, ...]], Rulebook] = {}


def _past(row: ContactAttempt) -> PastContact:
    return PastContact(
        channel=Channel(row.channel),
        at=row.at,
        outcome=Outcome(row.outcome),
        recipient_role=RecipientRole(row.recipient_role),
        address=row.address,
        agency_id=row.agency_id,
    )


def load_facts(
    session: Session,
    *,
    borrower_id: str,
    at: datetime,
    address: str | None = None,
    rulebook: Rulebook | None = None,
) -> ContactFacts:
    """Everything the gate needs about one borrower at ``at``: history (only as far back as the longest rule
    needs), active holds, opt-outs, consents, lost-contact status, third-party stop requests, agreed window.

    Visit approval, visit window and lawsuit status belong to collections: set them with
    ``dataclasses.replace(facts, visit_approved=..., visit_window=..., lawsuit_filed=...)``.

    One borrower's case of :func:`load_facts_many` (one implementation of the rules for both).
    """
    key = (borrower_id, address)
    return load_facts_many(session, [key], at=at, rulebooks=rulebook)[key]


_UNREACHED = tuple(o.value for o in UNREACHED)
_THIRD = (RecipientRole.THIRD_PARTY.value, RecipientRole.REGISTERED_CONTACT.value)
_LOST_NEEDED = 3


def load_facts_many(
    session: Session,
    keys: Sequence[tuple[str, str | None]],
    *,
    at: datetime,
    rulebooks: Mapping[str, Rulebook] | Rulebook | None = None,
) -> dict[tuple[str, str | None], ContactFacts]:
    """The gate's facts at ``at`` for each (borrower_id, address), in six queries whatever the number of keys.

    ``rulebooks``: by jurisdiction (a borrower's own decides how far back its history reaches); one
    ``Rulebook`` for every borrower; or None for the lender's rulebook (stored overrides applied) per jurisdiction.

    What each ``ContactFacts`` holds:

    * **history**: the borrower's attempts (lender and agencies) from ``at − (history_days + 1) days`` (local-day
      windows reach back to a local midnight: one extra day covers any zone offset) to ``at + 2 days``, plus —
      when an address is given — every attempt ever made to that address as a third party or registered contact
      (per-person limits such as US-LOCATION-3P look at all of history); ordered by time.
    * **holds**: kinds of the holds neither released nor expired (``until`` unset or after ``at``).
    * **opt_outs / consents**: channels of unrevoked preferences (no channel = all channels) for this address or
      for any address; **third_party_stop_requested**: an unrevoked stop request for exactly this address;
      **agreed_contact_window**: the latest unrevoked agreed window.
    * **lost_contact** (CN-3P-LOST-CONTACT-ONLY): the last attempt to the borrower themself (at or before ``at``)
      found the number invalid, or the last three all failed to reach them — however long ago they were.

    Raises ``NotFound`` naming the first unknown borrower.
    """
    at = ensure_aware(at)
    bids = sorted({b for b, _ in keys})
    if not bids:
        return {}
    if len(bids) == 1:  # the session may hold it already: no query then
        borrowers = {bids[0]: _borrower(session, bids[0])}
    else:
        from faircollect.ledger.models import Borrower

        borrowers = {
            b.id: b for b in session.execute(select(Borrower).where(Borrower.id.in_(bids))).scalars()
        }
        for bid in bids:
            if bid not in borrowers:
                raise NotFound(f"no borrower {bid!r}", field="borrower_id")

    def rulebook_for(jurisdiction: str) -> Rulebook:
        if isinstance(rulebooks, Rulebook):
            return rulebooks
        if rulebooks is not None and jurisdiction in rulebooks:
            return rulebooks[jurisdiction]
        return lender_rulebook(session, jurisdiction)

    history_days = {
        j: rulebook_for(j).history_days for j in {borrowers[b].jurisdiction or "CN" for b in bids}
    }
    since_of = {
        bid: at - timedelta(days=history_days[borrowers[bid].jurisdiction or "CN"] + 1) for bid in bids
    }
    until = at + timedelta(days=2)
    window: dict[str, list[ContactAttempt]] = defaultdict(list)
    for r in session.execute(
        select(ContactAttempt)
        .where(
            ContactAttempt.borrower_id.in_(bids),
            ContactAttempt.at >= min(since_of.values()),
            ContactAttempt.at < until,
        )
        .order_by(ContactAttempt.at)
    ).scalars():
        if r.at >= since_of[r.borrower_id]:
            window[r.borrower_id].append(r)
    addresses = sorted({a for _, a in keys if a is not None})
    by_address: dict[tuple[str, str], list[ContactAttempt]] = defaultdict(list)
    if addresses:
        for r in session.execute(
            select(ContactAttempt).where(
                ContactAttempt.borrower_id.in_(bids),
                ContactAttempt.address.in_(addresses),
                ContactAttempt.recipient_role.in_(_THIRD),
            )
        ).scalars():
            by_address[(r.borrower_id, r.address or "")].append(r)
    last = _last_outcomes(session, bids, at)
    holds: dict[str, set[HoldKind]] = defaultdict(set)
    for h in session.execute(
        select(Hold).where(
            Hold.borrower_id.in_(bids),
            Hold.released_at.is_(None),
            or_(Hold.until.is_(None), Hold.until > at),
        )
    ).scalars():
        holds[h.borrower_id].add(HoldKind(h.kind))
    prefs: dict[str, list[ChannelPreference]] = defaultdict(list)
    for p in session.execute(
        select(ChannelPreference)
        .where(ChannelPreference.borrower_id.in_(bids), ChannelPreference.revoked_at.is_(None))
        .order_by(ChannelPreference.at)
    ).scalars():
        prefs[p.borrower_id].append(p)

    out: dict[tuple[str, str | None], ContactFacts] = {}
    for bid, address in keys:
        history = {r.id: r for r in window[bid]}
        if address is not None:
            for r in by_address[(bid, address)]:
                history.setdefault(r.id, r)
        outcomes = last[bid]
        lost = bool(outcomes) and outcomes[0] == Outcome.INVALID_NUMBER.value
        lost = lost or (len(outcomes) >= _LOST_NEEDED and all(o in _UNREACHED for o in outcomes))
        opt_outs: set[Channel] = set()
        consents: set[Channel] = set()
        stop = False
        agreed: tuple[str, str] | None = None
        for p in prefs[bid]:
            channels = [Channel(p.channel)] if p.channel else list(Channel)
            if p.kind == "opt_out" and (p.address is None or address is None or p.address == address):
                opt_outs.update(channels)
            elif p.kind == "consent" and (p.address is None or address is None or p.address == address):
                consents.update(channels)
            elif p.kind == "third_party_stop" and address is not None and p.address == address:
                stop = True
            elif p.kind == "agreed_window" and p.value:
                agreed = (str(p.value["start"]), str(p.value["end"]))
        out[(bid, address)] = ContactFacts(
            borrower_timezone=borrowers[bid].timezone,
            history=tuple(_past(r) for r in sorted(history.values(), key=lambda r: r.at)),
            holds=frozenset(holds[bid]),
            opt_outs=frozenset(opt_outs),
            consents=frozenset(consents),
            lost_contact=lost,
            third_party_stop_requested=stop,
            agreed_contact_window=agreed,
        )
    return out


def _last_outcomes(session: Session, bids: list[str], at: datetime) -> dict[str, list[str]]:
    """Outcomes of each borrower's last ``_LOST_NEEDED`` attempts to the borrower themself at or before ``at``,
    newest first."""
    last: dict[str, list[str]] = defaultdict(list)
    rank = (
        func.row_number()
        .over(partition_by=ContactAttempt.borrower_id, order_by=ContactAttempt.at.desc())
        .label("rank")
    )
    recent = (
        select(ContactAttempt.borrower_id, ContactAttempt.outcome, rank)
        .where(
            ContactAttempt.borrower_id.in_(bids),
            ContactAttempt.recipient_role == RecipientRole.BORROWER.value,
            ContactAttempt.at <= at,
        )
        .subquery()
    )
    for bid, outcome, _rank in session.execute(
        select(recent.c.borrower_id, recent.c.outcome, recent.c.rank)
        .where(recent.c.rank <= _LOST_NEEDED)
        .order_by(recent.c.borrower_id, recent.c.rank)
    ):
        last[bid].append(outcome)
    return last


# ------------------------------------------------------------------------------------------ changing facts


@dataclass(frozen=True, slots=True)
class AttemptIn:
    """One contact attempt to record (see :func:`record_attempts`)."""

    borrower_id: str
    loan_id: str | None
    channel: Channel | str
    recipient_role: RecipientRole | str
    address: str | None
    at: datetime
    outcome: Outcome | str
    actor: str
    agency_id: str | None = None
    purpose: Purpose | str = Purpose.COLLECT
    decision_ref: str | None = None


def attempt_values(items: Sequence[AttemptIn]) -> list[dict[str, Any]]:
    """The ``contact_attempt`` rows for ``items`` as column values (validated, ids assigned; nothing written).

    For a caller that audits each attempt inside a larger record of its own (the dispatcher: one record per
    message holding the decision and its attempt, :func:`attempt_payload`) and then calls :func:`insert_attempts`;
    everyone else calls :func:`record_attempts`, which does both with one record per attempt."""
    now = utc_now()
    return [
        {
            "id": new_id("att"),
            "borrower_id": a.borrower_id,
            "loan_id": a.loan_id,
            "channel": Channel(a.channel).value,
            "recipient_role": RecipientRole(a.recipient_role).value,
            "purpose": Purpose(a.purpose).value,
            "address": a.address,
            "at": ensure_aware(a.at),
            "outcome": Outcome(a.outcome).value,
            "agency_id": a.agency_id,
            "actor": a.actor,
            "decision_ref": a.decision_ref,
            "created_at": now,
        }
        for a in items
    ]


def attempt_payload(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit log says about an attempt (the address masked)."""
    return {
        "attempt_id": values["id"],
        "loan_id": values["loan_id"],
        "channel": values["channel"],
        "recipient_role": values["recipient_role"],
        "purpose": values["purpose"],
        "address": mask_address(values["address"]),
        "at": values["at"].isoformat(),
        "outcome": values["outcome"],
        "agency_id": values["agency_id"],
        "decision_ref": values["decision_ref"],
    }


def insert_attempts(session: Session, values: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows made by :func:`attempt_values` in one statement (the caller audits them)."""
    if values:
        session.execute(insert(ContactAttempt), list(values))


def record_attempts(session: Session, items: Sequence[AttemptIn]) -> list[str]:
    """Record contact attempts (by the lender or an agency), inserted together and audited together (one
    ``contact.attempt_recorded`` record each, the audit head locked once); returns their ids in order."""
    values = attempt_values(items)
    if not values:
        return []
    insert_attempts(session, values)
    audit.record_many(
        session,
        [
            {
                "actor": v["actor"],
                "action": "contact.attempt_recorded",
                "subject_type": "borrower",
                "subject_id": v["borrower_id"],
                "payload": attempt_payload(v),
            }
            for v in values
        ],
    )
    return [v["id"] for v in values]


def record_attempt(
    session: Session,
    *,
    borrower_id: str,
    loan_id: str | None,
    channel: Channel | str,
    recipient_role: RecipientRole | str,
    address: str | None,
    at: datetime,
    outcome: Outcome | str,
    agency_id: str | None = None,
    actor: str,
    purpose: Purpose | str = Purpose.COLLECT,
    decision_ref: str | None = None,
) -> str:
    """Record one contact attempt (by the lender or an agency); returns its id. Audited.

    One attempt's case of :func:`record_attempts`."""
    item = AttemptIn(
        borrower_id=borrower_id,
        loan_id=loan_id,
        channel=channel,
        recipient_role=recipient_role,
        address=address,
        at=at,
        outcome=outcome,
        actor=actor,
        agency_id=agency_id,
        purpose=purpose,
        decision_ref=decision_ref,
    )
    return record_attempts(session, [item])[0]


def update_attempt_outcome(
    session: Session, attempt_id: str, outcome: Outcome | str, *, actor: str = "system"
) -> None:
    """Correct an attempt's outcome (e.g. no_answer → connected, sent → delivered). Audited."""
    row = session.get(ContactAttempt, attempt_id)
    if row is None:
        raise NotFound(f"no contact attempt {attempt_id!r}", field="attempt_id")
    before = row.outcome
    row.outcome = Outcome(outcome).value
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.outcome_updated",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload={"attempt_id": attempt_id, "from": before, "to": row.outcome},
    )


def set_hold(
    session: Session,
    *,
    borrower_id: str,
    kind: HoldKind | str,
    reason: str,
    actor: str,
    until: datetime | None = None,
    at: datetime | None = None,
) -> str:
    """Put a hold on the borrower (dispute, complaint, cease-contact, ...); returns its id. Audited."""
    if not reason or not reason.strip():
        raise ValidationError("a hold needs a reason", field="reason")
    _borrower(session, borrower_id)
    row = Hold(
        id=new_id("hold"),
        borrower_id=borrower_id,
        kind=HoldKind(kind).value,
        reason=reason.strip(),
        set_by=actor,
        set_at=ensure_aware(at) if at else utc_now(),
        until=ensure_aware(until, field="until") if until else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.hold_set",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={
            "hold_id": row.id,
            "kind": row.kind,
            "reason": row.reason,
            "until": row.until.isoformat() if row.until else None,
        },
    )
    return row.id


def release_hold(
    session: Session, *, hold_id: str, actor: str, reason: str = "", at: datetime | None = None
) -> None:
    """Release a hold (idempotent refusal: releasing twice is an error). Audited."""
    row = session.get(Hold, hold_id)
    if row is None:
        raise NotFound(f"no hold {hold_id!r}", field="hold_id")
    if row.released_at is not None:
        raise ValidationError(f"hold {hold_id} was already released", field="hold_id")
    row.released_at = ensure_aware(at) if at else utc_now()
    row.released_by = actor
    row.release_reason = reason or None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.hold_released",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload={"hold_id": hold_id, "kind": row.kind, "reason": reason},
    )


def _preference(
    session: Session,
    *,
    borrower_id: str,
    kind: str,
    channel: Channel | str | None,
    address: str | None,
    at: datetime,
    source: str,
    actor: str,
    value: dict[str, Any] | None = None,
) -> str:
    if not source or not source.strip():
        raise ValidationError(
            "the source of a preference is required (where did it come from?)", field="source"
        )
    _borrower(session, borrower_id)
    row = ChannelPreference(
        id=new_id("pref"),
        borrower_id=borrower_id,
        kind=kind,
        channel=Channel(channel).value if channel else None,
        address=address,
        value=value,
        at=ensure_aware(at),
        source=source.strip()[:120],
        actor=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"contact.{kind}_recorded",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={
            "preference_id": row.id,
            "channel": row.channel,
            "address": mask_address(address),
            "at": row.at.isoformat(),
            "source": row.source,
            "value": value,
        },
    )
    return row.id


def record_opt_out(
    session: Session,
    *,
    borrower_id: str,
    channel: Channel | str,
    at: datetime,
    source: str,
    actor: str,
    address: str | None = None,
) -> str:
    """The borrower opted out of a channel (e.g. replied STOP); the gate honours it from ``at``. Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="opt_out",
        channel=channel,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def record_consent(
    session: Session,
    *,
    borrower_id: str,
    channel: Channel | str,
    at: datetime,
    source: str,
    actor: str,
    address: str | None = None,
) -> str:
    """Prior express consent for a channel (US-TCPA for SMS). Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="consent",
        channel=channel,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def record_third_party_stop(
    session: Session, *, borrower_id: str, address: str, at: datetime, source: str, actor: str
) -> str:
    """A third party asked not to be contacted again (CN-3P-LOST-CONTACT-ONLY: stop on request). Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="third_party_stop",
        channel=None,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def set_agreed_window(
    session: Session, *, borrower_id: str, start: str, end: str, at: datetime, source: str, actor: str
) -> str:
    """A contact window the borrower agreed to (replaces the default hours where the law allows). Audited."""
    import re

    for name, value in (("start", start), ("end", end)):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d|24:00", value):
            raise ValidationError(f'expected "HH:MM", got {value!r}', field=name)
    if start == end:
        raise ValidationError("the window must not start and end at the same time", field="end")
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="agreed_window",
        channel=None,
        address=None,
        at=at,
        source=source,
        actor=actor,
        value={"start": start, "end": end},
    )


def revoke_preference(
    session: Session, *, preference_id: str, actor: str, at: datetime | None = None
) -> None:
    """Withdraw an opt-out, consent, stop request or agreed window (e.g. TCPA consent revoked). Audited."""
    row = session.get(ChannelPreference, preference_id)
    if row is None:
        raise NotFound(f"no preference {preference_id!r}", field="preference_id")
    row.revoked_at = ensure_aware(at) if at else utc_now()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"contact.{row.kind}_revoked",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload={"preference_id": preference_id, "channel": row.channel},
    )


def save_override(
    session: Session, *, jurisdiction: str, rule_id: str, params: dict[str, Any], reason: str, actor: str
) -> str:
    """Store a lender's rule override after checking it against the rulebook (a [C] rule cannot be loosened).
    ``params`` may hold rule parameters plus ``enabled`` / ``channels``. Audited."""
    j = jurisdiction.upper()
    existing = active_overrides(session, j)
    candidate: dict[str, Any] = {"rule": rule_id, "reason": reason, "actor": actor}
    body = dict(params)
    for key in ("enabled", "channels"):
        if key in body:
            candidate[key] = body.pop(key)
    candidate["params"] = body
    rb = load_rulebook(j, overrides=[*existing, candidate])  # raises RulebookError when refused
    applied = rb.overrides[-1]
    row = RuleOverride(
        id=new_id("ovr"),
        jurisdiction=j,
        rule_id=rule_id,
        params=dict(params),
        reason=reason.strip(),
        actor=actor,
        created_at=utc_now(),
        active=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="compliance.rule_override",
        subject_type="rule",
        subject_id=f"{j}:{rule_id}",
        payload={"override_id": row.id, **applied.to_json(), "rulebook_version": rb.effective_version},
    )
    return row.id
