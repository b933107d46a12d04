"""Dispatch steps 1 and 3 (see ``messaging.dispatch``): what the claim-and-decide transaction and the record
transaction do inside.

* ``_claim_and_decide`` (step 1): claim due messages (``_due_query``), take the borrowers' contact locks
  (``_try_lock_borrowers`` on PostgreSQL), decide each message again with fresh facts (``_decide_one``), then write
  the states (``_bulk_update`` / ``_set_loaded``), the audit records (``_entry``) and the attempts.
* ``_record_results`` (step 3): write what the provider said — ``sent``, a retry with backoff, or ``dead``.
* ``_outgoing``: the provider's view of a claimed message, built before the claim transaction ends.

The batch loop, its configuration and the workers are in ``messaging.dispatch``, which imports this module (so
this module imports ``dispatch`` only for type checking, and ``backoff`` at call time).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, String, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from faircollect.collections.contacts import visit_context
from faircollect.collections.models import VisitRequest
from faircollect.compliance import facts as facts_service
from faircollect.compliance import gate
from faircollect.compliance import service as compliance_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Outcome,
    PastContact,
    RecipientRole,
)
from faircollect.compliance.models import BorrowerContactLock
from faircollect.compliance.rulebook import RulebookError
from faircollect.kit.masking import mask_phone, mask_text
from faircollect.kit.time import utc_now
from faircollect.ledger.models import Borrower
from faircollect.messaging.models import BLOCKED, DEAD, FAILED, PLANNED, SENDING, SENT, OutboxMessage
from faircollect.messaging.providers.base import (
    ChannelRouter,
    OutgoingMessage,
    Provider,
    ProviderError,
    SendResult,
    resolve,
)
from faircollect.messaging.staleness import refresh_or_expire

if TYPE_CHECKING:
    from faircollect.messaging.dispatch import DispatchConfig, DispatchStats

ACTOR = "system:dispatch"


def _outgoing(msg: OutboxMessage) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=msg.id,
        channel=msg.channel,
        to=msg.address,
        body=msg.body,
        idempotency_key=msg.idempotency_key,
        verification_code=msg.verification_code,
        lender=msg.lender,
    )


def _due_query(now: datetime, limit: int, postgres: bool) -> Any:
    stmt = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status.in_((PLANNED, FAILED))) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.lease_until < now),
            )
        )
        # Grouped by borrower: a batch holds few borrowers (one facts load each), and concurrent workers, which
        # skip each other's rows, end up with different borrowers instead of queueing on the same borrower locks.
        .order_by(OutboxMessage.borrower_id, OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    return stmt


def _claim_and_decide(
    session: Session,
    *,
    provider: Provider | ChannelRouter,
    worker: str,
    cfg: DispatchConfig,
    stats: DispatchStats,
) -> list[OutboxMessage]:
    """Step 1. Returns the messages to send now (state ``sending``, leased to this worker).

    Reads first (claim, borrower locks, facts, decisions), writes last (audit records, attempts, states), so that
    the audit chain's head, which every writer locks, is held only for the short write burst before commit.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    now = cfg.clock()
    rows = list(session.execute(_due_query(now, cfg.batch_size, postgres)).scalars().all())
    if not rows:
        return []
    stats.claimed += len(rows)
    lease = now + timedelta(seconds=cfg.lease_seconds)
    to_send: list[OutboxMessage] = []
    entries: list[dict[str, Any]] = []  # audit records, written together at the end

    fresh = [m for m in rows if m.status != SENDING]
    for msg in (m for m in rows if m.status == SENDING):  # a worker died mid-send
        p = resolve(provider, msg.channel)
        if p.idempotent:
            entries.append(_entry(msg, "messaging.send_resumed", now, {"previous_owner": msg.lease_owner}))
            msg.lease_until, msg.lease_owner = lease, worker
            stats.resumed += 1
            to_send.append(msg)
        else:
            msg.status, msg.lease_until, msg.lease_owner = DEAD, None, None
            msg.last_error = (
                f"a worker stopped while sending; {p.name} cannot recognise a repeat, so it is not resent "
                "(at most once)"
            )
            stats.dead += 1
            entries.append(_entry(msg, "messaging.dead", now, {"reason": msg.last_error}))

    borrower_ids = sorted({m.borrower_id for m in fresh})
    if postgres:
        # Borrowers another worker is deciding right now are left for a later batch (their messages stay as
        # they are; our row locks on them end with this transaction).
        locked = _try_lock_borrowers(session, borrower_ids)
        skipped = [m for m in fresh if m.borrower_id not in locked]
        stats.claimed -= len(skipped)
        stats.skipped += len(skipped)
        fresh = [m for m in fresh if m.borrower_id in locked]
        borrower_ids = sorted(locked)
    else:
        for bid in borrower_ids:  # sorted: two workers never wait on each other in a cycle
            facts_service.lock_borrower(session, bid)
    # A message past its validity is re-rendered with today's facts, or expired (messaging.staleness).
    fresh, rerendered, expired = refresh_or_expire(session, fresh, now, entry=_entry, entries=entries)
    stats.rerendered += rerendered
    stats.expired += expired
    jurisdictions: dict[str, str] = {}
    rulebooks: dict[str, Any] = {}
    maybe_visit: set[str] = set()
    if borrower_ids:
        # Whole borrower rows: load_facts then finds them in the session instead of asking again.
        for b in session.execute(select(Borrower).where(Borrower.id.in_(borrower_ids))).scalars():
            jurisdictions[b.id] = b.jurisdiction
        # Who may have an approved visit at all (collections decides the exact context, per borrower, below).
        maybe_visit = set(
            session.execute(
                select(VisitRequest.borrower_id).where(
                    VisitRequest.borrower_id.in_(borrower_ids),
                    VisitRequest.status == "approved",
                    VisitRequest.window_end >= now,
                )
            ).scalars()
        )

    # Decide every message with fresh facts. Facts are loaded once per borrower and address in this batch; an
    # allowed message's attempt is added to them before the next decision (we hold the borrower's lock, so no one
    # else can add attempts meanwhile): two messages in one batch count against the cap like two batches would.
    facts_cache: dict[tuple[str, str], ContactFacts] = {}
    allowed: list[tuple[OutboxMessage, int]] = []  # (message, index of its decision's audit entry)
    decided: list[tuple[OutboxMessage, Any]] = []
    with session.no_autoflush:  # reads only in this loop: no flush between the facts queries
        for jur in set(jurisdictions.values()) | {"CN"}:  # once per batch: the lender's overrides, read now
            rulebooks[jur] = cfg.rulebook or facts_service.lender_rulebook(session, jur)
        keys = sorted({(m.borrower_id, m.address) for m in fresh})
        loaded = facts_service.load_facts_many(session, list(keys), at=now, rulebooks=rulebooks)
        for (bid, address), facts in loaded.items():
            # The collections-side context the plan was decided with: an approved, still-pending field visit
            # makes a factual visit notice lawful (and a cancelled one makes the same text a threat again).
            if bid in maybe_visit:
                approved, window = visit_context(session, bid, now)
                if approved:
                    facts = replace(facts, visit_approved=True, visit_window=window)
            facts_cache[(bid, address or "")] = facts
        for msg in sorted(fresh, key=lambda m: (m.borrower_id, m.planned_for, m.id)):
            decided.append(
                (msg, _decide_one(session, msg, now, cfg, jurisdictions, rulebooks, facts_cache, maybe_visit))
            )
    send_rules: dict[str, tuple[str, ...]] = {}
    for msg, (request, decision, rulebook) in decided:
        send_rules[msg.id] = tuple(decision.rule_ids)
        payload = {
            **compliance_service.decision_payload(request, decision, rulebook),
            "outbox_message_id": msg.id,
            "stage": "send",
        }
        entries.append(
            {
                "actor": ACTOR,
                "action": "gate.decision",
                "subject_type": "borrower",
                "subject_id": msg.borrower_id,
                "payload": payload,
                "at": now,
            }
        )
        if not decision.allowed and _timing_only(decision, rulebook):
            # Only the hour, a holiday or a frequency cap stands in the way: the message waits for the gate's
            # next_allowed_at (the morning, in the borrower's zone) instead of being dropped. Its validity still
            # holds: if that passes meanwhile it is re-rendered with that day's facts, or expired.
            msg.send_rule_ids = list(decision.rule_ids)
            msg.next_attempt_at, msg.lease_until, msg.lease_owner = decision.next_allowed_at, None, None
            msg.last_error = f"held until {decision.next_allowed_at:%Y-%m-%d %H:%M} UTC: " + "; ".join(
                f"{r.rule}: {r.message_en}" for r in decision.reasons
            )
            stats.deferred += 1
            continue
        if not decision.allowed:
            # The decision record above names the message and the rules: it is also the record of this change.
            msg.send_rule_ids = list(decision.rule_ids)
            msg.status, msg.lease_until, msg.lease_owner = BLOCKED, None, None
            msg.last_error = "denied at send time: " + "; ".join(
                f"{r.rule}: {r.message_en}" for r in decision.reasons
            )
            stats.blocked += 1
            for rule in decision.rule_ids:
                stats.blocked_rules[rule] = stats.blocked_rules.get(rule, 0) + 1
            continue
        allowed.append((msg, len(entries) - 1))

    # Write burst. Blocked messages' states and the sending states first; then, under the audit head's lock, one
    # audit record per message (the send-time decision and, when allowed, the attempt it records) and the attempts
    # (each referencing that record); then commit.
    attempts = facts_service.attempt_values(
        [
            facts_service.AttemptIn(
                borrower_id=msg.borrower_id,
                loan_id=msg.loan_id,
                channel=msg.channel,
                recipient_role=msg.recipient_role,
                address=msg.address,
                at=now,
                outcome=Outcome.SENT,
                actor=ACTOR,
            )
            for msg, _i in allowed
        ]
    )
    for (_msg, i), values in zip(allowed, attempts, strict=True):
        attempt = facts_service.attempt_payload(values)
        del attempt["decision_ref"]  # the attempt's decision is this very record
        entries[i]["payload"]["attempt"] = attempt
    # The sending states first (row locks we already hold): one UPDATE per (provider, rule ids) group — usually one
    # per batch — instead of one per message; the in-memory rows are brought up to date without another write.
    session.flush()
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[OutboxMessage, str]]] = {}
    for (msg, _i), values in zip(allowed, attempts, strict=True):
        key = (resolve(provider, msg.channel).name, send_rules[msg.id])
        groups.setdefault(key, []).append((msg, values["id"]))
    for (provider_name, rule_ids), members in groups.items():
        _bulk_update(
            session,
            "contact_attempt_id",
            {msg.id: att for msg, att in members},
            status=SENDING,
            lease_until=lease,
            lease_owner=worker,
            provider=provider_name,
            send_rule_ids=list(rule_ids),
            attempts=OutboxMessage.attempts + 1,
        )
        for msg, att in members:
            _set_loaded(
                msg,
                contact_attempt_id=att,
                status=SENDING,
                lease_until=lease,
                lease_owner=worker,
                provider=provider_name,
                send_rule_ids=list(rule_ids),
                attempts=msg.attempts + 1,
            )
            to_send.append(msg)
    # Last, under the audit head's lock (held by every writer until commit): the records and the attempts.
    records = audit.record_many(session, entries)
    for (_msg, i), values in zip(allowed, attempts, strict=True):
        values["decision_ref"] = f"audit:{records[i].seq}"
    facts_service.insert_attempts(session, attempts)
    return to_send


