"""What a new user meets in the first hour: --version, a missing schema, verify, listings, cost, the demo's seed."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from faircollect import __version__
from faircollect.api.app import create_app
from faircollect.cli import app
from faircollect.config import Settings

runner = CliRunner()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console script in a fresh interpreter (only the modules a command imports are loaded)."""
    return subprocess.run(
        [sys.executable, "-c", "from faircollect.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_version_prints_the_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"faircollect {__version__}"


@pytest.mark.parametrize(
    "command",
    [
        ["collections", "cases"],
        ["collections", "plan", "--as-of", "2026-06-01"],
        ["loan", "show", "LN-1"],
        ["templates", "list"],
        ["verify", "7K3M9QXA"],
    ],
)
def test_a_database_without_the_schema_names_db_upgrade_not_a_traceback(
    command: list[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = runner.invoke(app, [*command, "--database-url", url])
    assert result.exit_code == 2, result.output
    assert "faircollect db upgrade --database-url " + url in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("nonsense://x", "is not a database URL faircollect can use"),
        ("not a url at all", "the URL given is not a database URL"),
        (
            "sqlite:////nonexistent-folder/x.sqlite3",
            "cannot open the database at sqlite:////nonexistent-folder",
        ),
        (
            "postgresql+psycopg://someone:secret@127.0.0.1:1/x",
            "cannot open the database at postgresql+psycopg://",
        ),
    ],
    ids=["unknown-dialect", "unparsable", "sqlite-folder-missing", "server-unreachable"],
)
def test_a_database_url_that_cannot_be_used_is_one_line_not_a_traceback(
    url: str, says: str, tmp_path: Path
) -> None:
    loans = tmp_path / "loans.csv"
    loans.write_text(
        "external_ref,borrower_ref,borrower_name,principal,start_date,annual_rate,method,term\n"
        "L1,B1,x,1000.00,2026-01-01,0.12,equal_instalment,12\n"
    )
    for command in (
        ["import", "--loans", str(loans)],
        ["collections", "cases"],
        ["age", "--as-of", "2026-06-01"],
    ):
        result = runner.invoke(app, [*command, "--database-url", url])
        assert result.exit_code == 2, (command, result.output)
        assert says in result.output and "Traceback" not in result.output, (command, result.output)
        assert "secret" not in result.output  # the password is never printed


def _empty_database_answers(url: str) -> None:
    api = create_app(Settings(api_keys="k=ops:admin"), database_url=url)
    with TestClient(api) as client:
        r = client.get("/v1/loans/LN-1", headers={"X-API-Key": "k"})
    api.state.engine.dispose()
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["error"] == "SchemaMissing" and "faircollect db upgrade" in body["message"]
    assert "127.0.0.1" not in body["message"]  # the server's URL stays on the server


def test_the_api_answers_a_missing_schema_with_a_clear_503_on_sqlite(tmp_path: Path) -> None:
    _empty_database_answers(f"sqlite:///{tmp_path / 'empty.sqlite3'}")


@pytest.mark.postgres
def test_the_api_answers_a_missing_schema_with_a_clear_503_on_postgres(pg_server_url: str) -> None:
    import uuid

    from sqlalchemy import text

    from faircollect.db import make_engine

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(pg_server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in pg_server_url else "?"
        _empty_database_answers(f"{pg_server_url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_rules_list_fits_80_columns_with_whole_ids_and_citations() -> None:
    from faircollect.compliance.rulebook import load_rulebook

    result = runner.invoke(app, ["rules", "list", "--jurisdiction", "US"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for rule in load_rulebook("US").rules:
        assert re.search(rf"│ {re.escape(rule.id)}\s", result.output), rule.id  # on one line, never cut
    assert result.output.count("cite: ") == len(load_rulebook("US").rules)


def test_rules_list_as_csv_and_json_carry_every_rule_and_its_citation() -> None:
    from faircollect.compliance.rulebook import load_rulebook

    rules = load_rulebook("CN").rules
    out = runner.invoke(app, ["rules", "list", "-j", "CN", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [r.id for r in rules]
    assert all(r["citation"] for r in rows)
    doc = json.loads(runner.invoke(app, ["rules", "list", "-j", "CN", "--format", "json"]).output)
    assert len(doc["rules"]) == len(rules)


def test_cost_accepts_the_terms_frequency_names_and_requires_unit_period(tmp_path: Path) -> None:
    flows: dict[str, object] = {
        "advances": [{"date": "1978-01-10", "amount": "5000.00"}],
        "payments": [
            {"date": f"{1978 + (m // 12)}-{m % 12 + 1:02d}-10", "amount": "230.00"} for m in range(1, 25)
        ],
    }
    path = tmp_path / "flows.json"
    path.write_text(json.dumps(flows))
    missing = runner.invoke(app, ["cost", "--cashflows", str(path), "--format", "json"])
    assert missing.exit_code != 0 and "unit_period" in missing.output
    aprs = []
    for unit in ("month", "monthly", "every_n_months:1"):
        path.write_text(json.dumps({**flows, "unit_period": unit}))
        ok = runner.invoke(app, ["cost", "--cashflows", str(path), "--format", "json"])
        assert ok.exit_code == 0, ok.output
        aprs.append(json.loads(ok.output)["apr_regz_percent"])
    assert aprs == ["9.69"] * 3  # Regulation Z Appendix J example
    path.write_text(json.dumps({**flows, "unit_period": "fortnight"}))
    bad = runner.invoke(app, ["cost", "--cashflows", str(path), "--format", "json"])
    assert bad.exit_code != 0 and "unit_period" in bad.output


def test_replaying_a_payment_dated_before_the_loan_starts_is_refused(tmp_path: Path) -> None:
    doc = {
        "terms": {
            "principal": "1200.00",
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 6,
            "start_date": "2026-01-15",
        },
        "events": [{"type": "payment", "key": "early", "date": "2026-01-10", "amount": "100.00"}],
    }
    path = tmp_path / "e.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(app, ["loan", "replay", "--events", str(path), "--as-of", "2026-03-01"])
    assert result.exit_code != 0
    assert "'early'" in result.output and "before the loan starts on 2026-01-15" in result.output


def test_verify_in_a_fresh_process_answers_instead_of_crashing(tmp_path: Path) -> None:
    """The console script imports only the messaging models; a write during verification (once the failed-proof
    count, now the audit record of a failed look-up) used to raise NoReferencedTableError (outbox_message →
    borrower)."""
    from datetime import UTC, datetime, timedelta

    from faircollect.compliance.gate import Decision
    from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
    from faircollect.ledger import service as ledger_service
    from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
    from faircollect.messaging.models import OutboxMessage
    from faircollect.messaging.outbox import enqueue
    from faircollect.messaging.providers.file import FileSink

    noon = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    url = f"sqlite:///{tmp_path / 'v.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    sq = session_factory(engine)
    with unit_of_work(sq) as s:
        bid = ledger_service.create_borrower(s, name="张三", phone="13800138000", timezone="Asia/Shanghai").id
    with unit_of_work(sq) as s:
        mid = enqueue(
            s,
            borrower_id=bid,
            loan_id=None,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address="13800138000",
            body="【示例金融】张三您好，请按时还款。核验码[[VCODE]]。回T退订",
            template_key="reminder",
            planned_for=noon - timedelta(minutes=1),
            decision=Decision(allowed=True),
            actor="test",
        )
    dispatch_until_empty(sq, provider=FileSink(tmp_path / "sent.jsonl"), cfg=DispatchConfig(now=noon))
    with sq() as s:
        msg = s.get(OutboxMessage, mid)
        assert msg is not None and msg.sent_at is not None
        code = msg.verification_code
    engine.dispose()
    right = _cli("verify", code, "--database-url", url, "--format", "json", cwd=tmp_path)
    assert right.returncode == 0, right.stderr
    answer = json.loads(right.stdout)
    assert answer["genuine"] is True and "body" not in answer and "张三" not in right.stdout
    wrong = _cli("verify", "ZZZZZZZZ", "--database-url", url, "--format", "json", cwd=tmp_path)
    assert wrong.returncode == 1, wrong.stderr
    assert json.loads(wrong.stdout)["genuine"] is False


def _demo_output(tmp_path: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    args = ["demo", "--database-url", url, "--loans", "24", "--months", "2", "--days", "2", "--seed", "5"]
    result = runner.invoke(app, [*args, "--no-nightly"], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = result.output.split("check it yourself")[0]  # the last line names the database file
    # Verification codes stay random on purpose (a guessable code would let anyone fake a message).
    out = re.sub(r"│ [0-9A-Z]{8}\s+│", "│ CODE │", out)
    # Signed checkpoints are also taken by age (every T seconds of wall clock), so their number — and the audit
    # records they add — depend on how fast the machine ran, not on the seed.
    return re.sub(r"audit log: [^\n]*", lambda m: re.sub(r"\d+", "N", m.group()), out)


def test_the_demo_gives_the_same_numbers_for_the_same_seed_whatever_the_wall_clock(tmp_path: Path) -> None:
    from freezegun import freeze_time

    first = _demo_output(tmp_path, "a.sqlite3")
    with freeze_time("2031-07-15 23:30:00", tick=True):
        second = _demo_output(tmp_path, "b.sqlite3")
    assert first == second


@pytest.mark.parametrize(
    "command",
    [
        ["import", "--loans", "loans.csv", "--format", "yaml"],
        ["import", "--loans", "loans.csv", "--workers", "-1"],
        ["age", "--as-of", "2026-06-01", "--format", "yaml"],
        ["borrower", "show", "B1", "--format", "xml"],
        ["loan", "show", "L1", "--format", "yaml"],
        ["audit", "verify", "--format", "yaml"],
    ],
)
def test_an_option_value_the_help_does_not_list_is_refused_before_any_work(
    command: list[str], tmp_path: Path
) -> None:
    # `--format yaml` printed a table and exited 0; the help says "table or json".
    result = runner.invoke(app, [*command, "--database-url", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    assert result.exit_code == 2 and "Invalid value for '--" in result.output, result.output
    assert not (tmp_path / "db.sqlite3").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["schedule", "--terms"],
        ["cost", "--cashflows"],
        ["loan", "replay", "--as-of", "2026-05-01", "--events"],
        ["gate", "--input"],
        ["rules", "list", "--overrides"],
        ["collections", "strategy"],
    ],
)
@pytest.mark.parametrize("kind", ["binary", "directory"])
def test_a_file_argument_that_is_binary_or_a_directory_is_named_not_a_traceback(
    command: list[str], kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "input.json"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(bytes(range(200, 256)) * 4)
    result = runner.invoke(app, [*command, str(path)])
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if command[0] == "gate" and kind == "binary":
        return  # the gate answers each unreadable line in its JSON-lines contract (GATE-TEXT-UNREADABLE), exit 1
    assert "input.json" in " ".join(result.output.split()).replace(" ", ""), result.output
