"""Context changes the verdict where the law does: approved visits, filed lawsuits, third-party recipients,
guarantors and joint debtors (context.py)."""

from __future__ import annotations

import pytest

from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.compliance.linter import LintContext, context, lint
from faircollect.compliance.linter.context import facts, lawful_when
from faircollect.compliance.linter.rules import obligor_roles
from faircollect.compliance.rulebook import load_rulebook

VISIT_NOTICE = "【示例金融】经审批，我司两名工作人员将于6月10日14:00上门拜访，届时出示工作证。回T退订"
LAWSUIT_NOTICE = (
    "【示例金融】您的借款纠纷已由某区人民法院立案受理，案号（2026）示0101民初1234号，开庭时间以传票为准。"
)


def test_visit_notice_blocks_when_visit_not_approved() -> None:
    result = lint(VISIT_NOTICE, LintContext(channel=Channel.SMS))
    assert result.verdict == "block"
    assert "visit_threat" in result.categories


def test_visit_notice_allowed_when_visit_approved() -> None:
    result = lint(VISIT_NOTICE, LintContext(channel=Channel.SMS, visit_approved=True))
    assert result.verdict == "ok", result.findings


def test_approved_visit_does_not_excuse_hometown_or_village_committee_threats() -> None:
    # CN-PROHIBIT-VISIT-THREAT: 走访户籍地 / 村委会 is a pressure script even when a visit is approved
    result = lint("我们将去你户籍地找村委会了解情况。", LintContext(visit_approved=True))
    assert "visit_threat" in result.categories


def test_approved_visit_does_not_excuse_violence() -> None:
    result = lint("明天上门，打断你的腿。", LintContext(visit_approved=True))
    assert result.categories >= {"violence_threat"}
    assert "visit_threat" not in result.categories


def test_english_visit_notice_depends_on_approval() -> None:
    text = "Our field agent will visit your home on 3 June at 10:00 as arranged."
    assert "visit_threat" in lint(text, jurisdiction="UK").categories
    assert lint(text, LintContext(visit_approved=True), jurisdiction="UK").verdict != "block"


def test_lawsuit_notice_blocks_as_bluff_when_no_lawsuit_filed() -> None:
    result = lint(LAWSUIT_NOTICE)
    assert "false_legal_claim" in result.categories


def test_lawsuit_notice_allowed_when_lawsuit_filed() -> None:
    assert lint(LAWSUIT_NOTICE, LintContext(lawsuit_filed=True)).verdict != "block"


def test_filed_lawsuit_does_not_excuse_criminal_threats() -> None:
    result = lint("法院已受理，你马上会被拘留。", LintContext(lawsuit_filed=True))
    assert "false_legal_claim" in result.categories
    assert all(f.excerpt != "法院已受理" for f in result.findings)


def test_english_lawsuit_statement_depends_on_filing() -> None:
    text = "We have filed a lawsuit in the county court."
    assert "false_legal_claim" in lint(text, jurisdiction="US").categories
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"


def test_could_take_legal_action_is_lawful_without_a_filed_lawsuit() -> None:
    assert lint("The lender could take legal action against you", jurisdiction="UK").verdict != "block"
    assert "false_legal_claim" in lint("We will take legal action against you", jurisdiction="UK").categories


@pytest.mark.parametrize("role", [RecipientRole.THIRD_PARTY, RecipientRole.REGISTERED_CONTACT])
def test_message_to_third_party_mentioning_the_debt_is_disclosure(role: RecipientRole) -> None:
    text = "您好，张三在示例金融的借款已逾期，欠款5,000.00元，请转告他。"
    result = lint(text, LintContext(recipient_role=role))
    assert result.verdict == "block"
    disclosed = {f.excerpt for f in result.findings if f.category == "third_party_disclosure"}
    assert {"借款", "逾期", "欠款", "5,000.00元"} <= disclosed
    assert all(
        f.rule == "CN-3P-LOST-CONTACT-ONLY" for f in result.findings if f.category == "third_party_disclosure"
    )


@pytest.mark.parametrize("role", [RecipientRole.THIRD_PARTY, RecipientRole.REGISTERED_CONTACT])
def test_relay_request_to_third_party_is_allowed(role: RecipientRole) -> None:
    text = "您好，我是示例金融的客服，想联系张三先生，麻烦您转告他回电400-000-0000，谢谢。"
    assert lint(text, LintContext(recipient_role=role)).verdict == "ok"


def test_english_third_party_disclosure_uses_us_location_rule() -> None:
    result = lint(
        "Hi, this is Example Lending. Alex Example owes us 300 dollars.",
        LintContext(recipient_role=RecipientRole.THIRD_PARTY),
        jurisdiction="US",
    )
    rules = {f.rule for f in result.findings if f.category == "third_party_disclosure"}
    assert rules == {"US-LOCATION-3P"}


def test_same_debt_message_to_borrower_or_guarantor_is_allowed() -> None:
    text = "【示例金融】张三，您的借款已逾期，欠款5,000.00元，请尽快还款。"
    for role in (RecipientRole.BORROWER, RecipientRole.GUARANTOR, RecipientRole.JOINT_DEBTOR):
        assert lint(text, LintContext(recipient_role=role)).verdict == "ok"


