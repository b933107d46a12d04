"""The gate, rule by rule: allowed and denied cases at the edges (table-driven).

Times are built as UTC instants (the server's clock) and checked against the borrower's local time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from faircollect.compliance import gate
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.rulebook import Rulebook, load_rulebook


def decide(request: ContactRequest, facts: ContactFacts, *, rulebook: Rulebook | None = None) -> Decision:
    """The gate with the shipped rulebook of the request's jurisdiction unless one is given (these tests specify
    the shipped rules; the gate itself takes its rulebook as a required argument)."""
    return gate.decide(request, facts, rulebook=rulebook or load_rulebook(request.jurisdiction))


SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
PHONE = "13800138000"


def local(z: ZoneInfo, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A wall-clock time in zone ``z`` as the UTC instant the server sees."""
    return datetime(y, mo, d, h, mi, tzinfo=z).astimezone(UTC)


def req(
    at: datetime,
    *,
    j: str = "CN",
    channel: Channel = Channel.CALL,
    role: RecipientRole = RecipientRole.BORROWER,
    purpose: Purpose = Purpose.COLLECT,
    address: str | None = PHONE,
) -> ContactRequest:
    return ContactRequest(j, channel, role, at, purpose=purpose, address=address)


def calls(
    times: list[datetime], outcome: Outcome = Outcome.NO_ANSWER, **kw: object
) -> tuple[PastContact, ...]:
    return tuple(
        PastContact(Channel(kw.get("channel", Channel.CALL)), t, outcome, address=kw.get("address", PHONE))  # type: ignore[arg-type]
        for t in times
    )


CN_FACTS = ContactFacts(borrower_timezone="Asia/Shanghai")
US_FACTS = ContactFacts(borrower_timezone="America/New_York", consents=frozenset({Channel.SMS}))


# ------------------------------------------------------------------------------------------ hours


@pytest.mark.parametrize(
    ("hh", "mm", "denying"),
    [
        (7, 59, {"CN-HOURS-22-08", "CN-HOURS-NIFA2018"}),
        (8, 0, set()),
        (20, 59, set()),
        (21, 0, {"CN-HOURS-NIFA2018"}),
        (21, 59, {"CN-HOURS-NIFA2018"}),
        (22, 0, {"CN-HOURS-22-08", "CN-HOURS-NIFA2018"}),
    ],
    ids=["07:59", "08:00", "20:59", "21:00", "21:59", "22:00"],
)
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.CALL, Channel.IM, Channel.EMAIL])
def test_gate_cn_hours_in_borrower_local_time(hh: int, mm: int, denying: set[str], channel: Channel) -> None:
    d = decide(req(local(SH, 2026, 3, 2, hh, mm), channel=channel), CN_FACTS)
    assert d.allowed is (not denying)
    assert set(d.rule_ids) == denying if denying else "CN-HOURS-22-08" in d.rule_ids
    if denying:
        assert all(r.timing_only for r in d.reasons)
        assert (
            d.next_allowed_at is not None
            and decide(req(d.next_allowed_at, channel=channel), CN_FACTS).allowed
        )


def test_gate_cn_hours_22_08_alone_allows_2159_when_lender_reads_2018_window_as_22() -> None:
    rb = load_rulebook(
        "CN",
        overrides=[
            {
                "rule": "CN-HOURS-NIFA2018",
                "params": {"end": "22:00"},
                "reason": "legal review: 22:00",
                "actor": "cco",
            }
        ],
    )
    assert decide(req(local(SH, 2026, 3, 2, 21, 59)), CN_FACTS, rulebook=rb).allowed
    d = decide(req(local(SH, 2026, 3, 2, 22, 0)), CN_FACTS, rulebook=rb)
    assert not d.allowed and "CN-HOURS-22-08" in d.rule_ids


def test_gate_denies_sms_at_2230_borrower_local_time_and_names_both_languages() -> None:
    d = decide(req(local(SH, 2026, 3, 2, 22, 30), channel=Channel.SMS), CN_FACTS)
    r = next(r for r in d.reasons if r.rule == "CN-HOURS-22-08")
    assert "22:30" in r.message_en and "Asia/Shanghai" in r.message_en
    assert "22:30" in r.message_zh and "禁止催收" in r.message_zh
    assert d.next_allowed_at == local(SH, 2026, 3, 3, 8, 0)