def _bulk_update(session: Session, column: str, per_row: dict[str, str | None], **common: Any) -> None:
    """Write ``common`` values and each row's own ``column`` value to the outbox rows ``per_row`` names (by id).
    The caller holds the rows' locks.

    PostgreSQL: one ``UPDATE … FROM unnest(ids, values)`` statement whatever the number of rows (two array
    parameters; compiled once). Elsewhere: one ``UPDATE`` per row in one executemany."""
    if not per_row:
        return
    if session.get_bind().dialect.name == "postgresql":
        rows = (
            func.unnest(
                bindparam("ids", list(per_row), type_=postgresql.ARRAY(String)),
                bindparam("vals", list(per_row.values()), type_=postgresql.ARRAY(String)),
            )
            .table_valued("id", "val")
            .render_derived(name="v")
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == rows.c.id)
            .values({column: rows.c.val, **common})
            .execution_options(synchronize_session=False)
        )
        return
    session.connection().execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == bindparam("b_id"))
        .values({column: bindparam("b_val"), **common}),
        [{"b_id": mid, "b_val": val} for mid, val in per_row.items()],
    )


def _set_loaded(msg: OutboxMessage, **values: Any) -> None:
    """Bring a loaded row up to date with what ``_bulk_update`` wrote (without marking it changed)."""
    for name, value in values.items():
        set_committed_value(msg, name, value)