def test_warnings_only_give_warn_verdict() -> None:
    result = lint("您的借款已逾期，请尽快还款。", LintContext(channel=Channel.SMS))
    assert result.verdict == "warn"
    assert {f.category for f in result.findings} == {"missing_identity", "missing_opt_out", "missing_amount"}
    for f in result.findings:
        assert f.severity == "warn"
        assert f.start == f.end == len("您的借款已逾期，请尽快还款。")


def test_opt_out_warning_only_for_sms_in_cn() -> None:
    text = "【示例金融】您本期应还1,250.00元，请按时还款。"
    assert lint(text, LintContext(channel=Channel.SMS)).categories == {"missing_opt_out"}
    assert lint(text, LintContext(channel=Channel.EMAIL)).verdict == "ok"
    assert lint(text + "回T退订", LintContext(channel=Channel.SMS)).verdict == "ok"


def test_us_email_needs_opt_out_statement() -> None:
    text = "Example Lending Ltd: your payment of 120.00 dollars is due on 5 June."
    result = lint(text, LintContext(channel=Channel.EMAIL), jurisdiction="US")
    assert [(f.category, f.rule) for f in result.findings] == [("missing_opt_out", "US-MEDIUM-OPTOUT")]
    assert (
        lint(text + " Reply STOP to opt out.", LintContext(channel=Channel.EMAIL), jurisdiction="US").verdict
        == "ok"
    )


def test_amount_placeholder_counts_as_amount() -> None:
    assert lint("【示例金融】您本期应还{amount}，请按时还款。").verdict == "ok"


GUARANTOR_NOTICE = "【示例金融】根据借款合同，您作为保证人有义务替他还款，请于3日内联系我们协商。"


@pytest.mark.parametrize("role", [RecipientRole.GUARANTOR, RecipientRole.JOINT_DEBTOR])
def test_a_guarantor_or_joint_debtor_may_be_told_of_the_obligation_they_have(role: RecipientRole) -> None:
    # CN-PROHIBIT-FALSE-CONSEQUENCE is about people who owe nothing; a guarantor or joint debtor is liable.
    result = lint(GUARANTOR_NOTICE, LintContext(recipient_role=role, channel=Channel.SMS))
    assert result.verdict != "block", result.findings
    assert "deceptive" not in result.categories


@pytest.mark.parametrize("role", [RecipientRole.REGISTERED_CONTACT, RecipientRole.THIRD_PARTY])
def test_a_contact_told_they_must_pay_the_borrowers_debt_still_blocks(role: RecipientRole) -> None:
    result = lint("你作为他的紧急联系人，有义务替他还款。", LintContext(recipient_role=role))
    assert result.verdict == "block"
    assert "deceptive" in result.categories


def test_a_guarantor_pressed_with_harassment_still_blocks() -> None:
    result = lint("你就得替他还钱，不然天天找你。", LintContext(recipient_role=RecipientRole.GUARANTOR))
    assert result.verdict == "block"


# One mechanism (context.py): each rule declares the facts under which what it matches is lawful; who owes the debt
# is the rulebook's data (its `recipients` rule), not the engine's.
def test_the_facts_of_a_message_follow_the_context_and_the_rulebook() -> None:
    for j in ("CN", "US", "UK"):
        (rule,) = [r for r in load_rulebook(j).rules if r.kind == "recipients"]
        assert obligor_roles(j) == {RecipientRole(x) for x in rule.params["roles"]}
    assert facts(LintContext(), "CN") == {"obligor"}
    assert facts(LintContext(recipient_role=RecipientRole.GUARANTOR), "US") == {"obligor", "co_obligor"}
    assert facts(LintContext(recipient_role=RecipientRole.JOINT_DEBTOR), "UK") == {"obligor", "co_obligor"}
    both = LintContext(recipient_role=RecipientRole.THIRD_PARTY, lawsuit_filed=True, visit_approved=True)
    assert facts(both, "CN") == {"lawsuit_filed", "visit_approved"}


def test_a_misspelt_fact_is_refused() -> None:
    with pytest.raises(ValueError, match="co_obligors"):
        lawful_when("co_obligors")


def test_a_rulebook_that_does_not_collect_from_guarantors_makes_a_guarantor_a_third_party(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context, "obligor_roles", lambda _j: frozenset({RecipientRole.BORROWER}))
    context.facts.cache_clear()
    try:
        ctx = LintContext(recipient_role=RecipientRole.GUARANTOR)
        assert facts(ctx, "CN") == frozenset()
        result = lint(GUARANTOR_NOTICE, ctx)
        assert {"deceptive", "third_party_disclosure"} <= result.categories
    finally:
        context.facts.cache_clear()


def test_being_a_guarantor_excuses_nothing_but_the_obligation() -> None:
    ctx = LintContext(recipient_role=RecipientRole.GUARANTOR)
    assert (
        "false_legal_claim"
        in lint("您作为担保人，法院已受理，案号（2026）示0101民初1234号。", ctx).categories
    )
    assert "visit_threat" in lint("您作为担保人有义务替他还款，明天我们上门找你。", ctx).categories
