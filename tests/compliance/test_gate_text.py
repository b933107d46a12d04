"""The gate runs the message linter when a request has text; a prohibited finding denies the contact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from faircollect.compliance import gate
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.rulebook import Rulebook, load_rulebook


def decide(request: ContactRequest, facts: ContactFacts, *, rulebook: Rulebook | None = None) -> Decision:
    """The gate with the shipped rulebook of the request's jurisdiction unless one is given (these tests specify
    the shipped rules; the gate itself takes its rulebook as a required argument)."""
    return gate.decide(request, facts, rulebook=rulebook or load_rulebook(request.jurisdiction))


AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
FACTS = ContactFacts(borrower_timezone="Asia/Shanghai", lost_contact=True)


def _req(
    text: str, role: RecipientRole = RecipientRole.BORROWER, purpose: Purpose = Purpose.COLLECT
) -> ContactRequest:
    return ContactRequest("CN", Channel.SMS, role, AT, purpose=purpose, address="13900000001", text=text)


def test_gate_allows_a_lawful_reminder_and_reports_the_lint_verdict() -> None:
    d = decide(_req("【示例金融】张先生，您的借款已逾期，应还1200元，请尽快还款。退订回T"), FACTS)
    assert d.allowed and d.lint_verdict in ("ok", "warn")
    assert "CN-PROHIBIT-VIOLENCE-THREAT" in d.rule_ids  # the text rules it passed are named


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("【示例金融】再不还钱明天就上门找你，让你全村都知道。退订回T", "CN-PROHIBIT-VISIT-THREAT"),
        ("【示例金融】您已被法院立案，72小时内将收到传票并被拘留。退订回T", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ],
)
def test_gate_denies_prohibited_text_without_a_next_time(text: str, rule: str) -> None:
    d = decide(_req(text), FACTS)
    assert not d.allowed and d.lint_verdict == "block"
    assert rule in d.rule_ids and d.next_allowed_at is None
    assert all(r.message_en and r.message_zh for r in d.reasons)


def test_gate_refuses_debt_details_to_a_third_party_even_under_lost_contact() -> None:
    d = decide(
        _req(
            "【示例金融】您好，请转告张三，他在我司的借款已逾期5000元未还。",
            RecipientRole.REGISTERED_CONTACT,
            Purpose.RELAY,
        ),
        FACTS,
    )
    assert not d.allowed
    assert "CN-NO-DISCLOSURE" in d.rule_ids
    assert any(getattr(f, "category", "") == "third_party_disclosure" for f in d.findings)


def test_gate_allows_a_relay_request_without_debt_details_under_lost_contact() -> None:
    d = decide(
        _req(
            "【示例金融】您好，请转告张三尽快回电4000000000，谢谢。",
            RecipientRole.REGISTERED_CONTACT,
            Purpose.RELAY,
        ),
        FACTS,
    )
    assert d.allowed
    no_lost = ContactFacts(borrower_timezone="Asia/Shanghai")
    d2 = decide(
        _req(
            "【示例金融】您好，请转告张三尽快回电4000000000，谢谢。",
            RecipientRole.REGISTERED_CONTACT,
            Purpose.RELAY,
        ),
        no_lost,
    )
    assert not d2.allowed and d2.rule_ids == ("CN-3P-LOST-CONTACT-ONLY",)


def test_gate_factual_visit_notice_depends_on_the_visit_being_approved() -> None:
    text = "【示例金融】张先生，我司已安排工作人员于3月5日上门拜访，协商还款事宜。退订回T"
    assert not decide(_req(text), FACTS).allowed
    approved = ContactFacts(borrower_timezone="Asia/Shanghai", visit_approved=True)
    assert decide(_req(text), approved).allowed


def test_the_gate_lints_with_the_lenders_overrides_of_who_owes_the_debt() -> None:
    """Who owes the debt comes from the rulebook the gate decides with, overrides included (until the eighth session
    of issue 11 the linter read the shipped rulebook, so a lender that collects from borrowers only still had the
    debt told to a guarantor pass the text check)."""
    narrowed = load_rulebook(
        "CN",
        overrides=[{"rule": "CN-WHO-ALLOWED", "params": {"roles": ["borrower"]}, "reason": "borrowers only"}],
    )
    req = _req("【示例金融】作为担保人，您需在本月底前代为偿还欠款5000元。退订回T", RecipientRole.GUARANTOR)
    shipped = decide(req, FACTS)
    lender = decide(req, FACTS, rulebook=narrowed)
    assert not any(getattr(f, "category", "") == "third_party_disclosure" for f in shipped.findings)
    assert any(getattr(f, "category", "") == "third_party_disclosure" for f in lender.findings)
    assert not lender.allowed
