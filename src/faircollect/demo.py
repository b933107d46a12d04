"""``faircollect demo``: a small portfolio on embedded SQLite, aged through a few months, printed by bucket.

Everything printed is read back from the ledger (replayed loan states), not canned. The steps are separate
functions — ``seed_portfolio``, ``simulate_month``, ``book_by_bucket`` / ``print_book`` — so later stages
(collections, the nightly portfolio run) can be slotted in between them.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from faircollect.kit.ids import seeded_ids
from faircollect.kit.money import format_minor

console = Console()

#: Demo products: (code, name, default terms). Rates are under the CN 24 % all-in line.
DEMO_PRODUCTS: tuple[tuple[str, str, dict[str, object]], ...] = (
    (
        "consumer-12m",
        "消费贷 12 期 等额本息",
        {
            "annual_rate": "0.18",
            "method": "equal_instalment",
            "term": 12,
            "frequency": "monthly",
            # 罚息 1.3 × 18 % = 23.4 % a year: inside the 24 % line that also counts penalty interest.
            "penalty": {"basis": "contract_rate_multiple", "multiple": "1.3", "grace_days": 3},
        },
    ),
    (
        "business-6m",
        "经营贷 6 期 先息后本",
        {
            "annual_rate": "0.12",
            "method": "interest_only",
            "term": 6,
            "frequency": "monthly",
            "penalty": {"basis": "contract_rate_multiple", "multiple": "1.5", "grace_days": 3},
        },
    ),
    (
        "salary-9m",
        "工薪贷 9 期 等额本金",
        {
            "annual_rate": "0.15",
            "method": "equal_principal",
            "term": 9,
            "frequency": "monthly",
            "penalty": {"basis": "contract_rate_multiple", "multiple": "1.5", "grace_days": 3},
        },
    ),
)

#: Borrower behaviour profiles and their shares: how they pay each instalment.
PROFILES = (("prompt", 0.72), ("late", 0.12), ("partial", 0.08), ("stops", 0.08))

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass
class DemoBook:
    """What the demo keeps between steps: the loans it made and how each borrower behaves."""

    start: date
    loan_ids: list[str] = field(default_factory=list)
    profile: dict[str, str] = field(default_factory=dict)
    payments_posted: int = 0
    bucket_changes: int = 0


@dataclass(frozen=True)
class BucketLine:
    bucket: str
    loans: int
    principal_outstanding_minor: int
    overdue_minor: int


def _pick_profile(rng: random.Random) -> str:
    x = rng.random()
    acc = 0.0
    for name, share in PROFILES:
        acc += share
        if x < acc:
            return name
    return PROFILES[-1][0]


def seed_portfolio(session: Session, *, rng: random.Random, loans: int = 200, start: date) -> DemoBook:
    """Create the demo products, ``loans`` borrowers with one loan each, disbursed over ``start``'s month."""
    from faircollect.ledger import service

    versions = [
        service.create_product(session, code=code, name=name, currency="CNY", terms=terms, actor="demo")
        for code, name, terms in DEMO_PRODUCTS
    ]
    book = DemoBook(start=start)
    for n in range(loans):
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
        # 13x and 18x: every number in those mobile ranges is valid (phones are validated with libphonenumber).
        second = "8" if rng.choice("3589") in "89" else "3"
        b = service.create_borrower(
            session,
            name=name,
            phone=f"1{second}{rng.randrange(10**9):09d}",
            timezone="Asia/Shanghai",
            external_ref=f"DEMO-B{n + 1:04d}",
            actor="demo",
        )
        version = versions[n % len(versions)]
        day = start + timedelta(days=rng.randrange(28))
        principal = rng.randrange(20, 301) * 100  # 2,000 – 30,000 yuan, whole hundreds
        loan = service.create_loan(
            session,
            borrower_id=b.id,
            product_version_id=version.id,
            terms={"principal": str(principal), "start_date": day.isoformat()},
            external_ref=f"DEMO-L{n + 1:04d}",
            approve=True,
            actor="demo",
        )
        service.disburse(session, loan_id=loan.id, date=day, actor="demo")
        book.loan_ids.append(loan.id)
        book.profile[loan.id] = _pick_profile(rng)
    return book


