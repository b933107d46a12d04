"""The staff console in a real browser (Debian's chromium), one main flow per role, axe-core on every page.

The console's clock is set on the app (``app.state.console_clock``) so that "21:05 in the borrower's zone" is a fact
of the test, not of the hour the suite runs at. Users are created with the identity service; the queue is built by
the collections service for the clock's business day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

PASSWORD = "correct horse battery staple"
DAY = date(2026, 6, 3)  # the day after the demo's two days of collections (1 and 2 June)
AT_2105 = datetime(2026, 6, 3, 13, 5, tzinfo=UTC)  # 21:05 in Asia/Shanghai
AT_1000 = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@dataclass
class Console:
    agent: str
    case_id: str
    late_cases: list[str]  # two open cases 61+ days past due whose SMS and call went unanswered
    app: Any
    url: str

    def clock(self, at: datetime) -> None:
        self.app.state.console_clock = lambda: at


@pytest.fixture(scope="module")
def console(live_server: Any) -> Iterator[Console]:
    """Staff users, today's queue, and two visit requests (one by another agent, one by the supervisor)."""
    from faircollect.collections import queues
    from faircollect.collections.models import CollectionCase, QueueAssignment
    from faircollect.compliance import facts as compliance_facts
    from faircollect.compliance.contact import Channel, Outcome, RecipientRole
    from faircollect.db import make_engine, session_factory, unit_of_work
    from faircollect.identity import service as identity_service

    factory = session_factory(make_engine(live_server.database_url))
    with unit_of_work(factory) as s:
        for name, role in (
            ("sim.li", "agent"),
            ("sim.wang", "agent"),
            ("sup.chen", "supervisor"),
            ("co.liu", "compliance_officer"),
            ("co.zhou", "compliance_officer"),
        ):
            existing = {u.username for u in identity_service.list_users(s)}
            if name in existing:  # the demo itself creates its agent's account, with a random password
                identity_service.set_password(s, username=name, password=PASSWORD, actor="test")
            else:
                identity_service.add_user(s, username=name, roles=[role], actor="test", password=PASSWORD)
        queues.build_work_queues(s, DAY)
    with unit_of_work(factory) as s:
        row = s.execute(
            select(QueueAssignment).where(QueueAssignment.work_date == DAY).order_by(QueueAssignment.rank)
        ).scalars()
        first = next(iter(row))
        from faircollect.collections.models import Agent

        agent = s.get(Agent, first.agent_id)
        assert agent is not None
        case_id, agent_user = first.case_id, agent.user
        late = [
            c
            for c in s.execute(select(CollectionCase).where(CollectionCase.status == "open")).scalars()
            if c.days_past_due >= 61 and not c.on_hold
        ]
        assert len(late) >= 2, "the demo book has no two cases 61+ days past due"
        late_cases = [(c.id, c.borrower_id, c.loan_id) for c in late[:2]]
        for _cid, bid, lid in late_cases:
            for ch in (Channel.SMS, Channel.CALL):
                compliance_facts.record_attempt(
                    s,
                    borrower_id=bid,
                    loan_id=lid,
                    channel=ch,
                    recipient_role=RecipientRole.BORROWER,
                    address=None,
                    at=AT_1000 - timedelta(hours=23),  # the day before, after the cases opened
                    outcome=Outcome.NO_ANSWER,
                    actor="test",
                )
    c = Console(
        agent=agent_user,
        case_id=case_id,
        late_cases=[x[0] for x in late_cases],
        app=live_server.app,
        url=live_server.database_url,
    )
    c.clock(AT_2105)
    yield c
    live_server.app.state.console_clock = None