def test_gate_shanghai_borrower_while_utc_is_still_the_previous_day() -> None:
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai: quiet hours; next is 08:00 on 2 March local.
    at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    d = decide(req(at), CN_FACTS)
    assert not d.allowed and "CN-HOURS-22-08" in d.rule_ids
    assert d.next_allowed_at == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    # 00:30 UTC on 2 March is 08:30 local: allowed (a server reading UTC would see 00:30 and refuse).
    assert decide(req(datetime(2026, 3, 2, 0, 30, tzinfo=UTC)), CN_FACTS).allowed


def test_gate_los_angeles_borrower_evening_is_the_next_utc_day() -> None:
    facts = ContactFacts(borrower_timezone="America/Los_Angeles")
    ok = decide(req(local(LA, 2026, 6, 1, 20, 59), j="US"), facts)
    assert ok.allowed and local(LA, 2026, 6, 1, 20, 59).day == 2  # UTC is already 2 June
    d = decide(req(local(LA, 2026, 6, 1, 21, 0), j="US"), facts)
    assert not d.allowed and d.rule_ids == ("US-HOURS",)
    assert d.next_allowed_at == local(LA, 2026, 6, 2, 8, 0)


@pytest.mark.parametrize(
    ("at", "allowed", "next_at"),
    [
        # Spring forward, Sunday 8 March 2026 (EST -5 → EDT -4): 08:00 EDT is 12:00 UTC, not 13:00.
        (datetime(2026, 3, 8, 11, 59, tzinfo=UTC), False, datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        (datetime(2026, 3, 8, 12, 0, tzinfo=UTC), True, None),
        # Saturday 22:00 EST → next is Sunday 08:00 EDT (the clocks changed overnight).
        (datetime(2026, 3, 8, 3, 0, tzinfo=UTC), False, datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # 20:59 / 21:00 EDT on the spring-forward day.
        (datetime(2026, 3, 9, 0, 59, tzinfo=UTC), True, None),
        (datetime(2026, 3, 9, 1, 0, tzinfo=UTC), False, datetime(2026, 3, 9, 12, 0, tzinfo=UTC)),
        # Fall back, Sunday 1 November 2026 (EDT -4 → EST -5): 07:59 EST is 12:59 UTC.
        (datetime(2026, 11, 1, 12, 59, tzinfo=UTC), False, datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
        (datetime(2026, 11, 1, 13, 0, tzinfo=UTC), True, None),
        # Saturday 21:30 EDT → Sunday 08:00 EST.
        (datetime(2026, 11, 1, 1, 30, tzinfo=UTC), False, datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
    ],
    ids=[
        "spring-0759",
        "spring-0800",
        "spring-eve",
        "spring-2059",
        "spring-2100",
        "fall-0759",
        "fall-0800",
        "fall-eve",
    ],
)
def test_gate_us_hours_across_dst_transitions_new_york(
    at: datetime, allowed: bool, next_at: datetime | None
) -> None:
    d = decide(req(at, j="US"), US_FACTS)
    assert d.allowed is allowed
    assert d.next_allowed_at == next_at


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (datetime(2026, 3, 8, 14, 59, tzinfo=UTC), False),  # 07:59 PDT
        (datetime(2026, 3, 8, 15, 0, tzinfo=UTC), True),  # 08:00 PDT
        (datetime(2026, 11, 1, 15, 59, tzinfo=UTC), False),  # 07:59 PST
        (datetime(2026, 11, 1, 16, 0, tzinfo=UTC), True),  # 08:00 PST
    ],
)
def test_gate_us_hours_across_dst_transitions_los_angeles(at: datetime, allowed: bool) -> None:
    assert decide(req(at, j="US"), ContactFacts(borrower_timezone="America/Los_Angeles")).allowed is allowed


def test_gate_unknown_us_zone_needs_every_candidate_zone_to_allow() -> None:
    unknown = ContactFacts(borrower_timezone=None)
    # 13:00 UTC in June: 09:00 in New York, but 03:00 in Honolulu.
    d = decide(req(datetime(2026, 6, 1, 13, 0, tzinfo=UTC), j="US"), unknown)
    assert not d.allowed and d.rule_ids == ("US-HOURS",) and "Pacific/Honolulu" in d.reasons[0].message_en
    assert d.next_allowed_at == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)  # 08:00 in Honolulu
    assert decide(req(datetime(2026, 6, 1, 18, 0, tzinfo=UTC), j="US"), unknown).allowed
    # 01:00 UTC is 21:00 in New York: refused even though it is 15:00 in Honolulu.
    assert not decide(req(datetime(2026, 6, 2, 1, 0, tzinfo=UTC), j="US"), unknown).allowed
    # The caller may narrow the candidates (e.g. the area code says Pacific or Mountain).
    narrowed = ContactFacts(
        borrower_timezone=None, candidate_timezones=("America/Los_Angeles", "America/Denver")
    )
    assert decide(req(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), j="US"), narrowed).allowed