def _try_lock_borrowers(session: Session, borrower_ids: list[str]) -> set[str]:
    """PostgreSQL: take the contact locks (the rows ``compliance.facts.lock_borrower`` locks) of those borrowers
    that no other transaction holds, without waiting; return whose locks we now hold until commit."""
    if not borrower_ids:
        return set()
    have = set(
        session.execute(
            select(BorrowerContactLock.borrower_id).where(BorrowerContactLock.borrower_id.in_(borrower_ids))
        ).scalars()
    )
    missing = [b for b in borrower_ids if b not in have]
    if missing:
        # Lock rows are created in their own short transaction, before we hold any borrower lock: if a planner
        # is creating the same row right now we wait for it while holding nothing it could be waiting for.
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        with engine.connect() as conn, conn.begin():
            conn.execute(
                postgresql.insert(BorrowerContactLock)
                .values([{"borrower_id": b, "created_at": utc_now()} for b in missing])
                .on_conflict_do_nothing()
            )
    got = session.execute(
        select(BorrowerContactLock.borrower_id)
        .where(BorrowerContactLock.borrower_id.in_(borrower_ids))
        .order_by(BorrowerContactLock.borrower_id)
        .with_for_update(skip_locked=True)
    ).scalars()
    return set(got)


def _decide_one(
    session: Session,
    msg: OutboxMessage,
    now: datetime,
    cfg: DispatchConfig,
    jurisdictions: dict[str, str],
    rulebooks: dict[str, Any],
    facts_cache: dict[tuple[str, str], ContactFacts],
    maybe_visit: set[str],
) -> tuple[ContactRequest, Any, Any]:
    """The gate's decision on one message now, with fresh facts (pure decide; nothing written here)."""
    jurisdiction = jurisdictions.get(msg.borrower_id) or "CN"
    if jurisdiction not in rulebooks:  # once per batch: the lender's overrides, read inside this transaction
        rulebooks[jurisdiction] = cfg.rulebook or facts_service.lender_rulebook(session, jurisdiction)
    rulebook = rulebooks[jurisdiction]
    key = (msg.borrower_id, msg.address)
    facts = facts_cache[key]  # loaded for the whole batch by load_facts_many
    request = ContactRequest(
        jurisdiction=jurisdiction,
        channel=Channel(msg.channel),
        recipient_role=RecipientRole(msg.recipient_role),
        at=now,
        address=msg.address,
        text=msg.body,
    )
    # the plan-time verdict stands if the text, its context and the linter are unchanged (gate checks the key)
    decision = gate.decide(request, facts, rulebook=rulebook, prior_lint=msg.plan_lint)
    if decision.allowed:
        facts = replace(
            facts,
            history=(
                *facts.history,
                PastContact(
                    channel=Channel(msg.channel),
                    at=now,
                    outcome=Outcome.SENT,
                    recipient_role=RecipientRole(msg.recipient_role),
                    address=msg.address,
                ),
            ),
        )
    facts_cache[key] = facts
    return request, decision, rulebook


