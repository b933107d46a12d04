"""Invariants of the gate over generated times and histories (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.compliance import gate
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    Outcome,
    PastContact,
    RecipientRole,
)
from faircollect.compliance.rulebook import Rulebook, load_rulebook


def decide(request: ContactRequest, facts: ContactFacts, *, rulebook: Rulebook | None = None) -> Decision:
    """The gate with the shipped rulebook of the request's jurisdiction unless one is given (these tests specify
    the shipped rules; the gate itself takes its rulebook as a required argument)."""
    return gate.decide(request, facts, rulebook=rulebook or load_rulebook(request.jurisdiction))


START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(min_value=0, max_value=365 * 24 * 60).map(lambda m: START + timedelta(minutes=m))
PHONES = ("13800138000", "13900139000")


@st.composite
def histories(draw: st.DrawFn, at: datetime) -> tuple[PastContact, ...]:
    n = draw(st.integers(0, 14))
    out = []
    for _ in range(n):
        back = draw(st.integers(0, 9 * 24 * 60))
        out.append(
            PastContact(
                draw(st.sampled_from([Channel.CALL, Channel.SMS, Channel.VOICEMAIL])),
                at - timedelta(minutes=back),
                draw(st.sampled_from([Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.SENT])),
                address=draw(st.sampled_from(PHONES)),
                agency_id=draw(st.sampled_from([None, "agency_a"])),
            )
        )
    return tuple(out)


@st.composite
def cases(draw: st.DrawFn) -> tuple[ContactRequest, ContactFacts]:
    j = draw(st.sampled_from(["CN", "US"]))
    at = draw(instants)
    tz = draw(
        st.sampled_from(
            ["Asia/Shanghai", None]
            if j == "CN"
            else ["America/New_York", "America/Los_Angeles", "America/Phoenix", "Pacific/Honolulu", None]
        )
    )
    channel = draw(st.sampled_from([Channel.CALL, Channel.SMS]))
    facts = ContactFacts(borrower_timezone=tz, history=draw(histories(at)), consents=frozenset({Channel.SMS}))
    return ContactRequest(
        j, channel, RecipientRole.BORROWER, at, address=draw(st.sampled_from(PHONES))
    ), facts


@settings(max_examples=300, deadline=None)
@given(cases())
def test_gate_never_allows_outside_lawful_hours_in_any_candidate_zone(
    case: tuple[ContactRequest, ContactFacts],
) -> None:
    request, facts = case
    d = decide(request, facts)
    if not d.allowed:
        return
    zones = (
        [facts.borrower_timezone]
        if facts.borrower_timezone
        else (
            ["Asia/Shanghai"]
            if request.jurisdiction == "CN"
            else ["America/New_York", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"]
        )
    )
    for z in zones:
        local = request.at.astimezone(ZoneInfo(z))
        end = 21
        assert 8 <= local.hour < end, (z, local)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_gate_cn_connected_cap_holds_whenever_a_call_is_allowed(
    case: tuple[ContactRequest, ContactFacts],
) -> None:
    request, facts = case
    if request.jurisdiction != "CN" or request.channel != Channel.CALL or not decide(request, facts).allowed:
        return
    day = request.at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    connected = [
        e
        for e in facts.history
        if e.channel == Channel.CALL
        and e.outcome == Outcome.CONNECTED
        and e.at.astimezone(ZoneInfo("Asia/Shanghai")).date() == day
    ]
    attempts = [
        e
        for e in facts.history
        if e.channel in (Channel.CALL, Channel.VOICEMAIL)
        and e.address == request.address
        and e.at.astimezone(ZoneInfo("Asia/Shanghai")).date() == day
    ]
    assert len(connected) < 3 and len(attempts) < 6


@settings(max_examples=300, deadline=None)
@given(cases())
def test_next_allowed_at_is_the_first_instant_that_is_allowed(
    case: tuple[ContactRequest, ContactFacts],
) -> None:
    request, facts = case
    d = decide(request, facts)
    if d.allowed:
        assert d.next_allowed_at is None
        return
    if not all(r.timing_only for r in d.reasons):
        assert d.next_allowed_at is None
        return
    nxt = d.next_allowed_at
    assert nxt is not None and nxt > request.at
    later = ContactRequest(
        request.jurisdiction, request.channel, request.recipient_role, nxt, address=request.address
    )
    assert decide(later, facts).allowed
    earlier = ContactRequest(
        request.jurisdiction,
        request.channel,
        request.recipient_role,
        nxt - timedelta(seconds=1),
        address=request.address,
    )
    assert not decide(earlier, facts).allowed
