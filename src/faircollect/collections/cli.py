"""``faircollect collections …``: plan, report, cases, promises, visits, complaints, agencies, queues, simulate."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from faircollect.config import get_settings
from faircollect.kit.errors import FaircollectError
from faircollect.kit.listing import FORMAT_HELP, ListFormat, TableOrJson, emit

console = Console()
F = TypeVar("F", bound=Callable[..., Any])

DB_OPT = typer.Option(None, "--database-url", help="Overrides DATABASE_URL.")
FORMAT_OPT = typer.Option(TableOrJson.table, "--format", help="table or json")
LIST_FORMAT_OPT = typer.Option(ListFormat.table, "--format", help=FORMAT_HELP)
ACTOR_OPT = typer.Option("cli", "--actor", help="Who is acting (recorded in the audit log).")


@contextmanager
def _session(database_url: str | None) -> Iterator[Session]:
    from faircollect.db import make_engine, session_factory, unit_of_work

    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _fail(exc: FaircollectError) -> None:
    console.print(f"[red]error[/red]: {exc}", soft_wrap=True)  # never break a path or file name across lines
    raise typer.Exit(1)


def _date(text: str | None, field: str = "date") -> date:
    """The date given, or today's business date in the lender's zone (``business_timezone``), as every other path
    reads "today" — not the machine's local date."""
    from faircollect.kit.time import business_date, parse_date, utc_now

    if text:
        return parse_date(text, field=field)
    return business_date(utc_now(), get_settings().business_timezone)


def _strategy(path: str | None, jurisdiction: str | None = None) -> Any:
    from faircollect.collections.settings import get_collections_settings
    from faircollect.collections.strategy import default_strategy_path, load_strategy

    chosen = path or get_collections_settings().strategy_file
    return load_strategy(
        Path(chosen) if chosen else default_strategy_path(jurisdiction or get_settings().jurisdiction)
    )


def _strategies_for_plan(path: str | None) -> Any:
    """The strategy given (or configured); else each jurisdiction's default, so that every borrower is planned
    under the strategy of their own jurisdiction (a US borrower under us-default, in their own zone)."""
    from faircollect.collections.settings import get_collections_settings
    from faircollect.collections.strategy import default_strategy_path, load_strategy
    from faircollect.compliance.rulebook import JURISDICTIONS

    if path or get_collections_settings().strategy_file:
        return _strategy(path)
    return {j: load_strategy(p) for j in JURISDICTIONS if (p := default_strategy_path(j)).exists()}


def _emit(obj: Any, fmt: str, table: Callable[[], None] | None = None) -> None:
    if fmt == "json" or table is None:
        typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
    else:
        table()


