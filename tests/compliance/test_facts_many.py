"""The dispatcher's batch facts loader returns exactly what ``compliance.facts.load_facts`` returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msg_helpers import new_borrower
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
from faircollect.compliance.contact import Channel, HoldKind, Outcome, RecipientRole
from faircollect.compliance.models import ChannelPreference, ContactAttempt, Hold
from faircollect.compliance.rulebook import load_rulebook
from faircollect.db import unit_of_work
from faircollect.kit.ids import new_id
from faircollect.messaging.facts_batch import load_facts_many

AT = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
ADDRESSES = ["13800138000", "13900139000", "a@example.com"]

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
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    attempts=attempts,
    holds=holds,
    prefs=prefs,
    tz=st.sampled_from(["Asia/Shanghai", "America/New_York", None]),
)
def test_batch_facts_equal_load_facts(
    sq: sessionmaker[Session], attempts: list, holds: list, prefs: list, tz: str | None
) -> None:
    bid = new_borrower(sq, timezone=tz or "UTC")
    other = new_borrower(sq, phone="13700000000")
    with unit_of_work(sq) as s:
        if tz is None:
            from faircollect.ledger.models import Borrower

            s.get(Borrower, bid).timezone = None  # type: ignore[union-attr]
        for ch, role, outcome, addr, minutes in attempts:
            for b in (bid, other):
                s.add(
                    ContactAttempt(
                        id=new_id("att"),
                        borrower_id=b,
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
    rulebooks = {"CN": load_rulebook("CN")}
    keys = [(b, a) for b in (bid, other) for a in [*ADDRESSES, None]]
    with sq() as s:
        batch = load_facts_many(s, keys, at=AT, rulebooks=rulebooks)
        for b, a in keys:
            one = facts_service.load_facts(s, borrower_id=b, at=AT, address=a, rulebook=rulebooks["CN"])
            assert batch[(b, a)] == one, (b, a)