def test_gate_unknown_cn_zone_uses_china_time() -> None:
    unknown = ContactFacts(borrower_timezone=None)
    assert not decide(req(local(SH, 2026, 3, 2, 7, 59)), unknown).allowed
    assert decide(req(local(SH, 2026, 3, 2, 8, 0)), unknown).allowed


@pytest.mark.parametrize(
    ("hh", "mm", "allowed"),
    [(22, 30, True), (19, 0, True), (18, 59, False), (23, 0, False), (10, 0, False)],
    ids=["22:30", "19:00", "18:59", "23:00", "10:00"],
)
def test_gate_cn_agreed_window_replaces_default_hours(hh: int, mm: int, allowed: bool) -> None:
    facts = replace(CN_FACTS, agreed_contact_window=("19:00", "23:00"))
    d = decide(req(local(SH, 2026, 3, 2, hh, mm)), facts)
    assert d.allowed is allowed
    if not allowed:
        assert d.next_allowed_at is not None and d.next_allowed_at.astimezone(SH).strftime("%H:%M") == "19:00"


def test_gate_holiday_policy_is_off_by_default_and_configurable() -> None:
    national_day = local(SH, 2026, 10, 1, 10, 0)
    assert decide(req(national_day), CN_FACTS).allowed
    rb = load_rulebook(
        "CN",
        overrides=[{"rule": "CN-HOLIDAYS", "enabled": True, "params": {"mode": "block"}, "reason": "policy"}],
    )
    d = decide(req(national_day), CN_FACTS, rulebook=rb)
    assert not d.allowed and d.rule_ids == ("CN-HOLIDAYS",) and d.next_allowed_at is not None
    nxt = d.next_allowed_at.astimezone(SH)
    assert nxt.time().isoformat() == "08:00:00" and nxt.date() > national_day.date()
    assert decide(req(d.next_allowed_at), CN_FACTS, rulebook=rb).allowed
    # Lender-supplied dates, window mode: 09:00–20:00 on the day.
    rb_w = load_rulebook("US", overrides=[{"rule": "US-HOLIDAYS", "enabled": True, "reason": "policy"}])
    facts = replace(US_FACTS, public_holidays=frozenset({"2026-03-02"}))
    d = decide(req(local(NY, 2026, 3, 2, 8, 30), j="US"), facts, rulebook=rb_w)
    assert not d.allowed and d.next_allowed_at == local(NY, 2026, 3, 2, 9, 0)
    assert decide(req(local(NY, 2026, 3, 3, 8, 30), j="US"), facts, rulebook=rb_w).allowed


# ------------------------------------------------------------------------------------------ frequency


def _cn_day(h: int, mi: int = 0) -> datetime:
    return local(SH, 2026, 3, 2, h, mi)


@pytest.mark.parametrize(("prior", "allowed"), [(2, True), (3, False)], ids=["3rd-call", "4th-call"])
def test_gate_cn_connected_calls_counted_across_lender_and_agencies(prior: int, allowed: bool) -> None:
    agencies = [None, "agency_a", "agency_b"]
    history = tuple(
        PastContact(
            Channel.CALL, _cn_day(9, 10 * i), Outcome.CONNECTED, address=PHONE, agency_id=agencies[i % 3]
        )
        for i in range(prior)
    )
    d = decide(req(_cn_day(15)), replace(CN_FACTS, history=history))
    assert d.allowed is allowed
    if not allowed:
        assert d.rule_ids == ("CN-FREQ-CONNECTED-3",)
        assert d.next_allowed_at == local(SH, 2026, 3, 3, 8, 0)
        assert "3" in d.reasons[0].message_en and "拨通3次" in d.reasons[0].message_zh


