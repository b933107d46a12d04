"""Files as lenders have them: GBK/GB18030 CSV, Excel, bad files refused naming row and field; every TERMS.json
field importable (penalty, fees); borrowers keep their jurisdiction, zone and language — and are planned and gated
under their own rulebook."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.db import unit_of_work
from faircollect.kit.errors import ValidationErrors
from faircollect.ledger import repository as repo
from faircollect.ledger.importer import import_files

HEADER = [
    "external_ref",
    "borrower_ref",
    "borrower_name",
    "borrower_phone",
    "borrower_email",
    "borrower_timezone",
    "borrower_language",
    "borrower_jurisdiction",
    "currency",
    "principal",
    "annual_rate",
    "method",
    "term",
    "start_date",
    "disbursed_on",
    "jurisdiction",
]


def _row(ref: str, **over: str) -> dict[str, str]:
    row = {
        "external_ref": ref,
        "borrower_ref": "B-" + ref,
        "borrower_name": "张三丰",
        "borrower_phone": "13800138000",
        "borrower_email": "",
        "borrower_timezone": "Asia/Shanghai",
        "borrower_language": "zh-CN",
        "borrower_jurisdiction": "",
        "currency": "CNY",
        "principal": "1200.00",
        "annual_rate": "0.12",
        "method": "equal_instalment",
        "term": "12",
        "start_date": "2026-01-01",
        "disbursed_on": "2026-01-01",
        "jurisdiction": "CN",
    }
    row.update(over)
    return row


def _csv_text(rows: list[dict[str, str]], header: list[str] = HEADER) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _errors(sessions: sessionmaker[Session], **files: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationErrors) as info, unit_of_work(sessions) as s:
        import_files(s, **files)  # type: ignore[arg-type]
    return [(e.row, e.field, e.message) for e in info.value.errors]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_chinese_excel_csv_in_gbk_or_gb18030_is_detected_and_imported(
    encoding: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    name = "欧阳娜娜" if encoding == "gbk" else "欧阳䶮"  # 䶮 (U+4DAE) is in GB18030 but not in GBK
    path = tmp_path / "loans.csv"
    path.write_bytes(
        _csv_text([_row("L1", borrower_name=name), _row("L2", borrower_name="王小明")]).encode(encoding)
    )
    with unit_of_work(sessions) as s:
        result = import_files(s, loans=path)
    assert result.loans_created == 2
    with sessions() as s:
        assert repo.borrower_by_ref(s, "B-L1").name == name  # type: ignore[union-attr]


def test_a_gbk_file_that_is_not_detected_can_be_named_with_encoding(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "loans.csv"
    path.write_bytes(_csv_text([_row("L1", borrower_name="Zhang 三")]).encode("gbk"))
    with unit_of_work(sessions) as s:
        assert import_files(s, loans=path, encoding="gbk").loans_created == 1


def test_bytes_that_are_neither_utf8_nor_chinese_are_refused_naming_the_row(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "loans.csv"
    text = _csv_text([_row("L1", borrower_name="Smith"), _row("L2", borrower_name="Jones")])
    lines = text.split("\r\n")
    lines[2] = lines[2].replace("Jones", "J\udcff\udcfeones")  # two bytes that are no character
    path.write_bytes("\r\n".join(lines).encode("utf-8", errors="surrogateescape"))
    [(row, _field, message)] = _errors(sessions, loans=path)
    assert row == 2 and "--encoding" in message


def test_a_real_xlsx_workbook_imports(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    r = _row("X1")
    ws.append([r[h] for h in HEADER])
    # Excel stores what looks like a number as a number and a date as a date; amounts typed as text stay text.
    r2 = _row("X2")
    ws.append([int(r2[h]) if h == "term" else r2[h] for h in HEADER])
    ws.cell(row=3, column=HEADER.index("start_date") + 1, value=datetime(2026, 1, 1))
    path = tmp_path / "loans.xlsx"
    wb.save(path)
    with unit_of_work(sessions) as s:
        assert import_files(s, loans=path).loans_created == 2


def test_an_xlsx_amount_stored_as_a_binary_float_is_refused_naming_row_and_field(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    r = _row("X1", principal="1200.10")
    ws.append([float(r[h]) if h == "principal" else r[h] for h in HEADER])
    path = tmp_path / "loans.xlsx"
    wb.save(path)
    [(row, field, message)] = _errors(sessions, loans=path)
    assert (row, field) == (1, "principal") and "binary float" in message


def test_ragged_rows_empty_files_and_exponent_amounts_are_refused_with_row_and_field(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    loans = tmp_path / "loans.csv"
    text = _csv_text([_row("L1"), _row("L2", principal="1e3"), _row("L3")])
    lines = text.split("\r\n")
    lines[3] = lines[3].rsplit(",", 1)[0]  # row 3 lost its last cell
    loans.write_text("\r\n".join(lines), encoding="utf-8")
    payments = tmp_path / "payments.csv"
    payments.write_text("loan_ref,key,date,amount\nL1,p1,2026-02-01,1.5E2\nL1,p2,2026-02-02,10,extra\n")
    errors = _errors(sessions, loans=loans, payments=payments)
    assert (2, "principal") in [(r, f) for r, f, _ in errors]
    assert any(r == 3 and "15 cells but the header has 16" in m for r, _f, m in errors)
    assert (1, "amount") in [(r, f) for r, f, _ in errors]
    assert any(r == 2 and "5 cells but the header has 4" in m for r, _f, m in errors)
    for name, content, says in (
        ("empty.csv", b"", "empty"),
        ("header_only.csv", b"loan_ref,key,date,amount\r\n", "no rows"),
    ):
        (tmp_path / name).write_bytes(content)
        [(row, _field, message)] = _errors(sessions, payments=tmp_path / name)
        assert says in message and row is None


@pytest.mark.parametrize(
    ("over", "field", "says"),
    [
        ({"principal": "9" * 23 + ".00"}, "principal", "FAIRCOLLECT_MAX_AMOUNT"),  # was an OverflowError
        ({"start_date": "9999-12-01", "disbursed_on": ""}, "start_date", "outside 1970-01-01"),  # year 10000
        ({"disbursed_on": "9999-01-01"}, "disbursed_on", "outside"),
        ({"borrower_name": "张\x07三"}, "borrower_name", "control character U+0007"),
        ({"borrower_name": "two\nlines"}, "borrower_name", "U+000A"),
        ({"external_ref": "R" * 81}, "external_ref", "at most 80"),
        ({"borrower_language": "xx"}, "borrower_language", "unknown language"),
    ],
    ids=[
        "huge-principal",
        "start-9999",
        "disbursed-9999",
        "control-char",
        "line-break",
        "long-ref",
        "language",
    ],
)
def test_values_the_ledger_cannot_hold_are_refused_naming_row_and_field(
    sessions: sessionmaker[Session], tmp_path: Path, over: dict[str, str], field: str, says: str
) -> None:
    loans = tmp_path / "loans.csv"
    loans.write_text(_csv_text([_row("L1"), _row("L2", **over)]), encoding="utf-8")
    errors = _errors(sessions, loans=loans)
    assert [(r, f) for r, f, _ in errors] == [(2, field)], errors
    assert says in errors[0][2]
    with sessions() as s:
        assert repo.borrower_by_ref(s, "B-L1") is None  # all or nothing


def test_payments_dated_after_today_or_above_the_business_limit_are_refused(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    loans = tmp_path / "loans.csv"
    loans.write_text(_csv_text([_row("L1")]), encoding="utf-8")
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "loan_ref,key,date,amount\nL1,p1,2199-01-01,10.00\nL1,p2,2026-02-01,200000000.00\n"
        "L1,p3,2026-02-01,99999999999999999999999.00\nL1,p\x014,2026-02-01,1.00\nL1,"
        + "k" * 121
        + ",2026-02-01,1.00\n",
        encoding="utf-8",
    )
    errors = sorted(_errors(sessions, loans=loans, payments=payments), key=lambda e: e[0] or 0)
    assert [(r, f) for r, f, _ in errors] == [
        (1, "date"),
        (2, "amount"),
        (3, "amount"),
        (4, "key"),
        (5, "key"),
    ]
    assert "after today" in errors[0][2] and "FAIRCOLLECT_MAX_AMOUNT" in errors[1][2]


def test_disbursements_stand_in_for_principal(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    loans = tmp_path / "loans.csv"
    header = [h for h in HEADER if h != "principal"] + ["disbursements"]
    tranches = '[{"date": "2026-01-01", "amount": "600.00"}, {"date": "2026-02-01", "amount": "400.00"}]'
    row = {k: v for k, v in _row("L1", disbursements=tranches).items() if k != "principal"}
    loans.write_text(_csv_text([row], header), encoding="utf-8")
    with unit_of_work(sessions) as s:
        assert import_files(s, loans=loans).loans_created == 1
    both = tmp_path / "both.csv"
    both.write_text(_csv_text([_row("L2", principal="")], HEADER), encoding="utf-8")
    [(row_n, field, message)] = _errors(sessions, loans=both)
    assert (row_n, field) == (1, "principal") and "disbursements" in message


def test_blank_lines_are_skipped_but_counted_so_rows_match_the_file(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    loans = tmp_path / "loans.csv"
    lines = _csv_text([_row("L1"), _row("L2", principal="-5")]).split("\r\n")
    # header, L1, a blank line, a line of separators only (Excel's empty row), L2: L2 is data row 4 (line 5)
    lines[2:2] = ["", "," * (len(HEADER) - 1)]
    loans.write_text("\r\n".join(lines), encoding="utf-8")
    assert [(r, f) for r, f, _ in _errors(sessions, loans=loans)] == [(4, "principal")]
    good = tmp_path / "good.csv"
    good.write_text("\r\n".join(line for line in lines if "-5" not in line), encoding="utf-8")
    with unit_of_work(sessions) as s:
        assert import_files(s, loans=good).loans_created == 1


def test_a_directory_given_as_a_file_is_refused_naming_it(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "loans.csv"
    folder.mkdir()
    [(row, _field, message)] = _errors(sessions, loans=folder)
    assert row is None and "directory" in message
    result = CliRunner().invoke(app, ["import", "--loans", str(folder), "--database-url", "sqlite://"])
    assert result.exit_code == 1 and "directory" in result.output and "Traceback" not in result.output


def test_penalty_and_fees_columns_import_and_a_penalty_above_the_cap_names_the_penalty(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header = [*HEADER, "penalty_multiple", "penalty_grace_days", "late_fee", "fees"]
    fees = json.dumps([{"name": "svc", "kind": "per_period", "basis": "fixed", "amount": "1.00"}])
    ok = _row("P1", annual_rate="0.19") | {
        "penalty_multiple": "1.2",
        "penalty_grace_days": "3",
        "late_fee": "5.00",
        "fees": fees,
    }
    too_high = _row("P2", annual_rate="0.19") | {"penalty_multiple": "1.5"}  # 28.5 % penalty > 24 %
    path = tmp_path / "loans.csv"
    path.write_text(_csv_text([ok, too_high], header), encoding="utf-8")
    [(row, field, message)] = _errors(sessions, loans=path)
    assert (row, field) == (2, "penalty_multiple") and "penalty" in message
    path.write_text(_csv_text([ok], header), encoding="utf-8")
    with unit_of_work(sessions) as s:
        import_files(s, loans=path)
    with sessions() as s:
        terms = repo.loan_by_ref(s, "P1").terms  # type: ignore[union-attr]
    assert terms["penalty"]["multiple"] == "1.2" and terms["penalty"]["late_fee"] == "5.00"
    assert terms["penalty"]["grace_days"] == 3 and terms["fees"][0]["name"] == "svc"


US_ROW = _row(
    "US-1",
    borrower_name="John Smith",
    borrower_phone="+12125550100",
    borrower_email="john@example.com",
    borrower_timezone="America/New_York",
    borrower_language="en",
    borrower_jurisdiction="US",
    currency="USD",
    annual_rate="0.18",
    jurisdiction="US",
)


def test_borrower_show_gives_jurisdiction_zone_and_language_with_personal_data_masked(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "loans.csv"
    path.write_text(_csv_text([US_ROW, _row("CN-1", jurisdiction="")]), encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "--loans", str(path), "--database-url", db_url])
    assert imported.exit_code == 0, imported.output
    out = runner.invoke(app, ["borrower", "show", "B-US-1", "--format", "json", "--database-url", db_url])
    doc = json.loads(out.output)
    assert (doc["jurisdiction"], doc["timezone"], doc["language"]) == ("US", "America/New_York", "en")
    assert doc["rulebook"].startswith("US ") and doc["default_strategy"] == "us-default"
    assert "Smith" not in out.output and "5550100" not in out.output and "john@" not in out.output
    cn = json.loads(
        runner.invoke(
            app, ["borrower", "show", "B-CN-1", "--format", "json", "--database-url", db_url]
        ).output
    )
    assert cn["jurisdiction"] == "CN"  # the loan's jurisdiction (default CN) when the column is empty


def test_a_us_borrower_imported_from_csv_is_planned_and_gated_under_the_us_rulebook_in_their_own_zone(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: a call/message at 10:00 New York time is 23:00 in Shanghai. Imported as CN it was denied
    ("It is 23:00 for the borrower (Asia/Shanghai)") and planned with the CN strategy."""
    from decimal import Decimal

    # The arm is a hash of a random borrower id; 5 % land in the control group (no contact). Pin the champion.
    from faircollect.collections import plan_core, planner

    champion = lambda strategy, borrower_id: ("champion", Decimal("0.8"))  # noqa: E731
    monkeypatch.setattr(planner, "assign_arm", champion)
    # The batch planner computes the arms once per plan and places each borrower with arm_at.
    monkeypatch.setattr(plan_core, "arm_at", lambda arms, point: ("champion", Decimal("0.8")))
    from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
    from faircollect.messaging.models import OutboxMessage
    from faircollect.messaging.providers.file import FileSink
    from faircollect.messaging.seeds import seed_templates

    with unit_of_work(sessions) as s:
        seed_templates(s)
    path = tmp_path / "loans.csv"
    path.write_text(_csv_text([US_ROW]), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", "--loans", str(path), "--database-url", db_url]).exit_code == 0
    planned = runner.invoke(
        app, ["collections", "plan", "--as-of", "2026-02-02", "--format", "json", "--database-url", db_url]
    )
    summary = json.loads(planned.output)
    assert "us-default" in summary["strategy"] and summary["by_status"] == {"enqueued": 1}, planned.output
    with sessions() as s:
        msg = s.execute(select(OutboxMessage)).scalar_one()
        planned_for = msg.planned_for
    local = planned_for.astimezone(ZoneInfo("America/New_York"))
    assert local.date() == date(2026, 2, 2) and 8 <= local.hour < 21  # the strategy's hour in New York
    assert msg.channel == "email" and msg.language == "en"
    # 10:00 in New York = 23:00 in Shanghai: lawful under the US rulebook in the borrower's own zone.
    ten_am_new_york = datetime(2026, 2, 2, 15, 0, tzinfo=UTC)
    stats = dispatch_until_empty(
        sessions, provider=FileSink(tmp_path / "sent.jsonl"), cfg=DispatchConfig(now=ten_am_new_york)
    )
    assert stats.sent == 1 and stats.blocked == 0, stats


def test_bulk_written_loans_equal_what_the_services_would_store_and_a_rerun_writes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """Each imported loan's ledger entries sum to its replay's postings (the ledger's invariant), a loan repaid in
    full is closed, the audit chain verifies, and importing the same files again adds no row anywhere."""
    from sqlalchemy import func

    from faircollect.compliance.audit import service as audit_service
    from faircollect.compliance.audit.models import AuditRecord
    from faircollect.ledger.booking_core import POSTING_KINDS, replay_loan_detailed
    from faircollect.ledger.import_write import BATCH_ACTION, verify_chunk
    from faircollect.ledger.models import LedgerEntry, Loan, LoanEvent

    loans = tmp_path / "loans.csv"
    loans.write_text(
        _csv_text([_row(f"L{n}", principal=f"{600 + n * 100}.00") for n in range(6)]), encoding="utf-8"
    )
    payments = tmp_path / "payments.csv"
    lines = ["loan_ref,key,date,amount,prepayment"]
    for n in range(6):
        for k in range(1, 4):
            lines.append(f"L{n},p{k},2026-0{k + 1}-0{1 + n % 3},{20 + 10 * n}.00,")
    lines.append(
        "L5,payoff,2026-05-01,2000.00,reduce_term"
    )  # more than the balance: repaid, credit left over
    payments.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def counts() -> tuple[int, ...]:
        with sessions() as s:
            return tuple(
                int(s.execute(select(func.count()).select_from(m)).scalar_one())
                for m in (Loan, LoanEvent, LedgerEntry, AuditRecord)
            )

    with unit_of_work(sessions) as s:
        result = import_files(s, loans=loans, payments=payments)
    assert (result.loans_created, result.payments_posted) == (6, 19)
    with sessions() as s:
        for loan in s.execute(select(Loan)).scalars():
            events = list(repo.events_of(s, loan.id))
            replayed = replay_loan_detailed(loan, events, max(e.date for e in events))
            want: dict[tuple[str, int | None, str], int] = {}
            for p in replayed.postings:
                k = (
                    p.kind,
                    p.number if p.component else None,
                    p.component.value if p.component else "credit",
                )
                want[k] = want.get(k, 0) + p.amount_minor
            got = {k: v for k, v in repo.entry_totals(s, loan.id).items() if k[0] in POSTING_KINDS and v}
            assert got == {k: v for k, v in want.items() if v}, loan.external_ref
            assert loan.status == ("closed" if replayed.state.closed else "active")
        assert repo.loan_by_ref(s, "L5").status == "closed"  # type: ignore[union-attr]
        assert audit_service.verify(s).ok
        # One audit record per chunk (not one per row); its digest matches the stored rows, and not once changed.
        chunks = list(s.execute(select(AuditRecord).where(AuditRecord.action == BATCH_ACTION)).scalars())
        assert len(chunks) == 1 and chunks[0].payload["loans"] == 6 and chunks[0].payload["payments"] == 19
        assert verify_chunk(s, chunks[0].payload)
        entry = s.execute(select(LedgerEntry).where(LedgerEntry.kind == "payment").limit(1)).scalar_one()
        entry.amount_minor += 1
        s.flush()
        assert not verify_chunk(s, chunks[0].payload)
        s.rollback()
    before = counts()
    with unit_of_work(sessions) as s:
        again = import_files(s, loans=loans, payments=payments)
    assert (again.loans_created, again.loans_unchanged, again.payments_posted) == (0, 6, 0)
    assert counts() == before
