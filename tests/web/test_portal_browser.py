"""The borrower's portal in a real browser (Debian's chromium), at 360 × 740 and at a desktop size, with axe-core on
every page and screenshots kept under test-artifacts/web/:

sign in with a one-time code → see the debt → apply for a plan → sign with typed name + code → the schedule changed
and collection held (the gate denies a contact, citing the plan) → a late instalment inside 容时 does not break it;
verify a message (it discloses nothing); file a complaint and see its clock; set contact preferences; switch
language; help, rights, calculator and budgeting pages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from portal_helpers import codes_sent, last_code, late_loans, session_for
from sqlalchemy import select

from faircollect.compliance import gate
from faircollect.compliance.contact import Channel, ContactRequest, RecipientRole
from faircollect.compliance.facts_load import lender_rulebook, load_facts
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, Loan
from faircollect.messaging.models import OutboxMessage
from faircollect.portal.models import ReliefApplication
from faircollect.relief import service as relief

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _minor(money: str) -> int:
    return int(re.sub(r"[^0-9]", "", money))


def _sign_in(web: Any, demo: Any, loan: Loan, borrower: Borrower) -> None:
    page = web.page
    web.goto("/portal/")
    page.wait_for_url(re.compile(r"/portal/sign-in"))
    web.check_a11y()
    web.shot("sign-in")
    before = codes_sent(demo.sink, borrower.phone)
    page.fill("#identifier", loan.external_ref or loan.id)
    page.click("form[action='/portal/sign-in'] button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/sign-in/code"))
    web.check_a11y()
    assert codes_sent(demo.sink, borrower.phone) == before + 1
    page.fill("#code", last_code(demo.sink, borrower.phone))
    page.click("form[action='/portal/sign-in/code'] button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/$"))


def _gate_sms(url: str, borrower_id: str, at: datetime) -> Any:
    engine, session = session_for(url)
    try:
        b = session.get(Borrower, borrower_id)
        assert b is not None
        facts = load_facts(session, borrower_id=borrower_id, at=at, address=b.phone)
        req = ContactRequest(
            b.jurisdiction, Channel.SMS, RecipientRole.BORROWER, at, address=b.phone, text="还款提醒"
        )
        return gate.decide(req, facts, rulebook=lender_rulebook(session, b.jurisdiction))
    finally:
        session.close()
        engine.dispose()


def test_sign_in_see_the_debt_apply_sign_and_collection_is_held(
    web: Any, web_demo: Any, live_server: Any
) -> None:
    candidates = late_loans(web_demo.url, web_demo.loan_ids, web_demo.today, min_dpd=5)
    assert len(candidates) >= 4, "the demo book needs late loans"
    loan, borrower = candidates[0 if web.viewport == "phone" else 1]
    page = web.page
    _sign_in(web, web_demo, loan, borrower)
    web.check_a11y()
    web.shot("my-loans")
    assert "¥" in page.inner_text("main")

    page.click(f"a[href='/portal/loans/{loan.id}']")
    page.wait_for_url(re.compile(rf"/portal/loans/{loan.id}$"))
    web.check_a11y()
    web.shot("loan")
    # the itemised balance fits the screen in both languages: "Outstanding" and the total are never cut off
    for lang in ("en", "zh_CN"):
        web.goto(f"/lang?to={lang}&next=/portal/loans/{loan.id}")
        fits = page.eval_on_selector(
            "section[aria-labelledby=owed] .table-wrap", "w => w.scrollWidth <= w.clientWidth + 1"
        )
        assert fits, f"the itemised balance overflows at {web.viewport} in {lang}"
    pdf = page.request.get(f"{live_server.url}/portal/loans/{loan.id}/statement.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF") and b"NotoSansCJK" in pdf.body()

    page.click(f"a[href='/portal/loans/{loan.id}/relief']")
    page.wait_for_url(re.compile(r"/relief$"))
    web.check_a11y()
    page.check("input[name=reason][value=job_loss]")
    page.fill("#income", "6000")
    page.fill("#expenditure", "4500.50")
    page.click("form[action$='/relief/options'] button[type=submit]")
    page.wait_for_url(re.compile(r"/relief/options$"))
    web.check_a11y()
    web.shot("relief-options")
    # each option says its instalments truly: one amount only when they are all equal, else the lowest and highest
    for option in page.locator("section.option").all():
        amounts = [t.strip() for t in option.locator("details tbody td.num").all_text_contents()]
        if not amounts:
            continue
        said = option.locator("dd.instalments").inner_text()
        assert all(a in said for a in (min(amounts, key=_minor), max(amounts, key=_minor))), (said, amounts)
    page.click("#choose-instalment_plan")
    page.wait_for_url(re.compile(r"/portal/relief/rlf_"))
    app_id = page.url.rsplit("/", 1)[-1]
    web.check_a11y()
    before = codes_sent(web_demo.sink, borrower.phone)
    page.click("#send-code")
    page.wait_for_url(re.compile(r"sent=1"))
    assert codes_sent(web_demo.sink, borrower.phone) == before + 1
    page.fill("#typed_name", borrower.name)
    page.fill("#sign-code", last_code(web_demo.sink, borrower.phone))
    page.click("#sign")
    page.wait_for_url(re.compile(rf"/portal/relief/{app_id}$"))
    web.check_a11y()
    web.shot("relief-signed")

    # The ledger booked a new schedule version; collection is held and the gate says why.
    engine, session = session_for(web_demo.url)
    try:
        app = session.get(ReliefApplication, app_id)
        assert app is not None and app.status == "signed" and app.schedule_version == 2
        assert len(app.agreement_sha256 or "") == 64
        state = ledger.loan_state(session, loan.id, web_demo.today)
        assert state.days_past_due == 0
        first_due = min(i.due_date for i in state.instalments if i.due_date > web_demo.today)
    finally:
        session.close()
        engine.dispose()
    at = datetime.combine(web_demo.today, time(3, 0), tzinfo=UTC)  # 11:00 in Shanghai: inside lawful hours
    decision = _gate_sms(web_demo.url, borrower.id, at)
    assert not decision.allowed and any("HOLD" in r for r in decision.rule_ids), decision

    # Two days late on the first plan instalment: inside 容时, the plan holds and the page says so.
    live_server.app.state.portal_today = first_due + timedelta(days=2)
    try:
        page.reload()
        assert page.locator("#plan-state").count() == 1
        engine, session = session_for(web_demo.url)
        try:
            assert app_id not in relief.check_plans(session, as_of=first_due + timedelta(days=2))
            session.commit()
        finally:
            session.close()
            engine.dispose()
        web.shot("relief-in-grace")
        assert not _gate_sms(web_demo.url, borrower.id, at + timedelta(days=40)).allowed
    finally:
        live_server.app.state.portal_today = web_demo.today

    page.click("a[href='/portal/messages']")
    page.wait_for_url(re.compile(r"/portal/messages$"))
    web.check_a11y()
    web.shot("messages")
    page.click("form[action='/portal/sign-out'] button")
    page.wait_for_url(re.compile(r"/portal/sign-in"))
    web.goto(f"/portal/loans/{loan.id}")
    page.wait_for_url(re.compile(r"/portal/sign-in"))


def test_verify_complain_preferences_language_and_public_pages(
    web: Any, web_demo: Any, live_server: Any
) -> None:
    page = web.page
    engine, session = session_for(web_demo.url)
    try:
        msg = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status.in_(("sent", "delivered")))
        ).first()
        assert msg is not None, "the demo sent messages"
        owner = session.get(Borrower, msg.borrower_id)
        assert owner is not None
        refs = [
            loan.external_ref or loan.id
            for loan in session.scalars(select(Loan).where(Loan.borrower_id == owner.id))
        ]
        code, name = msg.verification_code, owner.name
    finally:
        session.close()
        engine.dispose()
    web.goto("/portal/verify")
    web.check_a11y()
    page.fill("#code", code)
    page.click("form[action='/portal/verify'] button[type=submit]")
    result = page.locator("#verify-result")
    result.wait_for()
    text = page.inner_text("main")
    assert "ok" in (result.locator(".status").get_attribute("class") or "")
    assert name not in text and not any(ref in text for ref in refs) and "¥" not in text
    web.check_a11y()
    web.shot("verify-genuine")
    page.fill("#code", "ZZZZ9999")
    page.click("form[action='/portal/verify'] button[type=submit]")
    page.locator("#verify-result .bad").wait_for()

    candidates = late_loans(web_demo.url, web_demo.loan_ids, web_demo.today, min_dpd=0)
    loan, borrower = candidates[-1 if web.viewport == "phone" else -2]
    _sign_in(web, web_demo, loan, borrower)
    page.click("a[href='/portal/complaints']")
    page.wait_for_url(re.compile(r"/portal/complaints$"))
    web.check_a11y()
    page.check("input[name=reason][value=contacts_called]")
    page.fill("#text", "催收员给我的同事打了电话。")
    page.set_input_files("#attachments", files=[{"name": "note.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#file-complaint")
    page.wait_for_url(re.compile(r"filed=1"))
    page.locator("article.complaint .clock").first.wait_for()
    web.check_a11y()
    web.shot("complaint-clock")
    # the regulator's deadline and its source are said in the page's language (no English on a Chinese page)
    intro = page.locator("#complaint-deadline").inner_text()
    assert "15" in intro and not re.search(r"[A-Za-z]{4,}", intro.replace("DISP", "")), intro

    page.click("a[href='/portal/preferences']")
    page.wait_for_url(re.compile(r"/portal/preferences$"))
    web.check_a11y()
    page.check("input[name=opt_out][value=email]")
    page.fill("#window_start", "09:00")
    page.fill("#window_end", "18:00")
    page.click("#save-preferences")
    page.wait_for_url(re.compile(r"saved=1"))
    assert page.is_checked("input[name=opt_out][value=email]")

    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/portal/preferences"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="My loans").is_visible()
    web.shot("preferences-en")
    page.get_by_role("link", name="繁體中文").click()
    page.wait_for_url(re.compile(r"/portal/preferences"))
    assert page.locator("html").get_attribute("lang") == "zh-TW"
    web.check_a11y()

    for path in ("/portal/help", "/portal/rights", "/portal/budget?income=5000&housing=2000&food=1500"):
        web.goto(path)
        web.check_a11y()
        web.shot(path.strip("/").split("?")[0].replace("/", "-"))
    web.goto("/portal/calculator?principal_amount=10000&rate=18&months=12&method=equal_instalment")
    page.locator("#calc-result-panel").wait_for()
    web.check_a11y()
    web.shot("calculator")


def test_budget_says_what_is_wrong_instead_of_counting_it_as_nothing(web: Any) -> None:
    """A negative income, a typo or an absurd amount is marked on its field; no total is shown from it."""
    page = web.page
    web.goto("/portal/budget?income=-5000&housing=2000&food=abc&transport=99999999999")
    assert page.locator("#budget-left").count() == 0
    for field in ("income", "food", "transport"):
        assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true", field
        assert page.locator(f"#{field}-error").is_visible(), field
    assert page.locator("#housing").get_attribute("aria-invalid") is None
    web.check_a11y()
    web.shot("budget-errors")
    web.goto("/portal/budget?income=5000&housing=2000&food=1500.50")
    assert page.locator("#budget-left").inner_text() == "¥1,499.50"
