"""The plan-time verdict is reused at send time only while nothing it depended on changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from faircollect.compliance import gate
from faircollect.compliance import linter as linter_mod
from faircollect.compliance.contact import Channel, ContactFacts, ContactRequest, Decision, RecipientRole
from faircollect.compliance.linter import LintContext, lint
from faircollect.compliance.linter.reuse import lint_key, linter_version, result_to_stored, stored_result
from faircollect.compliance.rulebook import load_rulebook
from faircollect.messaging.outbox import _plan_lint, with_code


def decide(request: ContactRequest, facts: ContactFacts, **kw: Any) -> Decision:
    """The gate with the shipped rulebook of the request's jurisdiction (the gate takes it as a required argument)."""
    return gate.decide(request, facts, rulebook=load_rulebook(request.jurisdiction), **kw)


TEXT = "【示例金融】您本期应还1,250.00元，请按时还款。回T退订"
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _request(text: str = TEXT) -> ContactRequest:
    return ContactRequest(
        jurisdiction="CN", channel=Channel.SMS, recipient_role=RecipientRole.BORROWER, at=AT, text=text
    )


def _facts(**kw: Any) -> ContactFacts:
    return ContactFacts(borrower_timezone="Asia/Shanghai", **kw)


@pytest.fixture
def lint_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text)
        return lint(text, *args, **kwargs)

    monkeypatch.setattr(linter_mod, "lint", counting)
    return calls


def test_the_key_changes_with_text_context_and_jurisdiction() -> None:
    base = lint_key(TEXT, LintContext(channel=Channel.SMS), "CN")
    assert base == lint_key(TEXT, LintContext(channel=Channel.SMS), "cn")
    assert base != lint_key(TEXT + " ", LintContext(channel=Channel.SMS), "CN")
    assert base != lint_key(TEXT, LintContext(channel=Channel.SMS, lawsuit_filed=True), "CN")
    assert base != lint_key(TEXT, LintContext(channel=Channel.SMS, visit_approved=True), "CN")
    assert base != lint_key(TEXT, LintContext(channel=Channel.EMAIL), "CN")
    assert base != lint_key(TEXT, LintContext(channel=Channel.SMS), "US")
    assert len(linter_version()) == 16


def test_send_time_reuses_the_plan_time_verdict_when_nothing_changed(lint_calls: list[str]) -> None:
    planned = decide(_request(), _facts())
    assert planned.allowed and planned.lint_key and lint_calls == [TEXT]
    stored = _plan_lint(planned, TEXT, TEXT)
    assert stored is not None and stored["key"] == planned.lint_key
    sent = decide(_request(), _facts(), prior_lint=stored)
    assert lint_calls == [TEXT]  # not linted again
    assert (sent.allowed, sent.lint_verdict, sent.findings) == (
        planned.allowed,
        planned.lint_verdict,
        planned.findings,
    )


def test_a_changed_fact_or_text_means_linting_again(lint_calls: list[str]) -> None:
    planned = decide(_request(), _facts())
    stored = _plan_lint(planned, TEXT, TEXT)
    decide(_request(), _facts(lawsuit_filed=True), prior_lint=stored)
    decide(_request(TEXT + "再不还就上门"), _facts(), prior_lint=stored)
    assert len(lint_calls) == 3


def test_a_stored_verdict_under_another_key_is_never_used() -> None:
    threat = "再不还钱就上门"
    forged = result_to_stored("0" * 64, lint("您好"))
    decision = decide(_request(threat), _facts(), prior_lint=forged)
    assert not decision.allowed and decision.lint_verdict == "block"
    assert stored_result(forged, "1" * 64) is None and stored_result(None, "0" * 64) is None


def test_only_a_verdict_on_the_exact_stored_text_is_kept() -> None:
    planned = decide(_request(), _facts())
    assert _plan_lint(planned, TEXT, with_code(TEXT, "123456")) is None  # the code was appended after linting
    coded = with_code(TEXT, "123456")
    assert _plan_lint(decide(_request(coded), _facts()), coded, with_code(coded, "123456")) is not None
