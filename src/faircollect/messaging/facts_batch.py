"""The gate's facts for a whole dispatch batch in six queries, instead of about six per borrower.

``load_facts_many`` returns, for each (borrower, address), exactly what ``compliance.facts.load_facts`` returns — a
property test (``tests/messaging/test_messaging_facts_batch.py``) holds the two equal on random histories, holds and
preferences, so that a change to the one is caught in the other. It belongs next to ``load_facts`` in
``compliance.facts``; it lives here until the compliance owners adopt it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    HoldKind,
    Outcome,
    PastContact,
    RecipientRole,
)
from faircollect.compliance.gate import UNREACHED
from faircollect.compliance.models import ChannelPreference, ContactAttempt, Hold
from faircollect.kit.errors import NotFound
from faircollect.kit.time import ensure_aware
from faircollect.ledger.models import Borrower

_UNREACHED = tuple(o.value for o in UNREACHED)
_THIRD = [RecipientRole.THIRD_PARTY.value, RecipientRole.REGISTERED_CONTACT.value]
_LOST_NEEDED = 3


def _past(row: ContactAttempt) -> PastContact:
    return PastContact(
        channel=Channel(row.channel),
        at=row.at,
        outcome=Outcome(row.outcome),
        recipient_role=RecipientRole(row.recipient_role),
        address=row.address,
        agency_id=row.agency_id,
    )


def load_facts_many(
    session: Session,
    keys: Sequence[tuple[str, str | None]],
    *,
    at: datetime,
    rulebooks: Mapping[str, Any],
) -> dict[tuple[str, str | None], ContactFacts]:
    """Facts at ``at`` for each (borrower_id, address); ``rulebooks`` by jurisdiction (the borrowers' own)."""
    at = ensure_aware(at)
    bids = sorted({b for b, _ in keys})
    if not bids:
        return {}
    borrowers = {b.id: b for b in session.execute(select(Borrower).where(Borrower.id.in_(bids))).scalars()}
    for bid in bids:
        if bid not in borrowers:
            raise NotFound(f"no borrower {bid!r}", field="borrower_id")
    since_of = {
        bid: at - timedelta(days=rulebooks[borrowers[bid].jurisdiction or "CN"].history_days + 1)
        for bid in bids
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
    last: dict[str, list[str]] = defaultdict(list)
    for bid, outcome, _rank in session.execute(
        select(recent.c.borrower_id, recent.c.outcome, recent.c.rank)
        .where(recent.c.rank <= _LOST_NEEDED)
        .order_by(recent.c.borrower_id, recent.c.rank)
    ):
        last[bid].append(outcome)
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