#: Rule kinds that deny a contact only for the time it is tried at: waiting lifts them — contact hours, a public
#: holiday, and a frequency cap or cooldown (its window moves on; the gate's next_allowed_at is when it has).
_TIMING_KINDS = frozenset({"quiet_hours", "holiday", "frequency"})


def _timing_only(decision: Any, rulebook: Any) -> bool:
    """Denied only for the time (contact hours, a public holiday, a frequency cap's window), with a time at which
    it would be allowed: the message is deferred to that time, not dropped.

    A deferred message is gated again when it comes up (the cap counts every contact made meanwhile, so deferring
    never lets one more through than the cap allows), and its validity still holds: past it, it is re-rendered with
    that day's facts or expired."""
    if decision.next_allowed_at is None or not decision.reasons:
        return False
    try:
        return all(rulebook.rule(r.rule).kind in _TIMING_KINDS for r in decision.reasons)
    except RulebookError:  # a reason that is not a rulebook rule (e.g. the linter's)
        return False


def _entry(msg: OutboxMessage, action: str, at: datetime, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": ACTOR,
        "action": action,
        "subject_type": "outbox_message",
        "subject_id": msg.id,
        "payload": {"status": msg.status, "borrower_id": msg.borrower_id, "channel": msg.channel, **extra},
        "at": at,
    }