def _month_end(d: date) -> date:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def simulate_month(session: Session, book: DemoBook, *, rng: random.Random, month_start: date) -> date:
    """Post the month's payments by each borrower's profile, then age every loan at month end; returns that date."""
    from faircollect.ledger import service

    end = _month_end(month_start)
    for loan_id in book.loan_ids:
        profile = book.profile[loan_id]
        schedule = service.loan_schedule(session, loan_id)
        for inst in schedule.instalments:
            if not (month_start <= inst.due_date <= end):
                continue
            if profile == "stops" and inst.number >= 2:
                continue  # stopped paying after the first instalment
            if profile == "partial":
                amount, day = inst.total_minor // 2, inst.due_date
            elif profile == "late":
                amount, day = inst.total_minor, inst.due_date + timedelta(days=rng.randrange(5, 40))
            else:
                amount, day = inst.total_minor, inst.due_date - timedelta(days=rng.randrange(0, 3))
            if rng.random() < 0.03:  # everyone forgets now and then
                continue
            if day > end:
                continue  # the late payment lands after this month: it is simply missed for now
            service.post_payment(
                session,
                loan_id=loan_id,
                key=f"demo-{loan_id}-{inst.number}",
                date=day,
                amount_minor=amount,
                actor="demo",
            )
            book.payments_posted += 1
    book.bucket_changes += len(service.age_loans(session, end, loan_ids=book.loan_ids, actor="demo"))
    return end


def book_by_bucket(session: Session, loan_ids: list[str], as_of: date) -> tuple[list[BucketLine], int]:
    """Loans, principal outstanding and overdue per bucket on ``as_of``, replayed from the ledger; + closed count."""
    from faircollect.ledger import service
    from faircollect.ledger.buckets import BUCKET_SETS

    acc: dict[str, list[int]] = {label: [0, 0, 0] for label in BUCKET_SETS["cn"].labels}
    closed = 0
    states = service.loan_states(session, loan_ids, as_of)
    for loan_id in loan_ids:
        state = states[loan_id]
        if state.closed:
            closed += 1
            continue
        line = acc.setdefault(state.bucket, [0, 0, 0])
        line[0] += 1
        line[1] += state.principal_outstanding_minor
        line[2] += state.overdue_minor
    return [BucketLine(k, v[0], v[1], v[2]) for k, v in acc.items()], closed


def yuan(minor: int) -> str:
    """Minor units as yuan with thousands separators (``123456789`` → ``1,234,567.89``)."""
    return f"{Decimal(format_minor(minor, 'CNY')):,}"


def print_book(session: Session, book: DemoBook, as_of: date) -> list[BucketLine]:
    """Print loans by bucket with counts and amounts (yuan) as of a date."""
    lines, closed = book_by_bucket(session, book.loan_ids, as_of)
    table = Table(title=f"portfolio by bucket on {as_of} (CNY)")
    table.add_column("bucket")
    table.add_column("loans", justify="right")
    table.add_column("principal outstanding", justify="right")
    table.add_column("overdue", justify="right")
    for line in lines:
        table.add_row(
            line.bucket,
            str(line.loans),
            yuan(line.principal_outstanding_minor),
            yuan(line.overdue_minor),
        )
    table.add_row(
        "total",
        str(sum(x.loans for x in lines)),
        yuan(sum(x.principal_outstanding_minor for x in lines)),
        yuan(sum(x.overdue_minor for x in lines)),
        style="bold",
    )
    console.print(table)
    console.print(f"closed (repaid in full): {closed}")
    return lines


def _sink_beside(database_url: str) -> Path:
    """Where the demo's file provider writes: beside a SQLite database file, else in the working directory."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_name("demo-sent.jsonl")
    return Path("demo-sent.jsonl")


def run_nightly_step(factory: sessionmaker[Session], as_of: date) -> None:
    """The nightly portfolio run (Ibis on embedded DuckDB) over the ledger: book, roll rates, today's plan."""
    from faircollect.portfolio.cli import print_run_summary
    from faircollect.portfolio.nightly import run_nightly

    with console.status(f"nightly portfolio run for {as_of} on DuckDB …"), factory() as session:
        result = run_nightly(session, as_of)
    console.rule(f"[bold]nightly portfolio run, {as_of}[/bold]")
    print_run_summary(result.summary)
    plan = result.summary.get("plan_by_segment") or []
    print_score_segments(plan, title=f"nightly plan by segment, {as_of} (C-card score segments marked)")