def test_gate_cn_connected_calls_yesterday_local_do_not_count() -> None:
    # Three connected calls on 1 March local; the next morning is a new local day.
    history = calls([local(SH, 2026, 3, 1, 20, i) for i in range(3)], Outcome.CONNECTED)
    assert decide(req(local(SH, 2026, 3, 2, 8, 5)), replace(CN_FACTS, history=history)).allowed


@pytest.mark.parametrize(("prior", "allowed"), [(5, True), (6, False)], ids=["6th-attempt", "7th-attempt"])
def test_gate_cn_attempts_per_number_per_day(prior: int, allowed: bool) -> None:
    history = calls([_cn_day(9, 5 * i) for i in range(prior)])
    d = decide(req(_cn_day(16)), replace(CN_FACTS, history=history))
    assert d.allowed is allowed
    if not allowed:
        assert d.rule_ids == ("CN-FREQ-ATTEMPTS-6",) and d.next_allowed_at == local(SH, 2026, 3, 3, 8, 0)


def test_gate_cn_attempts_cap_is_per_number() -> None:
    history = calls([_cn_day(9, 5 * i) for i in range(6)], address="13900139000")
    assert decide(req(_cn_day(16)), replace(CN_FACTS, history=history)).allowed


@pytest.mark.parametrize(("prior", "allowed"), [(2, True), (3, False)])
def test_gate_cn_collection_messages_per_day(prior: int, allowed: bool) -> None:
    history = calls([_cn_day(9, i) for i in range(prior)], Outcome.SENT, channel=Channel.SMS)
    d = decide(req(_cn_day(12), channel=Channel.SMS), replace(CN_FACTS, history=history))
    assert d.allowed is allowed and (allowed or d.rule_ids == ("CN-FREQ-NO-BOMBING",))


def _ny_days(first: int, last: int, outcome: Outcome = Outcome.NO_ANSWER) -> tuple[PastContact, ...]:
    return calls([local(NY, 2026, 3, day, 10) for day in range(first, last + 1)], outcome)


@pytest.mark.parametrize(
    ("first", "allowed", "next_at"),
    [
        (11, True, None),  # 6 calls 11–16 March → the 7th is allowed
        (10, False, local(NY, 2026, 3, 17, 8, 0)),  # 7 calls 10–16 March → the 8th is refused until 17 March
    ],
    ids=["7th-call", "8th-call"],
)
def test_gate_us_seven_calls_in_seven_days(first: int, allowed: bool, next_at: datetime | None) -> None:
    d = decide(req(local(NY, 2026, 3, 16, 15), j="US"), replace(US_FACTS, history=_ny_days(first, 16)))
    assert d.allowed is allowed
    assert d.next_allowed_at == next_at
    if not allowed:
        assert d.rule_ids == ("US-CALL-FREQ",)


def test_gate_us_two_calls_must_leave_the_window_when_eight_were_made() -> None:
    history = (*_ny_days(10, 16), *calls([local(NY, 2026, 3, 11, 16)]))
    d = decide(req(local(NY, 2026, 3, 16, 15), j="US"), replace(US_FACTS, history=history))
    assert not d.allowed and d.next_allowed_at == local(NY, 2026, 3, 18, 8, 0)


def test_gate_us_calls_older_than_seven_days_do_not_count() -> None:
    history = _ny_days(1, 9)  # nine calls, all before 10 March
    assert decide(req(local(NY, 2026, 3, 16, 15), j="US"), replace(US_FACTS, history=history)).allowed


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(16, False), (17, True)],
    ids=["day-7-after-conversation", "day-8-after-conversation"],
)
def test_gate_us_no_call_within_seven_days_after_a_conversation(day: int, allowed: bool) -> None:
    history = calls([local(NY, 2026, 3, 10, 10)], Outcome.CONNECTED)
    d = decide(req(local(NY, 2026, 3, day, 10), j="US"), replace(US_FACTS, history=history))
    assert d.allowed is allowed
    if not allowed:
        assert d.rule_ids == ("US-CALL-FREQ",) and "conversation" in d.reasons[0].message_en
        assert d.next_allowed_at == local(NY, 2026, 3, 17, 8, 0)