def _record_results(
    session: Session,
    results: list[tuple[str, SendResult | ProviderError]],
    *,
    worker: str,
    cfg: DispatchConfig,
    stats: DispatchStats,
) -> None:
    """Step 3: write what the provider said, for the messages this worker still holds."""
    from faircollect.messaging.dispatch import backoff  # dispatch imports this module: resolved at call time

    now = cfg.clock()
    ids = [mid for mid, _ in results]
    rows = {
        m.id: m
        for m in session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == SENDING,
                OutboxMessage.lease_owner == worker,
            )
            .with_for_update()
        ).scalars()
    }
    entries: list[dict[str, Any]] = []
    sent: dict[str, str | None] = {}
    sent_common = {
        "status": SENT,
        "sent_at": now,
        "last_error": None,
        "lease_until": None,
        "lease_owner": None,
    }
    for mid, outcome in results:
        msg = rows.get(mid)
        if msg is None:  # our lease expired and another worker took the message over: it owns the outcome now
            continue
        if isinstance(outcome, SendResult):
            # Written below in one UPDATE for all sent messages; the loaded row is brought up to date now.
            sent[msg.id] = outcome.provider_message_id
            _set_loaded(msg, provider_message_id=outcome.provider_message_id, **sent_common)
            stats.sent += 1
            stats.recognised_duplicates += int(outcome.duplicate)
            entries.append(
                _entry(
                    msg,
                    "messaging.sent",
                    now,
                    {
                        "provider": msg.provider,
                        "provider_message_id": outcome.provider_message_id,
                        "duplicate_recognised": outcome.duplicate,
                    },
                )
            )
            continue
        msg.lease_until, msg.lease_owner = None, None
        # A provider's error can quote the recipient ("the 'To' number +86… is invalid"): it goes into the row and
        # the audit chain, so every phone, e-mail and ID in it is masked first.
        msg.last_error = _masked_error(f"{type(outcome).__name__}: {outcome}", msg.address)
        if msg.contact_attempt_id:
            facts_service.update_attempt_outcome(session, msg.contact_attempt_id, Outcome.FAILED, actor=ACTOR)
        if outcome.transient and msg.attempts < cfg.max_attempts:
            msg.status, msg.next_attempt_at = FAILED, now + backoff(msg.attempts, cfg)
            stats.retrying += 1
            entries.append(
                _entry(
                    msg,
                    "messaging.retry_scheduled",
                    now,
                    {"next_attempt_at": msg.next_attempt_at.isoformat(), "error": msg.last_error},
                )
            )
        else:
            msg.status = DEAD
            stats.dead += 1
            entries.append(
                _entry(msg, "messaging.dead", now, {"reason": msg.last_error, "attempts": msg.attempts})
            )
    session.flush()
    _bulk_update(session, "provider_message_id", sent, **sent_common)
    audit.record_many(session, entries)
    # A fast provider's receipt can arrive before we recorded its message id: apply any that waited unmatched.
    sent_ids = [m.provider_message_id for m in rows.values() if m.status == SENT and m.provider_message_id]
    if sent_ids:
        from faircollect.messaging.service import apply_early_receipts

        apply_early_receipts(session, sent_ids, actor=ACTOR)


def _masked_error(text: str, address: str | None) -> str:
    """A provider's error text with the recipient's address and any phone, e-mail or ID number masked."""
    if address:
        digits = "".join(ch for ch in address if ch.isdigit())
        # longest form first: "+8613800138000" before "8613800138000" before "13800138000"
        forms = {address, digits, digits[2:] if address.startswith("+86") else ""}
        for form in sorted(forms, key=len, reverse=True):
            if len(form) >= 6:
                text = text.replace(form, mask_phone(form) if "@" not in form else "***")
    return mask_text(text)