def print_score_segments(rows: list[dict[str, Any]], *, title: str) -> None:
    """Contacts per strategy segment and channel; segments that read the collection score (C-card) are marked."""
    from rich.table import Table

    from faircollect.collections.strategy import default_strategy_path, load_strategy

    strategy = load_strategy(default_strategy_path("CN"))
    scored = {g.id for g in strategy.segments if g.when.score_min is not None or g.when.score_max is not None}
    table = Table("segment", "channel", "contacts", title=title)
    for r in sorted(rows, key=lambda r: (str(r["segment"]), str(r["channel"]))):
        name = str(r["segment"]) + (" [bold](C-card)[/bold]" if r["segment"] in scored else "")
        table.add_row(name, str(r["channel"]), str(r["contacts"]))
    console.print(table)


def planned_by_segment(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    """The per-contact planner's contacts by segment and channel (champion and challengers)."""
    from sqlalchemy import func, select

    from faircollect.collections.models import PlannedContact

    with factory() as session:
        q = select(PlannedContact.segment_id, PlannedContact.channel, func.count()).group_by(
            PlannedContact.segment_id, PlannedContact.channel
        )
        return [
            {"segment": seg, "channel": ch, "contacts": n}
            for seg, ch, n in session.execute(q).all()
            if seg is not None
        ]


def run_collections_days(
    factory: sessionmaker[Session], *, start: date, days: int, seed: int, sink_path: Path
) -> None:
    """Collections day by day: strategy proposes, the gate decides (twice), messages go to a file sink with codes."""
    from faircollect.collections.simulation import print_summary, simulate_days
    from faircollect.collections.strategy import default_strategy_path, load_strategy
    from faircollect.messaging.providers import make_provider

    strategy = load_strategy(default_strategy_path("CN"))
    console.rule(f"[bold]collections, {days} days from {start}[/bold]")
    with console.status(f"running {days} days of collections …"):
        summary = simulate_days(
            factory,
            start=start,
            days=days,
            seed=seed,
            strategy=strategy,
            provider=make_provider("file", sink_path=sink_path),
        )
    print_summary(summary, console)
    print_score_segments(
        planned_by_segment(factory), title="contacts planned by segment (C-card score segments marked)"
    )
    console.print(f"messages as the SMS/e-mail provider received them: {sink_path}")


def run_demo(
    database_url: str,
    *,
    loans: int,
    months: int,
    seed: int,
    start: date,
    days: int = 5,
    nightly: bool = True,
) -> tuple[DemoBook, date]:
    """Migrate, seed, simulate ``months`` months, print the book, run the nightly job and ``days`` of collections.

    Same seed, same numbers: the ids are drawn from the seed too (arms and simulated behaviour are keyed by them)."""
    with seeded_ids(seed):
        return _run_demo(
            database_url, loans=loans, months=months, seed=seed, start=start, days=days, nightly=nightly
        )


def _run_demo(
    database_url: str, *, loans: int, months: int, seed: int, start: date, days: int, nightly: bool
) -> tuple[DemoBook, date]:
    from faircollect.db import make_engine, session_factory, unit_of_work, upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    factory: sessionmaker[Session] = session_factory(engine)
    rng = random.Random(seed)
    with console.status(f"seeding {loans} loans …"), unit_of_work(factory) as session:
        book = seed_portfolio(session, rng=rng, loans=loans, start=start)
    console.print(f"seeded {len(book.loan_ids)} loans on {len(DEMO_PRODUCTS)} products from {start}")
    as_of = start
    month = start
    for _ in range(months):
        month = _month_end(month) + timedelta(days=1)
        with console.status(f"simulating {month:%Y-%m} …"), unit_of_work(factory) as session:
            as_of = simulate_month(session, book, rng=rng, month_start=month)
        console.print(
            f"month to {as_of}: {book.payments_posted} payments posted so far, {book.bucket_changes} bucket changes"
        )
    with factory() as session:
        print_book(session, book, as_of)
    if nightly:
        run_nightly_step(factory, as_of)
    if days > 0:
        sink = _sink_beside(database_url)
        sink.unlink(missing_ok=True)
        run_collections_days(factory, start=as_of + timedelta(days=1), days=days, seed=seed, sink_path=sink)
    from faircollect.compliance.audit import service as audit_service
    from faircollect.config import get_settings

    with unit_of_work(factory) as session:  # the demo ends: its head is signed, like a server's at shutdown
        audit_service.checkpoint_head(session)
    with factory() as session:
        receipts = audit_service.receipt_sink().read()
        verified = audit_service.verify(
            session,
            trusted_public_key=audit_service.trusted_key_from_file(get_settings().audit_key_file),
            receipts=receipts,
        )
        console.print(
            f"audit log: {verified.records_checked} records, {verified.checkpoints_checked} signed checkpoints, "
            f"{len(receipts)} receipts outside the database, "
            + ("[green]chain intact[/green]" if verified.ok else f"[red]broken: {verified.problem}[/red]")
        )
    settings = get_settings()
    console.print(
        f"check it yourself: FAIRCOLLECT_AUDIT_KEY_FILE={settings.audit_key_file} "
        f"FAIRCOLLECT_AUDIT_SINK={settings.audit_sink} FAIRCOLLECT_KEK_FILE={settings.kek_file} "
        f"faircollect audit verify --database-url {database_url}"
    )
    with factory() as session:
        from sqlalchemy import select

        from faircollect.messaging.models import OutboxMessage

        code = session.execute(
            select(OutboxMessage.verification_code)
            .where(OutboxMessage.sent_at.is_not(None))
            .order_by(OutboxMessage.sent_at, OutboxMessage.id)
            .limit(1)
        ).scalar_one_or_none()
    if code:
        console.print(f"is a message genuine? faircollect verify {code} --database-url {database_url}")
    from faircollect.demo_web import print_web_access

    print_web_access(
        console,
        factory,
        database_url=database_url,
        sink=_sink_beside(database_url),
        audit_key_file=get_settings().audit_key_file,
        business_day=as_of + timedelta(days=max(days, 0) + 1),
    )
    engine.dispose()
    return book, as_of


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        database_url: str = typer.Option(
            None,
            "--database-url",
            help="Where to build the demo (default: a fresh SQLite file under ./var/).",
        ),
        loans: int = typer.Option(200, "--loans", min=1, help="How many loans (one per borrower)."),
        months: int = typer.Option(
            4, "--months", min=1, max=24, help="Months of payments and misses to simulate."
        ),
        seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same portfolio)."),
        start: str = typer.Option("2026-01-01", "--start", help="First month of disbursements (YYYY-MM-DD)."),
        days: int = typer.Option(
            5, "--days", min=0, max=60, help="Days of collections to simulate after the months (0: none)."
        ),
        nightly: bool = typer.Option(
            True, "--nightly/--no-nightly", help="Run the nightly portfolio job (DuckDB) on the aged book."
        ),
    ) -> None:
        """Build a portfolio on SQLite, age it for months, run the nightly job, then days of collections through the gate."""
        from faircollect.config import get_settings
        from faircollect.kit.time import parse_date

        if database_url is None:
            var = Path("var")
            try:
                var.mkdir(exist_ok=True)
            except OSError:
                var = Path(tempfile.mkdtemp(prefix="faircollect-demo-"))
            db = var / "demo.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)  # a fresh demo each run
            database_url = f"sqlite:///{db}"
            if (
                "FAIRCOLLECT_AUDIT_KEY_FILE" not in os.environ
            ):  # keep the demo's signing key beside its database
                os.environ["FAIRCOLLECT_AUDIT_KEY_FILE"] = str(var / "demo-audit.key")
                get_settings.cache_clear()
            if "FAIRCOLLECT_AUDIT_SINK" not in os.environ:  # one receipt sink per database: a fresh one
                receipts = var / "demo-audit-receipts.jsonl"
                receipts.unlink(missing_ok=True)
                os.environ["FAIRCOLLECT_AUDIT_SINK"] = f"file:{receipts}"
                get_settings.cache_clear()
            if "FAIRCOLLECT_KEK" not in os.environ and "FAIRCOLLECT_KEK_FILE" not in os.environ:
                os.environ["FAIRCOLLECT_KEK_FILE"] = str(
                    var / "demo-kek.key"
                )  # personal data sealed under it
                get_settings.cache_clear()
            console.print(f"demo database: {db}")
        run_demo(
            database_url,
            loans=loans,
            months=months,
            seed=seed,
            start=parse_date(start, field="--start"),
            days=days,
            nightly=nightly,
        )