def test_gate_us_conversation_day_is_the_consumers_local_day_across_dst() -> None:
    # A conversation at 20:30 PST on 2 March is 04:30 UTC on 3 March; day 1 is 2 March local, so calls are
    # allowed from 9 March 08:00 PDT (after the 8 March clock change) = 15:00 UTC.
    facts = replace(
        ContactFacts(borrower_timezone="America/Los_Angeles"),
        history=calls([local(LA, 2026, 3, 2, 20, 30)], Outcome.CONNECTED),
    )
    d = decide(req(local(LA, 2026, 3, 8, 20, 0), j="US"), facts)
    assert not d.allowed and d.next_allowed_at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert decide(req(datetime(2026, 3, 9, 15, 0, tzinfo=UTC), j="US"), facts).allowed


def test_gate_sms_does_not_count_as_a_us_call() -> None:
    history = calls([local(NY, 2026, 3, 16, 9, i) for i in range(10)], Outcome.SENT, channel=Channel.SMS)
    assert decide(req(local(NY, 2026, 3, 16, 15), j="US"), replace(US_FACTS, history=history)).allowed


def test_gate_tightened_cap_applies() -> None:
    rb = load_rulebook(
        "CN", overrides=[{"rule": "CN-FREQ-CONNECTED-3", "params": {"max": 2}, "reason": "board policy"}]
    )
    history = calls([_cn_day(9), _cn_day(10)], Outcome.CONNECTED)
    d = decide(req(_cn_day(15)), replace(CN_FACTS, history=history), rulebook=rb)
    assert not d.allowed and d.rule_ids == ("CN-FREQ-CONNECTED-3",)


def test_gate_one_field_visit_a_day() -> None:
    window = (_cn_day(8), _cn_day(20))
    facts = replace(CN_FACTS, visit_approved=True, visit_window=window)
    assert decide(req(_cn_day(10), channel=Channel.VISIT, address=None), facts).allowed
    visited = replace(
        facts, history=calls([_cn_day(9)], Outcome.VISITED, channel=Channel.VISIT, address=None)
    )
    d = decide(req(_cn_day(15), channel=Channel.VISIT, address=None), visited)
    assert not d.allowed and d.rule_ids == ("CN-VISIT-PER-DAY-1",)


# ------------------------------------------------------------------------------------------ recipients


LOST = replace(CN_FACTS, lost_contact=True)


@pytest.mark.parametrize(
    ("role", "purpose", "channel", "facts", "denying"),
    [
        (RecipientRole.GUARANTOR, Purpose.COLLECT, Channel.CALL, CN_FACTS, set()),
        (RecipientRole.JOINT_DEBTOR, Purpose.COLLECT, Channel.SMS, CN_FACTS, set()),
        (
            RecipientRole.REGISTERED_CONTACT,
            Purpose.COLLECT,
            Channel.CALL,
            LOST,
            {"CN-WHO-ALLOWED", "CN-3P-LOST-CONTACT-ONLY"},
        ),
        (
            RecipientRole.REGISTERED_CONTACT,
            Purpose.LOCATE,
            Channel.CALL,
            CN_FACTS,
            {"CN-3P-LOST-CONTACT-ONLY"},
        ),
        (RecipientRole.REGISTERED_CONTACT, Purpose.LOCATE, Channel.CALL, LOST, set()),
        (RecipientRole.REGISTERED_CONTACT, Purpose.RELAY, Channel.SMS, LOST, set()),
        (
            RecipientRole.REGISTERED_CONTACT,
            Purpose.LOCATE,
            Channel.VISIT,
            LOST,
            {"CN-3P-LOST-CONTACT-ONLY", "CN-VISIT-APPROVAL"},
        ),
        (RecipientRole.THIRD_PARTY, Purpose.LOCATE, Channel.CALL, LOST, {"CN-NO-CONTACT-LIST"}),
        (
            RecipientRole.REGISTERED_CONTACT,
            Purpose.LOCATE,
            Channel.CALL,
            replace(LOST, third_party_stop_requested=True),
            {"CN-3P-LOST-CONTACT-ONLY"},
        ),
    ],
    ids=[
        "guarantor",
        "joint-debtor",
        "contact-asked-to-pay",
        "contact-without-lost-contact",
        "contact-locate-lost-contact",
        "contact-relay-lost-contact",
        "contact-visit",
        "address-book-third-party",
        "contact-asked-to-stop",
    ],
)
def test_gate_cn_recipients(
    role: RecipientRole, purpose: Purpose, channel: Channel, facts: ContactFacts, denying: set[str]
) -> None:
    d = decide(req(_cn_day(10), role=role, purpose=purpose, channel=channel, address="13900000001"), facts)
    assert d.allowed is (not denying)
    if denying:
        assert set(d.rule_ids) == denying and d.next_allowed_at is None


