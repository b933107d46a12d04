"""Templates: linted when saved (refused when blocked), whitelisted variables, safe rendering, versions."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.messaging.seeds import SEEDS, seed_templates
from faircollect.messaging.templates import (
    CODE_PLACEHOLDER,
    VARIABLES,
    TemplateRefused,
    get_template,
    lint_template,
    list_templates,
    render,
    save_template,
)

SAMPLE = {k: v for k, v in VARIABLES.items() if k != "verification_code"}


def test_every_seed_template_passes_the_linter_and_carries_identity_code_and_opt_out() -> None:
    for s in SEEDS:
        verdict, findings = lint_template(
            s.body,
            channel=s.channel,
            language=s.language,
            requires_visit_approved=s.requires_visit_approved,
            requires_lawsuit_filed=s.requires_lawsuit_filed,
        )
        assert verdict != "block", (s.key, s.language, findings)
        assert "{{ lender_name }}" in s.body
        assert "{{ verification_code }}" in s.body
        assert any(
            w in s.body for w in ("回T退订", "回覆T退訂", "Reply STOP", "退订", "退訂", "UNSUBSCRIBE")
        ), s.body
    keys = {(s.key, s.language) for s in SEEDS}
    for key in ("reminder", "overdue", "promise_confirmation", "visit_notice", "lawsuit_notice"):
        for lang in ("zh-CN", "zh-TW", "en"):
            assert (key, lang) in keys


def test_visit_notice_seed_would_be_blocked_as_a_bluff_without_an_approved_visit() -> None:
    visit = next(s for s in SEEDS if s.key == "visit_notice" and s.language == "zh-CN")
    verdict, findings = lint_template(
        visit.body, channel="sms", language="zh-CN", requires_visit_approved=False
    )
    assert verdict == "block"
    assert any(f["category"] == "visit_threat" for f in findings)


def test_seeding_twice_saves_each_template_once(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        first = seed_templates(s)
    with unit_of_work(sq) as s:
        second = seed_templates(s)
        assert len(list_templates(s)) == len(SEEDS)
    assert len(first) == len(SEEDS)
    assert second == []


def test_template_threatening_a_visit_to_family_is_refused_on_save_with_findings(
    sq: sessionmaker[Session],
) -> None:
    body = "【{{ lender_name }}】{{ borrower_name }}再不还{{ amount_due }}元就上门找你家人。核验码{{ verification_code }}，回T退订"
    with unit_of_work(sq) as s, pytest.raises(TemplateRefused) as exc:
        save_template(s, key="bad", channel="sms", language="zh-CN", body=body, created_by="t")
    cats = {f["category"] for f in exc.value.findings}
    assert "visit_threat" in cats
    assert "third_party_disclosure" in cats
    with sq() as s:
        assert list_templates(s) == []


def test_english_template_with_false_arrest_claim_is_refused(sq: sessionmaker[Session]) -> None:
    body = "{{ lender_name }}: pay {{ amount_due }} today or the police will arrest you. Code {{ verification_code }}. Reply STOP to opt out."
    with unit_of_work(sq) as s, pytest.raises(TemplateRefused) as exc:
        save_template(s, key="bad", channel="sms", language="en", body=body, created_by="t")
    assert any(f["category"] == "false_legal_claim" for f in exc.value.findings)


def test_template_using_a_variable_outside_the_whitelist_is_refused(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s, pytest.raises(TemplateRefused, match="id_number"):
        save_template(
            s, key="x", channel="sms", language="en", body="{{ lender_name }} {{ id_number }}", created_by="t"
        )


def test_template_reaching_into_python_internals_is_refused(sq: sessionmaker[Session]) -> None:
    body = "{{ lender_name.__class__.__mro__[1].__subclasses__() }} Reply STOP"
    with unit_of_work(sq) as s, pytest.raises(TemplateRefused):
        save_template(s, key="x", channel="sms", language="en", body=body, created_by="t")


def test_template_with_syntax_error_is_refused_naming_the_line(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s, pytest.raises(TemplateRefused, match="line 1"):
        save_template(s, key="x", channel="sms", language="en", body="{{ lender_name ", created_by="t")


def test_template_code_in_a_variable_value_is_printed_not_executed(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        seed_templates(s)
    hostile = "{{ 7*7 }}{% for x in range(3) %}X{% endfor %}{{ ''.__class__ }}"
    with sq() as s:
        text = render(s, "reminder", "en", {**SAMPLE, "borrower_name": hostile})
    assert hostile in text
    assert "49" not in text
    assert "XXX" not in text


def test_a_variable_value_cannot_choose_where_the_verification_code_goes(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        seed_templates(s)
    with sq() as s:
        text = render(s, "reminder", "en", {**SAMPLE, "borrower_name": f"Li {CODE_PLACEHOLDER}"})
    assert text.count(CODE_PLACEHOLDER) == 1  # only the template's own slot


def test_render_names_the_missing_variable(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        seed_templates(s)
    vars_ = {k: v for k, v in SAMPLE.items() if k != "amount_due"}
    with sq() as s, pytest.raises(ValidationError, match="amount_due"):
        render(s, "overdue", "zh-CN", vars_)


def test_render_refuses_objects_as_variable_values(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        seed_templates(s)
    with sq() as s, pytest.raises(ValidationError, match="borrower_name"):
        render(s, "reminder", "en", {**SAMPLE, "borrower_name": object()})


def test_render_uses_the_latest_version_and_zh_tw_text(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        seed_templates(s)
        save_template(
            s,
            key="reminder",
            channel="sms",
            language="zh-TW",
            body="【{{ lender_name }}】{{ borrower_name }}您好，本期應還{{ amount_due }}元。核驗碼{{ verification_code }}。回覆T退訂",
            created_by="t",
        )
    with sq() as s:
        tpl = get_template(s, "reminder", "zh-TW")
        assert tpl.version == 2
        text = render(s, "reminder", "zh-TW", {**SAMPLE, "verification_code": "7K3M9QXA"})
    assert text.startswith("【示例金融】張三") or text.startswith("【示例金融】张三")
    assert "核驗碼7K3M9QXA" in text


def test_render_of_unknown_template_is_not_found(sq: sessionmaker[Session]) -> None:
    with sq() as s, pytest.raises(NotFound):
        render(s, "nope", "en", {})


def test_unknown_language_is_refused(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s, pytest.raises(ValidationError, match="language"):
        save_template(s, key="x", channel="sms", language="fr", body="{{ lender_name }}", created_by="t")
