"""``compliance.facts.load_facts_many`` (and its one-borrower case ``load_facts``) hold the documented semantics.

A pure model below restates, from the generated data alone, what the docstring of ``load_facts_many`` promises
(history window per jurisdiction plus third-party history at the address, live holds, preferences by address,
lost contact from the last three attempts to the borrower). The property test holds the database implementation
equal to the model for borrowers of two jurisdictions in one batch, and ``load_facts`` equal to the batch.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
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
from faircollect.compliance.rulebook import load_rulebook
from faircollect.db import unit_of_work
from faircollect.kit.errors import NotFound
from faircollect.kit.ids import new_id
from faircollect.ledger.models import Borrower

AT = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
ADDRESSES = ["13800138000", "13900139000", "a@example.com"]
THIRD = {RecipientRole.THIRD_PARTY, RecipientRole.REGISTERED_CONTACT}

attempts = st.lists(
    st.tuples(
        st.sampled_from(list(Channel)),
        st.sampled_from([RecipientRole.BORROWER] * 4 + list(RecipientRole)),  # mostly the borrower
        st.sampled_from([Outcome.NO_ANSWER, Outcome.INVALID_NUMBER, Outcome.FAILED] * 3 + list(Outcome)),
        st.sampled_from([*ADDRESSES, None]),
        st.integers(min_value=-60 * 24 * 40, max_value=60 * 24 * 3),  # minutes from AT
    ),
    max_size=12,
    unique_by=lambda t: t[4],  # distinct times: "the last three" is then well defined
)
holds = st.lists(
    st.tuples(st.sampled_from(list(HoldKind)), st.booleans(), st.sampled_from([None, -60, 60])), max_size=3
)
prefs = st.lists(
    st.tuples(
        st.sampled_from(["opt_out", "consent", "third_party_stop", "agreed_window"]),
        st.sampled_from([None, *list(Channel)]),
        st.sampled_from([None, *ADDRESSES]),
        st.booleans(),
        st.integers(min_value=-600, max_value=600),
    ),
    max_size=5,
    unique_by=lambda t: t[4],  # distinct times: "the latest agreed window" is then well defined
)


def expected_facts(
    jurisdiction: str, tz: str | None, address: str | None, attempts: list, holds: list, prefs: list
) -> ContactFacts:
    """The documented semantics, computed from the generated data without a database."""
    since = AT - timedelta(days=load_rulebook(jurisdiction).history_days + 1)
    until = AT + timedelta(days=2)
    chosen = []
    for ch, role, outcome, addr, minutes in attempts:
        when = AT + timedelta(minutes=minutes)
        in_window = since <= when < until
        third_here = address is not None and addr == address and role in THIRD
        if in_window or third_here:
            chosen.append(PastContact(ch, when, outcome, role, addr, None))
    to_borrower = sorted(
        ((AT + timedelta(minutes=m), o) for _, role, o, _, m in attempts if role is RecipientRole.BORROWER),
        reverse=True,
    )
    last = [o for when, o in to_borrower if when <= AT][:3]
    lost = (bool(last) and last[0] is Outcome.INVALID_NUMBER) or (
        len(last) == 3 and all(o in UNREACHED for o in last)
    )
    live = {k for k, released, u in holds if not released and (u is None or AT + timedelta(minutes=u) > AT)}
    opt_outs: set[Channel] = set()
    consents: set[Channel] = set()
    stop = False
    window = None
    for kind, ch, addr, revoked, _m in sorted(prefs, key=lambda p: p[4]):
        if revoked:
            continue
        channels = {ch} if ch else set(Channel)
        matches = addr is None or address is None or addr == address
        if kind == "opt_out" and matches:
            opt_outs |= channels
        elif kind == "consent" and matches:
            consents |= channels
        elif kind == "third_party_stop" and address is not None and addr == address:
            stop = True
        elif kind == "agreed_window":
            window = ("09:00", "18:00")
    return ContactFacts(
        borrower_timezone=tz,
        history=tuple(sorted(chosen, key=lambda p: p.at)),
        holds=frozenset(live),
        opt_outs=frozenset(opt_outs),
        consents=frozenset(consents),
        lost_contact=lost,
        third_party_stop_requested=stop,
        agreed_contact_window=window,
    )


def _store(s: Session, bid: str, attempts: list, holds: list, prefs: list) -> None:
    for ch, role, outcome, addr, minutes in attempts:
        s.add(
            ContactAttempt(
                id=new_id("att"),
                borrower_id=bid,
                loan_id=None,
                channel=ch.value,
                recipient_role=role.value,
                purpose="collect",
                address=addr,
                at=AT + timedelta(minutes=minutes),
                outcome=outcome.value,
                agency_id=None,
                actor="t",
                decision_ref=None,
                created_at=AT,
            )
        )
    for kind, released, until in holds:
        s.add(
            Hold(
                id=new_id("hold"),
                borrower_id=bid,
                kind=kind.value,
                reason="r",
                set_by="t",
                set_at=AT - timedelta(days=1),
                until=None if until is None else AT + timedelta(minutes=until),
                released_at=AT - timedelta(hours=1) if released else None,
                released_by=None,
                release_reason=None,
            )
        )
    for kind, ch, addr, revoked, minutes in prefs:
        s.add(
            ChannelPreference(
                id=new_id("pref"),
                borrower_id=bid,
                kind=kind,
                channel=None if ch is None else ch.value,
                address=addr,
                value={"start": "09:00", "end": "18:00"} if kind == "agreed_window" else None,
                at=AT + timedelta(minutes=minutes),
                source="t",
                actor="t",
                revoked_at=AT if revoked else None,
            )
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    attempts=attempts,
    holds=holds,
    prefs=prefs,
    other_attempts=attempts,
    tz=st.sampled_from(["Asia/Shanghai", "America/New_York", None]),
)
def test_load_facts_many_holds_the_documented_semantics_for_every_borrower_and_address(
    sessions: sessionmaker[Session],
    attempts: list,
    holds: list,
    prefs: list,
    other_attempts: list,
    tz: str | None,
) -> None:
    cn, us = new_id("bor"), new_id("bor")  # two jurisdictions (history 1 + 1 and 7 + 1 days) in one batch
    with unit_of_work(sessions) as s:
        s.add(
            Borrower(id=cn, name="张三", phone=ADDRESSES[0], timezone=tz, jurisdiction="CN", language="zh-CN")
        )
        s.add(
            Borrower(id=us, name="Ann", phone=ADDRESSES[1], timezone=None, jurisdiction="US", language="en")
        )
        s.flush()
        _store(s, cn, attempts, holds, prefs)
        _store(s, us, other_attempts, [], [])
    keys = [(b, a) for b in (cn, us) for a in [*ADDRESSES, None]]
    with sessions() as s:
        batch = facts_service.load_facts_many(s, keys, at=AT)
        for b, a in keys:
            if b == cn:
                want = expected_facts("CN", tz, a, attempts, holds, prefs)
            else:
                want = expected_facts("US", None, a, other_attempts, [], [])
            assert batch[(b, a)] == want, (b, a)
            assert facts_service.load_facts(s, borrower_id=b, at=AT, address=a) == want, (b, a)


def test_load_facts_many_names_an_unknown_borrower(sessions: sessionmaker[Session]) -> None:
    bid = new_id("bor")
    with unit_of_work(sessions) as s:
        s.add(
            Borrower(
                id=bid, name="张三", phone=ADDRESSES[0], timezone=None, jurisdiction="CN", language="zh-CN"
            )
        )
    with sessions() as s:
        with pytest.raises(NotFound, match="bor_nobody"):
            facts_service.load_facts_many(s, [(bid, None), ("bor_nobody", None)], at=AT)
        assert facts_service.load_facts_many(s, [], at=AT) == {}