@pytest.mark.parametrize(
    ("outcomes", "lost"),
    [
        ([Outcome.NO_ANSWER] * 3, True),
        ([Outcome.NO_ANSWER, Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.BUSY], False),
        ([Outcome.CONNECTED, Outcome.BUSY, Outcome.NO_ANSWER, Outcome.FAILED], True),
        ([Outcome.INVALID_NUMBER], True),
        ([Outcome.NO_ANSWER] * 2, False),
    ],
    ids=["3-failed", "connected-in-between", "last-3-failed", "invalid-number", "2-failed"],
)
def test_gate_lost_contact_derived_from_history(outcomes: list[Outcome], lost: bool) -> None:
    history = tuple(
        PastContact(Channel.CALL, local(SH, 2026, 2, 20 + i, 10), o, address=PHONE)
        for i, o in enumerate(outcomes)
    )
    d = decide(
        req(
            _cn_day(10), role=RecipientRole.REGISTERED_CONTACT, purpose=Purpose.LOCATE, address="13900000001"
        ),
        replace(CN_FACTS, history=history),
    )
    assert d.allowed is lost


def test_gate_us_location_contact_once_per_third_party() -> None:
    facts = replace(US_FACTS, lost_contact=True)
    r = req(
        local(NY, 2026, 3, 2, 10),
        j="US",
        role=RecipientRole.THIRD_PARTY,
        purpose=Purpose.LOCATE,
        address="+12125550100",
    )
    assert decide(r, facts).allowed
    again = replace(
        facts,
        history=(
            PastContact(
                Channel.CALL,
                local(NY, 2026, 2, 1, 10),
                Outcome.CONNECTED,
                RecipientRole.THIRD_PARTY,
                "+12125550100",
            ),
        ),
    )
    d = decide(r, again)
    assert not d.allowed and d.rule_ids == ("US-LOCATION-3P",)
    sms = replace(r, channel=Channel.SMS)
    assert decide(sms, facts).rule_ids == ("US-LOCATION-3P",)
    collect = replace(r, purpose=Purpose.COLLECT)
    assert set(decide(collect, facts).rule_ids) == {"US-3P", "US-LOCATION-3P"}


# ------------------------------------------------------------------------------------------ holds, opt-outs, consent