def register(app: typer.Typer) -> None:
    col = typer.Typer(
        help="Collections: cases, strategies, promises, queues, agencies, visits, complaints.",
        no_args_is_help=True,
    )
    promise = typer.Typer(help="Promises to pay (承诺还款).", no_args_is_help=True)
    visit = typer.Typer(help="Field visits (上门): request, approve, refuse, record.", no_args_is_help=True)
    complaint = typer.Typer(
        help="Complaints, disputes and stated hardship (they put holds).", no_args_is_help=True
    )
    agency = typer.Typer(help="Agencies (委外), their agents and mandates; recall.", no_args_is_help=True)
    queue = typer.Typer(help="Agent work queues ranked by expected value.", no_args_is_help=True)

    @col.command("plan")
    def plan_cmd(
        as_of: str = typer.Option(..., "--as-of", help="Business date to plan (YYYY-MM-DD)."),
        strategy: str = typer.Option(
            None,
            "--strategy",
            help="Strategy YAML for every borrower (default: each borrower's jurisdiction's built-in <jurisdiction>-default strategy).",
        ),
        format: TableOrJson = FORMAT_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Propose the day's contacts: sync cases, segment, assign arms, gate every contact, write the outbox."""
        from faircollect.collections.planner import plan

        try:
            strat = _strategies_for_plan(strategy)
            with _session(database_url) as session:
                summary = plan(session, as_of=_date(as_of, "as_of"), strategy=strat)
        except FaircollectError as exc:
            _fail(exc)
            return
        out = summary.as_dict()

        def table() -> None:
            console.print(
                f"plan {out['as_of']} with {out['strategy']}: {out['considered']} accounts considered, "
                f"{out['cases_opened']} cases opened, {out['cases_closed']} closed"
            )
            t = Table("status", "count")
            for k, v in out["by_status"].items():
                t.add_row(k, str(v))
            console.print(t)
            if out["denied"]:
                d = Table("borrower", "channel", "rules", "reason", title="blocked by the gate")
                for row in out["denied"]:
                    d.add_row(row["borrower"], row["channel"], ", ".join(row["rules"]), row["reason"])
                console.print(d)

        _emit(out, format, table)

    @col.command("report")
    def report_cmd(
        as_of: str = typer.Option(
            None, "--as-of", help="Date the open cases are measured to (default today)."
        ),
        experiment: str = typer.Option(None, "--experiment", help="Only this experiment."),
        currency: str = typer.Option(
            "CNY", "--currency", help="Currency of the amounts reported (ISO 4217)."
        ),
        format: TableOrJson = FORMAT_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Per arm and bucket: cure rate, recovered, contacts, cost, complaints, with 95 % intervals."""
        from faircollect.collections.report import collections_report

        with _session(database_url) as session:
            out = collections_report(
                session, as_of=_date(as_of, "as_of"), experiment=experiment, currency=currency
            )

        def table() -> None:
            t = Table(
                "experiment",
                "arm",
                "bucket",
                "cases",
                "cure rate [95% CI]",
                "recovered",
                "per case [95% CI]",
                "contacts",
                "cost",
                "complaints",
                "uplift vs control [95% CI]",
            )
            for r in out["rows"]:
                up = (
                    f"{r['cure_uplift_vs_control']} [{r['cure_uplift_ci'][0]}, {r['cure_uplift_ci'][1]}]"
                    if "cure_uplift_vs_control" in r
                    else ""
                )
                t.add_row(
                    r["experiment"],
                    r["arm"],
                    r["bucket"],
                    str(r["cases"]),
                    f"{r['cure_rate']} [{r['cure_rate_ci'][0]}, {r['cure_rate_ci'][1]}]",
                    r["recovered"],
                    f"{r['recovered_per_case']} [{r['recovered_per_case_ci'][0]}, {r['recovered_per_case_ci'][1]}]",
                    str(r["contacts"]),
                    r["cost"],
                    str(r["complaints"]),
                    up,
                )
            console.print(t)

        _emit(out, format, table)

    @col.command("strategy")
    def strategy_cmd(path: str = typer.Argument(..., help="Strategy YAML to validate.")) -> None:
        """Validate a strategy file and print its arms and segments (errors name file and path)."""
        try:
            s = _strategy(path)
        except FaircollectError as exc:
            _fail(exc)
            return
        console.print(f"[green]{s.key}[/green] ({s.jurisdiction}, experiment {s.experiment_id})")
        for arm, share in s.arms():
            console.print(f"  arm {arm}: {share}")
        for seg in s.segments:
            console.print(
                f"  segment {seg.id}: " + ", ".join(f"{t.channel}@{t.at_dpd}" for t in seg.treatments)
            )

    @col.command("cases")
    def cases_cmd(
        status: str = typer.Option("open", help="open, closed or all"),
        borrower: str = typer.Option(None, "--borrower", help="Only this borrower's cases (borrower id)."),
        format: ListFormat = LIST_FORMAT_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """List cases (no personal data)."""
        from faircollect.collections.service import list_cases
        from faircollect.kit.money import format_minor

        with _session(database_url) as session:
            rows = [
                {
                    "id": c.id,
                    "loan_id": c.loan_id,
                    "status": c.status,
                    "stage": c.stage,
                    "dpd": c.days_past_due,
                    "overdue": format_minor(c.overdue_minor, c.currency),
                    "agency_id": c.agency_id,
                    "on_hold": c.on_hold,
                    "close_reason": c.close_reason,
                }
                for c in list_cases(session, status=None if status == "all" else status, borrower_id=borrower)
            ]

        emit(rows, format, console=console, ids=("id", "loan_id", "agency_id"), title="cases")

    @col.command("borrower")
    def borrower_cmd(
        borrower_id: str = typer.Argument(...),
        as_of: str = typer.Option(None, "--as-of", help="Business date YYYY-MM-DD (default: today)."),
        database_url: str = DB_OPT,
    ) -> None:
        """One view of a borrower over all their loans (masked)."""
        from faircollect.collections.service import borrower_view

        try:
            with _session(database_url) as session:
                out = borrower_view(session, borrower_id, _date(as_of, "as_of"))
        except FaircollectError as exc:
            _fail(exc)
            return
        _emit(out, "json")

    @promise.command("add")
    def promise_add(
        case: str = typer.Option(..., "--case", help="The case id."),
        amount: str = typer.Option(..., "--amount", help="Major units, e.g. 500.00"),
        on: str = typer.Option(..., "--date", help="Promised date"),
        channel: str = typer.Option(
            "call",
            "--channel",
            help="Where it was made: call, sms, email, im, visit, letter, web, app or agency.",
        ),
        made_on: str = typer.Option(None, "--made-on", help="Date the promise was made (default: today)."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Record a promise to pay on a case."""
        from faircollect.collections.promises import make_promise
        from faircollect.collections.service import get_case
        from faircollect.kit.money import to_minor

        try:
            with _session(database_url) as session:
                c = get_case(session, case)
                p = make_promise(
                    session,
                    case_id=case,
                    amount_minor=to_minor(amount, c.currency),
                    promised_date=_date(on),
                    channel=channel,
                    made_on=_date(made_on),
                    actor=actor,
                )
                console.print(f"promise {p.id} recorded")
        except FaircollectError as exc:
            _fail(exc)

    @promise.command("check")
    def promise_check(
        as_of: str = typer.Option(None, "--as-of", help="Date the promises are judged on (default: today)."),
        database_url: str = DB_OPT,
    ) -> None:
        """Mark pending promises kept or broken from the ledger's payments."""
        from faircollect.collections.promises import check_promises

        with _session(database_url) as session:
            r = check_promises(session, _date(as_of, "as_of"))
        console.print(f"kept {len(r.kept)}, broken {len(r.broken)}, still pending {r.pending}")

    @visit.command("request")
    def visit_request(
        case: str = typer.Option(..., "--case", help="The case id."),
        staff: list[str] = typer.Option(..., "--staff", help="Named staff (at least two)."),
        start: str = typer.Option(..., "--start", help="Window start, ISO with zone"),
        end: str = typer.Option(..., "--end", help="Window end, ISO with zone"),
        reason: str = typer.Option(..., "--reason", help="Why a visit is needed (shown to the approver)."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Request a field visit (refused unless prerequisites, staff and hours hold)."""
        from faircollect.collections.visits import request_visit
        from faircollect.kit.time import parse_datetime

        try:
            with _session(database_url) as session:
                v = request_visit(
                    session,
                    case_id=case,
                    requested_by=actor,
                    reason=reason,
                    staff=staff,
                    window_start=parse_datetime(start, field="start"),
                    window_end=parse_datetime(end, field="end"),
                )
                console.print(f"visit {v.id} requested; awaiting approval by someone other than {actor}")
        except FaircollectError as exc:
            _fail(exc)

    @visit.command("approve")
    def visit_approve(
        visit_id: str = typer.Argument(...),
        note: str = typer.Option(None, "--note", help="The approver's note."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Approve a visit (the approver must not be the requester)."""
        from faircollect.collections.visits import approve_visit

        try:
            with _session(database_url) as session:
                approve_visit(session, visit_id=visit_id, approver=actor, note=note)
                console.print(f"visit {visit_id} approved by {actor}")
        except FaircollectError as exc:
            _fail(exc)

    @visit.command("record")
    def visit_record(
        visit_id: str = typer.Argument(...),
        outcome: str = typer.Option(
            ...,
            "--outcome",
            help="met_borrower, promise, paid, not_home, refused_entry, wrong_address or aborted.",
        ),
        recording: str = typer.Option(..., "--recording", help="Reference of the recording"),
        at: str = typer.Option(..., "--at", help="When the visit took place, ISO with zone"),
        report: str = typer.Option(None, "--report", help="The visiting staff's written report."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Record a visit's outcome with its recording reference."""
        from faircollect.collections.visits import record_visit_outcome
        from faircollect.kit.time import parse_datetime

        try:
            with _session(database_url) as session:
                record_visit_outcome(
                    session,
                    visit_id=visit_id,
                    outcome=outcome,
                    recording_ref=recording,
                    at=parse_datetime(at),
                    actor=actor,
                    report=report,
                )
                console.print(f"visit {visit_id} completed: {outcome}")
        except FaircollectError as exc:
            _fail(exc)

    @complaint.command("log")
    def complaint_log(
        borrower: str = typer.Option(..., "--borrower", help="The borrower id."),
        kind: str = typer.Option("complaint", "--kind", help="complaint, dispute or hardship"),
        channel: str = typer.Option(..., "--channel", help="How it reached us"),
        summary: str = typer.Option(..., "--summary", help="What the borrower says, in short."),
        case: str = typer.Option(None, "--case", help="The case it concerns, if any."),
        scope: str = typer.Option("borrower", "--scope", help="borrower (gate hold), case, or none"),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Log a complaint / dispute / hardship; puts the hold and sets the answer deadline."""
        from faircollect.collections.contacts import log_complaint
        from faircollect.kit.time import utc_now

        try:
            with _session(database_url) as session:
                c = log_complaint(
                    session,
                    borrower_id=borrower,
                    kind=kind,
                    channel=channel,
                    summary=summary,
                    received_at=utc_now(),
                    actor=actor,
                    case_id=case,
                    scope=scope,
                )
                console.print(f"{kind} {c.id} routed to {c.routed_to}, answer due by {c.due_by.isoformat()}")
        except FaircollectError as exc:
            _fail(exc)

    @complaint.command("answer")
    def complaint_answer(
        complaint_id: str = typer.Argument(...),
        answer: str = typer.Option(..., "--answer", help="The answer sent to the borrower."),
        keep_hold: bool = typer.Option(
            False, "--keep-hold", help="Keep the complaint's hold after answering."
        ),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Answer a complaint (releases its hold unless --keep-hold)."""
        from faircollect.collections.contacts import answer_complaint

        try:
            with _session(database_url) as session:
                answer_complaint(
                    session, complaint_id=complaint_id, answer=answer, actor=actor, release_hold=not keep_hold
                )
                console.print(f"complaint {complaint_id} answered")
        except FaircollectError as exc:
            _fail(exc)

    @complaint.command("report")
    def complaint_report(database_url: str = DB_OPT) -> None:
        """Open, overdue and answered complaints."""
        from faircollect.collections.contacts import complaints_report

        with _session(database_url) as session:
            _emit(complaints_report(session), "json")

    @agency.command("create")
    def agency_create(
        name: str = typer.Option(..., "--name", help="The agency's name."),
        licence: str = typer.Option(None, "--licence", help="Its licence or registration reference."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Register an agency."""
        from faircollect.collections.agencies import create_agency

        try:
            with _session(database_url) as session:
                console.print(create_agency(session, name=name, licence_ref=licence, actor=actor).id)
        except FaircollectError as exc:
            _fail(exc)

    @agency.command("mandate")
    def agency_mandate(
        agency_id: str = typer.Option(..., "--agency", help="The agency id (from agency create)."),
        buckets: str = typer.Option(None, "--buckets", help="Comma-separated, e.g. M3,M4+"),
        dpd_min: int = typer.Option(None, "--dpd-min", help="Only cases at least this many days past due."),
        max_cases: int = typer.Option(None, "--max-cases", help="At most this many cases placed at once."),
        until: str = typer.Option(..., "--until", help="Last day of the mandate (YYYY-MM-DD)."),
        commission: str = typer.Option(..., "--commission", help="Share of the amount recovered, e.g. 0.18"),
        starts: str = typer.Option(None, "--starts", help="First day of the mandate (default: today)."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Give an agency a mandate: which cases, until when, at what commission."""
        from faircollect.collections.agencies import create_mandate

        criteria: dict[str, Any] = {}
        if buckets:
            criteria["buckets"] = [b.strip() for b in buckets.split(",") if b.strip()]
        if dpd_min is not None:
            criteria["dpd_min"] = dpd_min
        if max_cases is not None:
            criteria["max_cases"] = max_cases
        try:
            with _session(database_url) as session:
                m = create_mandate(
                    session,
                    agency_id=agency_id,
                    criteria=criteria,
                    starts_on=_date(starts),
                    ends_on=_date(until),
                    commission_rate=commission,
                    actor=actor,
                )
                console.print(m.id)
        except FaircollectError as exc:
            _fail(exc)

    @agency.command("recall")
    def agency_recall(
        agency_id: str = typer.Option(..., "--agency", help="The agency id."),
        reason: str = typer.Option(..., "--reason", help="Why the cases are recalled (audited)."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Recall every case placed with an agency."""
        from faircollect.collections.agencies import recall_cases

        with _session(database_url) as session:
            console.print(
                f"recalled {len(recall_cases(session, agency_id=agency_id, reason=reason, actor=actor))} cases"
            )

    @agency.command("agent")
    def agency_agent(
        user: str = typer.Option(..., "--user", help="The collector's user name."),
        name: str = typer.Option(..., "--name", help="Display name."),
        agency_id: str = typer.Option(None, "--agency", help="Omit for the lender's own staff"),
        queue_: str = typer.Option("*", "--queue", help="Stages worked, e.g. M1,M2, or *"),
        daily_cap: int = typer.Option(60, "--daily-cap", help="Most cases assigned to the collector a day."),
        actor: str = ACTOR_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """Register a collector (lender staff or an agency's agent)."""
        from faircollect.collections.agencies import create_agent

        try:
            with _session(database_url) as session:
                console.print(
                    create_agent(
                        session,
                        user=user,
                        display_name=name,
                        agency_id=agency_id,
                        queue=queue_,
                        daily_cap=daily_cap,
                        actor=actor,
                    ).id
                )
        except FaircollectError as exc:
            _fail(exc)

    @queue.command("build")
    def queue_build(
        on: str = typer.Option(None, "--date", help="Work date (default: today)."), database_url: str = DB_OPT
    ) -> None:
        """Rank workable cases by expected value and assign them to agents (caps, least-loaded)."""
        from faircollect.collections.queues import build_work_queues

        with _session(database_url) as session:
            rows = build_work_queues(session, _date(on))
        console.print(f"assigned {len(rows)} cases to {len({r.agent_id for r in rows})} agents")

    @queue.command("show")
    def queue_show(
        agent: str = typer.Option(..., "--agent", help="The agent id (from agency agent)."),
        on: str = typer.Option(None, "--date", help="Work date (default: today)."),
        format: ListFormat = LIST_FORMAT_OPT,
        database_url: str = DB_OPT,
    ) -> None:
        """An agent's own work list for the day."""
        from faircollect.collections.queues import agent_queue
        from faircollect.kit.money import format_minor

        try:
            with _session(database_url) as session:
                rows = [
                    {
                        "rank": qa.rank,
                        "case": c.id,
                        "stage": c.stage,
                        "dpd": c.days_past_due,
                        "overdue": format_minor(c.overdue_minor, c.currency),
                        "EV": format_minor(qa.expected_value_minor, c.currency),
                        "P(pay)": qa.p_pay,
                    }
                    for qa, c in agent_queue(session, agent, _date(on))
                ]
        except FaircollectError as exc:
            _fail(exc)
            return
        emit(rows, format, console=console, ids=("case",), title=f"work list of {agent}")

    @col.command("simulate")
    def simulate_cmd(
        days: int = typer.Option(30, "--days", help="Days to simulate."),
        start: str = typer.Option(None, "--start", help="First simulated day (default: today)"),
        seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same run)."),
        borrowers: int = typer.Option(
            40, "--borrowers", help="Create this many borrowers if the book is empty"
        ),
        strategy: str = typer.Option(
            None,
            "--strategy",
            help="Strategy YAML (default: FAIRCOLLECT_COLLECTIONS_STRATEGY_FILE, else the jurisdiction's built-in).",
        ),
        database_url: str = DB_OPT,
    ) -> None:
        """Run N simulated days end to end on the database (age, plan, dispatch, responses) and print a summary."""
        from faircollect.collections.simulation import print_summary, seed_book, simulate_days
        from faircollect.db import make_engine, session_factory, unit_of_work, upgrade

        url = database_url or get_settings().database_url
        upgrade(url)
        factory = session_factory(make_engine(url))
        first = _date(start)
        with unit_of_work(factory) as session:
            seed_book(session, n_borrowers=borrowers, start=first, seed=seed, only_if_empty=True)
        result = simulate_days(factory, start=first, days=days, seed=seed, strategy=_strategy(strategy))
        print_summary(result, console)

    col.add_typer(promise, name="promise")
    col.add_typer(visit, name="visit")
    col.add_typer(complaint, name="complaint")
    col.add_typer(agency, name="agency")
    col.add_typer(queue, name="queue")
    app.add_typer(col, name="collections")