@pytest.fixture
def visit_requests(console: Console) -> tuple[str, str]:
    """Two fresh visit requests: one by another agent, one by the supervisor who will try to approve both."""
    from faircollect.collections import visits
    from faircollect.db import make_engine, session_factory, unit_of_work

    ids = []
    with unit_of_work(session_factory(make_engine(console.url))) as s:
        for case_id, requester in zip(console.late_cases, ("staff:sim.wang", "staff:sup.chen"), strict=True):
            start = datetime(2026, 6, 5, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, two days later
            v = visits.request_visit(
                s,
                case_id=case_id,
                requested_by=requester,
                reason="no answer on any channel",
                staff=["张伟", "李娜"],
                window_start=start,
                window_end=start + timedelta(hours=2),
            )
            ids.append(v.id)
    return ids[0], ids[1]


def sign_in(web: Any, username: str) -> None:
    web.goto("/console/sign-in")
    web.page.fill("#username", username)
    web.page.fill("#password", PASSWORD)
    web.page.click("button[type=submit]")
    web.page.wait_for_url(re.compile(r"/console/$"))


def test_agent_is_stopped_at_2105_sees_a_threat_refused_and_logs_a_promise(
    web: Any, console: Console
) -> None:
    console.clock(AT_2105)
    sign_in(web, console.agent)
    web.goto("/console/queue")
    web.check_a11y()
    web.shot("agent-queue")
    web.page.click(f"a[href='/console/cases/{console.case_id}']")
    page = web.page
    # the gate's verdict before the call: denied, the hour rule named, the next allowed time shown
    verdict = page.locator(".verdict.denied").first
    assert "CN-HOURS-NIFA2018" in verdict.inner_text()
    assert "08:00" in verdict.inner_text()
    web.check_a11y()
    web.shot("agent-case-2105")
    page.click("text=记录这次通话")
    assert "合规闸门拒绝了这次通话" in page.locator(".flash").inner_text()
    # a threat typed in the composer: highlighted, explained in zh and en, rule cited, Send disabled
    page.fill("#draft", "您好，请尽快还款。再不还钱就上门找你家人")
    mark = page.locator("#lint-preview mark.block").first
    mark.wait_for()
    assert mark.inner_text() in "再不还钱就上门找你家人"
    finding = page.locator("#lint-findings li.block").first
    assert finding.locator("code").inner_text().startswith("CN-")
    assert finding.locator("[lang=en]").inner_text() and finding.locator("[lang=zh-CN]").inner_text()
    assert page.locator("#send").is_disabled()
    web.check_a11y()
    web.shot("agent-threat-blocked")
    # even when the button is forced, the server refuses it and sends nothing
    with page.expect_navigation():
        page.evaluate("document.getElementById('composer').submit()")
    assert "未发送" in page.locator(".verdict.denied[role=alert]").inner_text()
    # at 10:00 the promise is logged
    console.clock(AT_1000)
    web.goto(f"/console/cases/{console.case_id}")
    page.fill("#amount", "500.00")
    page.fill("#promised_date", "2026-06-10")
    page.click("text=登记承诺")
    assert "还款承诺已登记" in page.locator(".flash").inner_text()
    promises = page.locator("table", has=page.locator("caption", has_text="还款承诺")).inner_text()
    assert "500.00" in promises and "2026-06-10" in promises, promises
    web.shot("agent-promise")
    console.clock(AT_2105)


def test_supervisor_approves_another_agents_visit_and_is_refused_on_their_own(
    web: Any, console: Console, visit_requests: tuple[str, str]
) -> None:
    other_id, own_id = visit_requests
    console.clock(AT_1000)
    sign_in(web, "sup.chen")
    web.goto("/console/visits")
    web.check_a11y()
    web.shot("supervisor-visits")
    page = web.page
    own = page.locator(f"#visit-{own_id}")
    assert own.count() == 1
    with page.expect_response(re.compile(r"/approve$")) as refused:
        own.locator("button:has-text('批准')").click()
    assert refused.value.status == 422
    assert "the requester may not approve their own visit request" in page.locator("main").inner_text()
    web.shot("supervisor-own-visit-refused")
    web.goto("/console/visits")
    other = page.locator(f"#visit-{other_id}")
    assert other.count() == 1
    other.locator("button:has-text('批准')").click()
    assert "外访已批准" in page.locator(".flash").inner_text()
    assert page.locator(f"#visit-{other_id}").count() == 0  # decided: off the waiting list
    decided = page.locator("main table tbody").last.inner_text()
    assert "已批准" in decided and not re.search(r"\b(approved|completed|refused)\b", decided), decided
    web.shot("supervisor-visit-approved")
    web.goto("/console/team")
    queues = page.locator("main table tbody td:nth-child(3)").all_inner_texts()
    assert queues and "*" not in queues, queues  # "all stages" in words
    console.clock(AT_2105)


def test_dashboard_shows_the_demo_roll_rate_matrix(web: Any, console: Console, live_server: Any) -> None:
    from faircollect.console.dashboard import roll_rates
    from faircollect.console.dashboard_load import month_end_panel
    from faircollect.db import make_engine, session_factory

    console.clock(AT_1000)
    with session_factory(make_engine(live_server.database_url))() as s:
        matrices = roll_rates(month_end_panel(s, DAY))
    last = matrices[-1]
    sign_in(web, "sup.chen")
    web.goto("/console/dashboard")
    page = web.page
    table = page.locator("#roll-matrix table")
    assert f"{last.start.isoformat()} → {last.end.isoformat()}" in table.locator("caption").inner_text()
    for i, f in enumerate(last.rows):
        cells = table.locator("tbody tr").nth(i).locator("td")
        assert cells.last.inner_text() == str(last.row_total(f))
    page.locator(".chart[data-chart=fig-roll] .main-svg").first.wait_for()
    web.check_a11y()
    web.shot("dashboard")
    console.clock(AT_2105)


def test_dashboard_charts_get_plotly_styles_under_the_strict_csp(web: Any, console: Console) -> None:
    """Plotly adds its own CSS rules (modebar, stacked SVG layers) at run time; under ``style-src 'self'`` an inline
    <style> is refused, the modebar's buttons spill over the chart and the heat map's layers come apart. The page
    gives Plotly a same-origin stylesheet to add them to (CSSOM insertRule is allowed), and keeps the heat map's
    cells sharp (Plotly's style attribute for that is refused too)."""
    console.clock(AT_1000)
    sign_in(web, "sup.chen")
    web.goto("/console/dashboard")
    page = web.page
    chart = ".chart[data-chart=fig-roll]"
    page.locator(f"{chart} .main-svg").first.wait_for()
    style = "(els, prop) => els.map(e => getComputedStyle(e)[prop])"
    # `.js-plotly-plot .plotly .main-svg {position: absolute}`: the layers are stacked, not one below the other
    positions = page.eval_on_selector_all(f"{chart} .main-svg", style, "position")
    assert positions and set(positions) == {"absolute"}, positions
    # the modebar floats in the chart's corner instead of pushing it down
    assert set(page.eval_on_selector_all(f"{chart} .modebar-container", style, "position")) == {"absolute"}
    rendering = page.eval_on_selector_all(f"{chart} .heatmaplayer image", style, "imageRendering")
    assert rendering and set(rendering) == {"pixelated"}, rendering
    web.shot("dashboard-charts")
    console.clock(AT_2105)


def test_rulebook_parameters_read_as_values_not_python(web: Any, console: Console) -> None:
    """The rulebook page lists each rule's parameters as staff read them: no ``None`` or ``['call']``."""
    sign_in(web, "co.liu")
    for j in ("CN", "US", "UK"):
        web.goto(f"/console/rules?jurisdiction={j}")
        cells = web.page.locator("tbody tr td:nth-child(3)").all_inner_texts()
        assert cells, j
        bad = [c for c in cells if re.search(r"\bNone\b|\[|\]|'", c)]
        assert not bad, bad[:3]
    web.shot("rulebook")


def test_case_and_qa_pages_name_channels_outcomes_and_statuses_in_words(web: Any, console: Console) -> None:
    """The case's contacts and messages and the QA samples say 电话 / 无人接听 / 已发送, never call / no_answer / sent."""
    raw = re.compile(
        r"\b(sms|call|voicemail|email|letter|no_answer|connected|wrong_party|sent|delivered|pending)\b"
    )
    sign_in(web, "sup.chen")
    web.goto(f"/console/cases/{console.late_cases[0]}")
    page = web.page
    for caption in ("联系记录", "消息"):
        table = page.locator("table", has=page.locator("caption", has_text=caption)).first
        cells = table.locator("tbody td:nth-child(2), tbody td:nth-child(3)").all_inner_texts()
        assert not [c for c in cells if raw.search(c)], (caption, cells[:6])
    assert "无人接听" in page.locator("main").inner_text()
    web.goto("/console/qa")
    summaries = page.locator("details summary").all_inner_texts()
    assert not [s for s in summaries if raw.search(s)], summaries[:3]


@pytest.mark.parametrize(
    ("user", "paths"),
    [
        (
            "sup.chen",
            [
                "/console/",
                "/console/team",
                "/console/complaints",
                "/console/qa",
                "/console/practice",
                "/console/strategy",
            ],
        ),
        ("co.liu", ["/console/rules", "/console/audit"]),
    ],
)
def test_every_console_page_has_no_serious_accessibility_violation(
    web: Any, console: Console, user: str, paths: list[str]
) -> None:
    console.clock(AT_1000)
    sign_in(web, user)
    for path in paths:
        response = web.goto(path)
        assert response.status == 200, path
        web.check_a11y()
        web.shot("page" + path.replace("/", "-"))
    console.clock(AT_2105)


def test_supervisor_scores_a_sampled_call_with_a_coaching_note(web: Any, console: Console) -> None:
    from faircollect.collections.models import CollectionCase
    from faircollect.compliance import facts as compliance_facts
    from faircollect.compliance.contact import Channel, Outcome, RecipientRole
    from faircollect.db import make_engine, session_factory, unit_of_work

    with unit_of_work(session_factory(make_engine(console.url))) as s:
        case = s.get(CollectionCase, console.case_id)
        assert case is not None
        borrower_id = case.borrower_id
        attempt = compliance_facts.record_attempt(
            s,
            borrower_id=case.borrower_id,
            loan_id=case.loan_id,
            channel=Channel.CALL,
            recipient_role=RecipientRole.BORROWER,
            address=None,
            at=AT_1000 - timedelta(hours=1),
            outcome=Outcome.CONNECTED,
            actor="staff:sim.wang",
        )
    console.clock(AT_1000)
    sign_in(web, "sup.chen")
    web.goto("/console/qa")
    page = web.page
    item = page.locator("details.panel", has=page.locator(f"input[value^='attempt:{attempt}']"))
    item.locator("summary").click()
    item.locator("input[name=identity_given][value=yes]").check()
    item.locator("input[name=amount_right][value=yes]").check()
    item.locator("input[name=no_pressure][value=no]").check()
    note = f"raised voice at the end ({web.viewport})"
    item.locator("textarea[name=note]").fill(note)
    item.locator("button[type=submit]").click()
    assert "评分已保存" in page.locator(".flash").inner_text()
    reviews = page.locator("table", has=page.locator("caption", has_text="评分记录")).inner_text()
    assert note in reviews and "staff:sim.wang" in reviews and "0.7500" in reviews  # 3 of 4 checks passed
    from sqlalchemy import text

    with make_engine(
        console.url
    ).connect() as conn:  # at rest: sealed under the borrower's key, never in clear
        (stored,) = conn.execute(
            text("SELECT borrower_id, coaching_note_enc FROM qa_review WHERE item_ref LIKE :ref"),
            {"ref": f"attempt:{attempt}%"},
        ).all()
    assert stored[0] == borrower_id and stored[1] and "raised voice" not in stored[1]
    web.check_a11y()
    web.shot("supervisor-qa")
    console.clock(AT_2105)


def test_agent_practises_and_the_linter_coaches_a_threat(web: Any, console: Console) -> None:
    console.clock(AT_1000)
    sign_in(web, console.agent)
    web.goto("/console/practice")
    page = web.page
    page.fill("#ans-job-loss", "没钱也得还，再不还就上门找你家人")
    page.locator("#sit-job-loss").locator("xpath=..").locator("button[type=submit]").click()
    coaching = page.locator("#sit-job-loss").locator("xpath=..").locator(".verdict.denied")
    text = coaching.inner_text()
    assert (
        "CN-" in text and "分期" in text
    )  # the rule broken, and the plan the borrower should have been offered
    web.check_a11y()
    web.shot("agent-practice")
    console.clock(AT_2105)


def test_strategy_draft_is_compared_and_dry_run_before_it_goes_live(web: Any, console: Console) -> None:
    from faircollect.collections.strategy import default_strategy_path

    console.clock(AT_1000)
    sign_in(web, "sup.chen")
    web.goto("/console/strategy")
    page = web.page
    shipped = default_strategy_path("CN").read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", shipped, re.M).group(1))  # type: ignore[union-attr]
    draft = shipped.replace(f"version: {version}\n", f"version: {version + 1}\n", 1).replace(
        "calls: 400", "calls: 5"
    )
    page.fill("#draft", draft)
    # two nightly runs through the gate; the first one in a fresh process compiles the replay kernel (Numba)
    with page.expect_navigation(timeout=600_000):
        page.click("button[name=dry_run]", no_wait_after=True)
    main = page.locator("main").inner_text()
    assert "capacity calls: 400 → 5" in main
    assert "版本号必须高于" not in main  # the draft's version is above the live one
    assert page.locator("table", has=page.locator("caption", has_text="按结果统计的建议联系")).count() == 1
    web.check_a11y()
    web.shot("strategy-dry-run")
    page.fill("#draft", draft.replace("channel: email", "channel: pigeon", 1))
    page.click("text=校验并与生效版本对比")
    assert "pigeon" in page.locator(".flash.error").inner_text()
    console.clock(AT_2105)


def test_the_console_works_with_the_keyboard_alone(web: Any, console: Console) -> None:
    console.clock(AT_1000)
    web.goto("/console/sign-in")
    page = web.page
    page.focus("#username")
    page.keyboard.type(console.agent)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/$"))
    web.goto(f"/console/cases/{console.case_id}")
    # Tab from the top of the page reaches the composer, and typing there runs the live linter
    page.keyboard.press("Tab")
    for _ in range(120):
        if page.evaluate("document.activeElement && document.activeElement.id") == "draft":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "draft"
    page.keyboard.type("再不还钱就上门找你家人")
    page.locator("#lint-preview mark.block").first.wait_for()
    console.clock(AT_2105)


def test_a_loosening_waits_for_a_second_compliance_officer(web: Any, console: Console) -> None:
    from faircollect.compliance.facts_load import lender_rulebook
    from faircollect.db import make_engine, session_factory

    with session_factory(make_engine(console.url))() as s:
        end = lender_rulebook(s, "CN").rule("CN-HOLIDAYS").params["end"]  # "HH:MM" as applied now
    h, m = map(int, str(end).split(":"))
    later = f"{h + (m + 10) // 60:02d}:{(m + 10) % 60:02d}"  # ten minutes later: a loosening
    console.clock(AT_1000)
    sign_in(web, "co.liu")
    web.goto("/console/overrides?jurisdiction=CN")
    page = web.page
    page.select_option("#rule", "CN-HOLIDAYS")
    page.fill("#params", f'{{"end": "{later}"}}')
    page.fill("#oreason", f"holiday evening window for working borrowers ({web.viewport})")
    page.click("text=提交")
    assert "须等待第二位合规专员批准" in page.locator(".flash").inner_text()
    web.check_a11y()
    web.shot("compliance-loosening-pending")
    mine = page.locator(".cards li", has_text=f"({web.viewport})")
    assert mine.count() == 1
    approval_id = (mine.get_attribute("id") or "").removeprefix("approval-")
    with page.expect_response(re.compile(r"/decide$")) as own:
        mine.locator("button[value=approve]").click()
    assert own.value.status == 403  # four eyes: not the officer who asked
    web.goto("/console/rules?jurisdiction=CN")
    assert f"end={later}" not in page.locator("#rule-CN-HOLIDAYS").inner_text()  # nothing changed yet
    page.context.clear_cookies()
    sign_in(web, "co.zhou")
    web.goto("/console/overrides?jurisdiction=CN")
    page.locator(f"#approval-{approval_id} button[value=approve]").click()
    assert "调整已批准并生效" in page.locator(".flash").inner_text()
    web.goto("/console/rules?jurisdiction=CN")
    assert f"end={later}" in page.locator("#rule-CN-HOLIDAYS").inner_text()
    web.shot("compliance-loosening-approved")
    console.clock(AT_2105)


def test_supervisor_extends_a_complaint_clock_with_a_reason_the_borrower_sees(
    web: Any, console: Console
) -> None:
    """The register shows the regulator's clock (CN: 15 days); the supervisor takes the 30-day extension with a
    reason; the 60-day step is closed to them and taken by a compliance officer (the senior manager); the portal's
    clock agrees."""
    from faircollect.collections.contacts import log_complaint
    from faircollect.collections.models import CollectionCase, Complaint
    from faircollect.db import make_engine, session_factory, unit_of_work
    from faircollect.portal import care

    factory = session_factory(make_engine(console.url))
    with unit_of_work(factory) as s:
        used = {
            console.case_id,
            *console.late_cases,
        }  # a borrower no other test works (the complaint holds them)
        case = next(c for c in s.execute(select(CollectionCase)).scalars() if c.id not in used)
        cid = log_complaint(
            s, borrower_id=case.borrower_id, kind="complaint", channel="phone",
            summary=f"clock test {web.viewport}", received_at=AT_1000 - timedelta(days=3), actor="staff:test",
        ).id  # fmt: skip
    console.clock(AT_1000)
    sign_in(web, "sup.chen")
    web.goto("/console/complaints")
    page = web.page
    item = page.locator("details.panel", has=page.locator(f"form[action$='/{cid}/extend']"))
    assert "剩余 12 天" in item.locator("summary").inner_text()
    # the kind and the status are words on the Chinese register, not codes
    assert " 投诉 " in item.locator("summary").inner_text()
    row = page.locator("tbody tr", has_text=cid)
    assert "处理中" in row.inner_text() and not re.search(r"\b(complaint|open)\b", row.inner_text())
    item.locator("summary").click()
    item.locator("textarea[name=reason]").fill("需要调取通话录音")
    item.locator("form.extend button[type=submit]").click()
    assert "期限已延长" in page.locator(".flash").inner_text()
    item = page.locator("details.panel", has=page.locator(f"form[action$='/{cid}/extend']"))
    assert "剩余 27 天" in item.locator("summary").inner_text()
    assert item.locator("form.extend button[type=submit]").is_disabled()  # 60 days: a senior manager's step
    web.check_a11y()
    web.shot("supervisor-complaint-extended")
    web.page.click("form[action='/console/sign-out'] button")
    sign_in(web, "co.liu")  # the compliance officer, as the senior manager, takes the 60-day step
    web.goto("/console/complaints")
    item = page.locator("details.panel", has=page.locator(f"form[action$='/{cid}/extend']"))
    item.locator("summary").click()
    item.locator("textarea[name=reason]").fill("需外部鉴定，经高级管理人员批准")
    item.locator("form.extend button[type=submit]").click()
    assert "期限已延长" in page.locator(".flash").inner_text()
    summary = page.locator("details.panel summary", has_text=cid).inner_text()
    assert "剩余 57 天" in summary
    web.check_a11y()
    with unit_of_work(factory) as s:
        c = s.get(Complaint, cid)
        assert c is not None
        clk = care.clock(s, c, AT_1000)
        assert clk.due_by == AT_1000 - timedelta(days=3) + timedelta(days=60) and clk.next_step is None
        assert [e.reason for e in clk.extensions] == ["需要调取通话录音", "需外部鉴定，经高级管理人员批准"]
        assert [e.by for e in clk.extensions] == ["staff:sup.chen", "staff:co.liu"]
    console.clock(AT_2105)


def test_strategy_page_shows_each_policys_estimated_value_from_the_logs(
    web: Any, console: Console, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """IPS, SNIPS and DR with intervals per champion/challenger arm, and the simulator's value beside them."""
    from faircollect.strategy import logs as logs_mod
    from faircollect.strategy.population import load_params
    from faircollect.strategy.runs import experiment, population

    logs = tmp_path_factory.mktemp("strategy-logs")
    params = load_params(None)
    logs_mod.write(experiment(population(2000, 60, 3, params), params), logs)
    console.app.state.strategy_logs = tmp_path_factory.mktemp("no-logs-yet")
    try:
        console.clock(AT_1000)
        sign_in(web, "sup.chen")
        web.goto("/console/strategy")
        assert "中还没有实验日志" in web.page.locator("#ope-h + p").inner_text()
        console.app.state.strategy_logs = logs
        web.goto("/console/strategy")
        table = web.page.locator("#policy-values")
        text = table.inner_text()
        for arm in ("champion", "digital", "ladder"):
            assert arm in text
        assert "¥" in text and "–" in text  # amounts for people, each with its interval
        assert table.locator("tbody tr").count() == len(logs_mod.read(logs).arms)  # one row per arm
        web.check_a11y()
        web.shot("strategy-policy-values")
    finally:
        console.app.state.strategy_logs = None
        console.clock(AT_2105)