@pytest.mark.parametrize(
    ("j", "hold", "rule"),
    [
        ("CN", HoldKind.COMPLAINT, "CN-COMPLAINTS"),
        ("CN", HoldKind.DISPUTE, "CN-COMPLAINTS"),
        ("CN", HoldKind.CEASE_CONTACT, "CN-HOLD-POLICY"),
        ("CN", HoldKind.HARDSHIP, "CN-HOLD-POLICY"),
        ("CN", HoldKind.BANKRUPTCY, "CN-HOLD-POLICY"),
        ("CN", HoldKind.DECEASED, "CN-HOLD-POLICY"),
        ("CN", HoldKind.PAYMENT_PLAN, "CN-HOLD-POLICY"),
        ("US", HoldKind.DISPUTE, "US-DISPUTE"),
        ("US", HoldKind.CEASE_CONTACT, "US-CEASE"),
        ("US", HoldKind.BANKRUPTCY, "US-HOLD-POLICY"),
        ("UK", HoldKind.BREATHING_SPACE, "UK-BREATHING-SPACE"),
        ("UK", HoldKind.HARDSHIP, "UK-DEBT-ADVICE"),
        ("UK", HoldKind.COMPLAINT, "UK-HOLD-POLICY"),
    ],
)
def test_gate_holds_stop_collection(j: str, hold: HoldKind, rule: str) -> None:
    z = {"CN": SH, "US": NY, "UK": ZoneInfo("Europe/London")}[j]
    facts = ContactFacts(borrower_timezone=z.key, consents=frozenset({Channel.SMS}))
    at = local(z, 2026, 3, 3, 10)
    assert decide(req(at, j=j, channel=Channel.SMS), facts).allowed
    d = decide(req(at, j=j, channel=Channel.SMS), replace(facts, holds=frozenset({hold})))
    assert not d.allowed and d.rule_ids == (rule,) and d.next_allowed_at is None


def test_gate_payment_plan_hold_still_allows_servicing_notices() -> None:
    facts = replace(CN_FACTS, holds=frozenset({HoldKind.PAYMENT_PLAN}))
    assert decide(req(_cn_day(10), channel=Channel.SMS, purpose=Purpose.SERVICE), facts).allowed
    assert not decide(req(_cn_day(10), channel=Channel.SMS), facts).allowed


@pytest.mark.parametrize(
    ("j", "rule"), [("CN", "CN-CIVIL-PRIVACY"), ("US", "US-MEDIUM-OPTOUT"), ("UK", "UK-MEDIUM-OPTOUT")]
)
def test_gate_opt_out_is_per_channel(j: str, rule: str) -> None:
    z = {"CN": SH, "US": NY, "UK": ZoneInfo("Europe/London")}[j]
    facts = ContactFacts(
        borrower_timezone=z.key, opt_outs=frozenset({Channel.SMS}), consents=frozenset({Channel.SMS})
    )
    at = local(z, 2026, 3, 3, 10)
    d = decide(req(at, j=j, channel=Channel.SMS), facts)
    assert not d.allowed and d.rule_ids == (rule,)
    assert decide(req(at, j=j, channel=Channel.CALL), facts).allowed


def test_gate_us_sms_needs_tcpa_consent() -> None:
    at = local(NY, 2026, 3, 3, 10)
    d = decide(req(at, j="US", channel=Channel.SMS), ContactFacts(borrower_timezone="America/New_York"))
    assert not d.allowed and d.rule_ids == ("US-TCPA",)
    assert decide(req(at, j="US", channel=Channel.SMS), US_FACTS).allowed


def test_gate_denial_by_hold_and_hours_names_every_rule_and_has_no_next_time() -> None:
    facts = replace(CN_FACTS, holds=frozenset({HoldKind.DISPUTE}))
    d = decide(req(_cn_day(23)), facts)
    assert set(d.rule_ids) == {"CN-COMPLAINTS", "CN-HOURS-22-08", "CN-HOURS-NIFA2018"}
    assert d.next_allowed_at is None  # waiting does not lift a hold


# ------------------------------------------------------------------------------------------ visits


@pytest.mark.parametrize(
    ("approved", "window", "at", "denying", "timing"),
    [
        (True, (_cn_day(9), _cn_day(18)), _cn_day(10), set(), False),
        (False, (_cn_day(9), _cn_day(18)), _cn_day(10), {"CN-VISIT-APPROVAL"}, False),
        (True, None, _cn_day(10), {"CN-VISIT-APPROVAL"}, False),
        (True, (_cn_day(11), _cn_day(18)), _cn_day(10), {"CN-VISIT-APPROVAL"}, True),
        (True, (_cn_day(9), _cn_day(18)), _cn_day(19), {"CN-VISIT-APPROVAL"}, False),
        (
            True,
            (_cn_day(9), local(SH, 2026, 3, 3, 1)),
            _cn_day(22, 30),
            {"CN-VISIT-HOURS", "CN-HOURS-22-08", "CN-HOURS-NIFA2018"},
            True,
        ),
    ],
    ids=["approved-in-window", "not-approved", "no-window", "before-window", "after-window", "lawful-hours"],
)
def test_gate_visits(
    approved: bool, window: tuple[datetime, datetime] | None, at: datetime, denying: set[str], timing: bool
) -> None:
    facts = replace(CN_FACTS, visit_approved=approved, visit_window=window)
    d = decide(req(at, channel=Channel.VISIT, address=None), facts)
    assert d.allowed is (not denying)
    if denying:
        assert set(d.rule_ids) == denying
        assert (d.next_allowed_at is not None) is timing
    if timing and window is not None:
        assert d.next_allowed_at == max(window[0], local(SH, 2026, 3, 3, 8)) or d.next_allowed_at == window[0]


