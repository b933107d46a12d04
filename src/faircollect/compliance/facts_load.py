"""Loading the gate's facts: a borrower's contact history (across the lender and all its agencies), active holds,
opt-outs, consents, third-party stop requests and agreed window (:func:`load_facts_many`, its one-borrower case
:func:`load_facts`), and the lender's rulebook with its stored overrides applied (:func:`lender_rulebook`).

Part of the facts store; import these through ``faircollect.compliance.facts`` (which re-exports them).
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
from faircollect.compliance.models import (
    ChannelPreference,
    ContactAttempt,
    Hold,
    RuleOverride,
)
from faircollect.compliance.rulebook import Rulebook, load_rulebook
from faircollect.kit.errors import NotFound
from faircollect.kit.time import ensure_aware
from faircollect.privacy import blind_index


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
    # Addresses are sealed: they are matched through their keyed blind indexes, never decrypted to compare.
    index_of = {a: blind_index("address", a) for _, a in keys if a is not None}
    by_address: dict[tuple[str, str], list[ContactAttempt]] = defaultdict(list)
    if index_of:
        for r in session.execute(
            select(ContactAttempt).where(
                ContactAttempt.borrower_id.in_(bids),
                ContactAttempt.address_bidx.in_(sorted(set(index_of.values()))),
                ContactAttempt.recipient_role.in_(_THIRD),
            )
        ).scalars():
            by_address[(r.borrower_id, r.address_bidx or "")].append(r)
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
        aidx = index_of.get(address) if address is not None else None
        if aidx is not None:
            for r in by_address[(bid, aidx)]:
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
            if p.kind == "opt_out" and (p.address_bidx is None or aidx is None or p.address_bidx == aidx):
                opt_outs.update(channels)
            elif p.kind == "consent" and (p.address_bidx is None or aidx is None or p.address_bidx == aidx):
                consents.update(channels)
            elif p.kind == "third_party_stop" and aidx is not None and p.address_bidx == aidx:
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
