"""Each category: messages that must be flagged, with the rule id per jurisdiction, and lookalikes that must not."""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import BLOCK_CATEGORIES, LintContext, lint
from faircollect.compliance.linter.rules import JURISDICTIONS, category_rules
from faircollect.kit.errors import ValidationError

POSITIVES: list[tuple[str, str, str]] = [
    # (category, text, CN rule)
    ("violence_threat", "三天内不还钱，就打断你的腿。", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("violence_threat", "Pay tonight or someone will hurt you.", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("intimidation", "你等着，后果自负。", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("intimidation", "We know where you live.", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("insult", "你这个老赖，还有脸不接电话？", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("insult", "Pay up, you deadbeat.", "CN-PROHIBIT-VIOLENCE-THREAT"),
    ("false_legal_claim", "72小时内不还款，法院传票将寄到你家。", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("false_legal_claim", "再不还就等着被拘留吧。", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("false_legal_claim", "You will be arrested if you do not pay.", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("impersonation", "我是城南派出所的李警官，请配合还款。", "CN-PROHIBIT-IMPERSONATION"),
    ("impersonation", "This is Officer Example from the police.", "CN-PROHIBIT-IMPERSONATION"),
    ("visit_threat", "明天我们就去你户籍地找村委会。", "CN-PROHIBIT-VISIT-THREAT"),
    ("visit_threat", "Our agents will come to your home tomorrow.", "CN-PROHIBIT-VISIT-THREAT"),
    ("third_party_disclosure", "再不还就通知你的家人。", "CN-NO-DISCLOSURE"),
    ("third_party_disclosure", "We will tell your parents about this debt.", "CN-NO-DISCLOSURE"),
    ("contact_list_threat", "明天就爆你通讯录。", "CN-NO-CONTACT-LIST"),
    ("contact_list_threat", "We will text everyone in your phone.", "CN-NO-CONTACT-LIST"),
    ("workplace_threat", "我们会打电话到你单位找你领导。", "CN-EMPLOYER"),
    ("workplace_threat", "We will contact your employer today.", "CN-EMPLOYER"),
    ("public_shaming", "准备在网上全网曝光你。", "CN-PROHIBIT-SOFT-VIOLENCE"),
    ("public_shaming", "We will post your photo on social media.", "CN-PROHIBIT-SOFT-VIOLENCE"),
    ("family_threat", "不还钱会影响你孩子上学。", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("family_threat", "Think about your children's future.", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("induce_borrowing", "没钱就去借网贷先还我们。", "CN-PROHIBIT-INDUCE-BORROW"),
    ("induce_borrowing", "Take out a payday loan and pay us today.", "CN-PROHIBIT-INDUCE-BORROW"),
    ("deceptive", "请转到我的个人账户。", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
    ("deceptive", "A collection fee of 300 dollars was added.", "CN-PROHIBIT-FALSE-CONSEQUENCE"),
]

NEGATIVES: list[tuple[str, str]] = [
    # (category it must NOT be flagged as, lawful text that shares words with it)
    ("violence_threat", "请注意保护好您的个人信息，谨防诈骗。"),
    ("intimidation", "If you are worried, we can talk about a plan."),
    ("insult", "如果这条短信被识别为垃圾短信，请联系客服。"),
    ("false_legal_claim", "欠款属于民事纠纷，不涉及刑事责任。"),
    ("false_legal_claim", "You will not be arrested for this debt."),
    ("impersonation", "谨防冒充公检法的诈骗电话。"),
    ("impersonation", "Beware of scammers pretending to be police officers."),
    ("visit_threat", "我司不会上门催收。"),
    ("visit_threat", "We will never visit your home without your agreement."),
    ("third_party_disclosure", "我们不会联系您的家人。"),
    ("contact_list_threat", "我们不会使用您的通讯录。"),
    ("workplace_threat", "金额单位：元。"),
    ("workplace_threat", "We will never contact your employer."),
    ("public_shaming", "我们会对您的信息严格保密。"),
    ("family_threat", "家庭困难的客户可以申请延期。"),
    ("induce_borrowing", "请不要以贷养贷，先联系我们协商分期。"),
    ("induce_borrowing", "Please do not take out another loan to pay us."),
    ("deceptive", "请勿向任何个人账户转账。"),
    ("deceptive", "We never ask for payment into personal accounts."),
]


@pytest.mark.parametrize(("category", "text", "rule"), POSITIVES)
def test_lint_flags_category_with_cn_rule(category: str, text: str, rule: str) -> None:
    result = lint(text)
    assert result.verdict == "block"
    found = [f for f in result.findings if f.category == category]
    assert found, [(f.category, f.excerpt) for f in result.findings]
    assert found[0].rule == rule
    assert found[0].severity == "block"
    assert found[0].explanation and found[0].explanation_zh


@pytest.mark.parametrize(("category", "text"), NEGATIVES)
def test_lint_does_not_flag_lawful_lookalike(category: str, text: str) -> None:
    result = lint(text)
    assert category not in result.categories
    assert result.verdict != "block", [(f.category, f.excerpt) for f in result.findings]


def test_every_category_has_positive_cases() -> None:
    assert {c for c, _, _ in POSITIVES} == set(BLOCK_CATEGORIES)


@pytest.mark.parametrize(
    ("jurisdiction", "text", "category", "rule"),
    [
        ("US", "You will be arrested tomorrow.", "false_legal_claim", "US-FALSE"),
        ("US", "We know where you live.", "intimidation", "US-HARASS"),
        ("US", "We will contact your employer today.", "workplace_threat", "US-WORKPLACE"),
        ("US", "We will tell your parents about this debt.", "third_party_disclosure", "US-3P"),
        ("UK", "Our bailiffs are on their way.", "impersonation", "UK-NO-MISLEAD"),
        ("UK", "Take out a payday loan and pay us today.", "induce_borrowing", "UK-NO-PRESSURE"),
        ("UK", "We will text everyone in your phone.", "contact_list_threat", "UK-3P-DISCLOSURE"),
        ("uk", "You deadbeat.", "insult", "UK-NO-PRESSURE"),
    ],
)
def test_lint_names_the_jurisdictions_rule(jurisdiction: str, text: str, category: str, rule: str) -> None:
    found = [f for f in lint(text, jurisdiction=jurisdiction).findings if f.category == category]
    assert found and found[0].rule == rule


def test_every_jurisdiction_maps_every_category() -> None:
    from faircollect.compliance.linter import CATEGORIES

    for j in JURISDICTIONS:
        assert set(category_rules(j)) == set(CATEGORIES)


def test_a_uk_visit_threat_is_denied_under_one_rule_only() -> None:
    """One category → rule map (the rulebook's): the linter's rule is the rule the gate denies with."""
    from datetime import UTC, datetime

    from faircollect.compliance.contact import Channel, ContactFacts, ContactRequest, RecipientRole
    from faircollect.compliance.gate import decide
    from faircollect.compliance.rulebook import load_rulebook

    finding = next(f for f in lint("We will come to your home", jurisdiction="UK").findings)
    assert finding.category == "visit_threat"
    request = ContactRequest(
        jurisdiction="UK",
        channel=Channel.LETTER,
        recipient_role=RecipientRole.BORROWER,
        at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        text="We will come to your home",
    )
    decision = decide(request, ContactFacts(borrower_timezone="Europe/London"), rulebook=load_rulebook("UK"))
    text_rules = {r.rule for r in decision.reasons if r.rule.startswith("UK-NO-")}
    assert text_rules == {finding.rule}


def test_a_rulebook_mapping_a_category_twice_is_refused() -> None:
    import yaml

    from faircollect.compliance.rulebook import RULEBOOK_DIR, RulebookError, parse_rulebook

    data = yaml.safe_load((RULEBOOK_DIR / "uk.yaml").read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == "UK-NO-MISLEAD")
    rule["linter_categories"] = [*rule["linter_categories"], "visit_threat"]
    with pytest.raises(RulebookError) as err:
        parse_rulebook(data, file="uk.yaml")
    assert "visit_threat" in err.value.message and "linter_categories" in (err.value.field or "")


def test_lint_rejects_unknown_jurisdiction_naming_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        lint("hello", jurisdiction="FR")
    assert err.value.field == "jurisdiction"


def test_empty_text_is_ok() -> None:
    assert lint("").verdict == "ok"
    assert lint("   ", LintContext()).verdict == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "逾期信息将按规定报送征信",
        "您可以通过官方渠道协商还款",
        "The lender could take legal action against you",
        "If you do not pay, we may report this to credit reference agencies",
        "逾期不会导致坐牢，但会影响您的个人信用记录。",
        "根据合同约定，如长期逾期，我司可能依法通过诉讼途径解决。",
        "如遇暴力催收，可拨打12378投诉或报警。",
        "如有人自称法院或公安要求您转账到个人账户，请立即拨打110报警。",
        "If we cannot agree a plan, the lender may consider court action as a last resort.",
        "We may contact you by phone, letter or email about the arrears on your account.",
    ],
)
def test_lawful_factual_reminders_never_block(text: str) -> None:
    result = lint(text)
    assert result.verdict != "block", [(f.category, f.excerpt) for f in result.findings]
