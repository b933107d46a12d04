"""At send time, a message past its validity (``messaging.validity``) is made again with the facts of the day, or
expired — it never goes out stating a past day's amount.

Re-rendering uses the planner's template and variables (``collections.refresh.fresh_text``) and keeps the
message's verification code; it is done only for a message planned at most ``max_age`` ago (by default 36 hours:
held by the gate overnight, or a short backlog). Older ones, and ones that no longer apply (repaid, a reminder whose
due date has passed), are expired: the next plan proposes a fresh contact if one is still due. Every re-render and
expiry is an audit record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from faircollect.config import get_settings
from faircollect.kit.time import business_date, zone
from faircollect.ledger.models import Borrower
from faircollect.messaging import validity
from faircollect.messaging.models import EXPIRED, OutboxMessage
from faircollect.messaging.outbox import _with_code
from faircollect.messaging.settings import get_messaging_settings


def is_stale(msg: OutboxMessage, now: datetime) -> bool:
    return msg.valid_until is not None and now >= msg.valid_until


def refresh_or_expire(
    session: Session,
    msgs: list[OutboxMessage],
    now: datetime,
    *,
    entry: Callable[[OutboxMessage, str, datetime, dict[str, Any]], dict[str, Any]],
    entries: list[dict[str, Any]],
    max_age: timedelta = timedelta(hours=36),
) -> tuple[list[OutboxMessage], int, int]:
    """The messages still to decide (stale ones re-rendered in place) and the counts (re-rendered, expired).
    Writes attributes on the claimed rows only; the caller's transaction records them."""
    from faircollect.collections.refresh import fresh_text

    settings = get_settings()
    policy = get_messaging_settings().validity
    keep: list[OutboxMessage] = []
    rerendered = expired = 0
    for msg in msgs:
        if not is_stale(msg, now):
            keep.append(msg)
            continue
        stale_since = msg.valid_until
        text = None
        if now - msg.planned_for <= max_age:
            text = fresh_text(
                session,
                loan_id=msg.loan_id,
                borrower_id=msg.borrower_id,
                template_key=msg.template_key,
                channel=msg.channel,
                language=msg.language,
                as_of=business_date(now, settings.business_timezone),
            )
        if text is None:
            msg.status, msg.lease_until, msg.lease_owner = EXPIRED, None, None
            msg.last_error = (
                f"expired: valid until {stale_since:%Y-%m-%d %H:%M} UTC and no fresh text could be made "
                "(repaid, no longer due, or planned too long ago); the next plan proposes a fresh contact if due"
            )
            entries.append(entry(msg, "messaging.expired", now, {"valid_until": str(stale_since)}))
            expired += 1
            continue
        borrower = session.get(Borrower, msg.borrower_id)
        tz = zone((borrower.timezone if borrower else None) or settings.business_timezone)
        msg.body = _with_code(text, msg.verification_code)
        msg.valid_until = validity.valid_until(msg.template_key, now, tz, policy)
        entries.append(
            entry(
                msg,
                "messaging.rerendered",
                now,
                {"stale_since": str(stale_since), "valid_until": msg.valid_until.isoformat()},
            )
        )
        rerendered += 1
        keep.append(msg)
    return keep, rerendered, expired