# ------------------------------------------------------------------------------------------ general


def test_gate_rejects_naive_datetime_and_unknown_zone() -> None:
    from faircollect.kit.errors import ValidationError

    with pytest.raises(ValidationError) as e:
        decide(req(datetime(2026, 3, 2, 10)), CN_FACTS)
    assert e.value.field == "at"
    with pytest.raises(ValidationError) as e:
        decide(req(_cn_day(10)), ContactFacts(borrower_timezone="Mars/Olympus"))
    assert e.value.field == "borrower_timezone"


def test_gate_allow_names_the_rules_it_checked() -> None:
    d = decide(req(_cn_day(10)), CN_FACTS)
    assert d.allowed and d.next_allowed_at is None
    assert {"CN-HOURS-22-08", "CN-FREQ-CONNECTED-3", "CN-FREQ-ATTEMPTS-6", "CN-WHO-ALLOWED"} <= set(
        d.rule_ids
    )
    assert all(r.message_en and r.message_zh for r in d.reasons)


def test_gate_next_allowed_at_after_frequency_and_quiet_hours_together() -> None:
    # 4th connected call refused at 21:30 local: frequency lifts at midnight, hours at 08:00 → 08:00.
    history = calls([_cn_day(9), _cn_day(10), _cn_day(11)], Outcome.CONNECTED)
    d = decide(req(_cn_day(21, 30)), replace(CN_FACTS, history=history))
    assert set(d.rule_ids) == {"CN-FREQ-CONNECTED-3", "CN-HOURS-NIFA2018"}
    assert d.next_allowed_at == local(SH, 2026, 3, 3, 8, 0)
    assert decide(req(timedelta(0) + d.next_allowed_at), replace(CN_FACTS, history=history)).allowed


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (local(LONDON, 2026, 3, 28, 20, 59), True),  # Saturday, GMT
        (local(LONDON, 2026, 3, 29, 7, 59), False),  # Sunday after the clocks went forward (BST)
        (local(LONDON, 2026, 3, 29, 8, 0), True),
        (local(LONDON, 2026, 3, 29, 21, 0), False),
    ],
)
def test_gate_uk_contact_times_in_london_across_bst(at: datetime, allowed: bool) -> None:
    d = decide(req(at, j="UK"), ContactFacts(borrower_timezone="Europe/London"))
    assert d.allowed is allowed and (allowed or d.rule_ids == ("UK-CONTACT-TIMES",))


@pytest.mark.parametrize(("prior", "allowed"), [(2, True), (3, False)])
def test_gate_uk_contact_frequency_policy(prior: int, allowed: bool) -> None:
    history = calls([local(LONDON, 2026, 3, 3, 9, i) for i in range(prior)])
    d = decide(
        req(local(LONDON, 2026, 3, 3, 15), j="UK"), replace(ContactFacts("Europe/London"), history=history)
    )
    assert d.allowed is allowed and (allowed or d.rule_ids == ("UK-CONTACT-FREQUENCY",))


def test_gate_uk_breathing_space_allows_servicing_but_not_collection() -> None:
    facts = ContactFacts("Europe/London", holds=frozenset({HoldKind.BREATHING_SPACE}))
    at = local(LONDON, 2026, 3, 3, 10)
    assert decide(req(at, j="UK", channel=Channel.LETTER, purpose=Purpose.SERVICE), facts).allowed
    assert decide(req(at, j="UK", channel=Channel.LETTER), facts).rule_ids == ("UK-BREATHING-SPACE",)
