"""The CLI and API contracts: ``faircollect gate --format jsonl``, ``rules list|docs``, ``POST /v1/compliance/check``,
``GET /v1/compliance/rules/{jurisdiction}``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from faircollect.cli import app

runner = CliRunner()

LINES = [
    {
        "id": "late-sms",
        "jurisdiction": "CN",
        "channel": "sms",
        "recipient_role": "borrower",
        "at": "2026-03-02T22:30:00+08:00",
        "borrower_timezone": "Asia/Shanghai",
        "history": [],
        "holds": [],
        "opt_outs": [],
        "lost_contact": False,
    },
    {
        "id": "fourth-call",
        "jurisdiction": "CN",
        "channel": "call",
        "recipient_role": "borrower",
        "at": "2026-03-02T15:00:00+08:00",
        "borrower_timezone": "Asia/Shanghai",
        "history": [
            {"channel": "call", "at": f"2026-03-02T0{h}:00:00+08:00", "outcome": "connected"} for h in (8, 9)
        ]
        + [{"channel": "call", "at": "2026-03-02T10:00:00+08:00", "outcome": "connected"}],
        "holds": [],
        "opt_outs": [],
        "lost_contact": False,
    },
    {
        "id": "ok-call",
        "jurisdiction": "US",
        "channel": "call",
        "recipient_role": "borrower",
        "at": "2026-03-02T10:00:00-05:00",
        "borrower_timezone": "America/New_York",
        "history": [],
        "holds": [],
        "opt_outs": [],
        "lost_contact": False,
    },
    {
        "id": "disputed",
        "jurisdiction": "US",
        "channel": "call",
        "recipient_role": "borrower",
        "at": "2026-03-02T10:00:00-05:00",
        "borrower_timezone": "America/New_York",
        "history": [],
        "holds": ["dispute"],
        "opt_outs": [],
        "lost_contact": False,
    },
    {
        "id": "threat",
        "jurisdiction": "CN",
        "channel": "sms",
        "recipient_role": "borrower",
        "at": "2026-03-02T10:00:00+08:00",
        "borrower_timezone": "Asia/Shanghai",
        "history": [],
        "holds": [],
        "opt_outs": [],
        "lost_contact": False,
        "text": "【示例金融】再不还钱就上门找你家人。退订回T",
    },
]


def test_gate_jsonl_cli_decides_each_line() -> None:
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in LINES) + "\n"
    result = runner.invoke(app, ["gate", "--format", "jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    by_id = {o["id"]: o for o in out}
    assert [o["id"] for o in out] == [x["id"] for x in LINES]
    late = by_id["late-sms"]
    assert late["decision"] == "deny" and late["next_allowed_at"] == "2026-03-03T00:00:00Z"
    assert {r["rule"] for r in late["reasons"]} == {"CN-HOURS-22-08", "CN-HOURS-NIFA2018"}
    assert all(r["message"] and r["message_zh"] for r in late["reasons"])
    assert by_id["fourth-call"]["reasons"][0]["rule"] == "CN-FREQ-CONNECTED-3"
    assert by_id["ok-call"]["decision"] == "allow" and "next_allowed_at" not in by_id["ok-call"]
    assert by_id["disputed"]["decision"] == "deny" and "next_allowed_at" not in by_id["disputed"]
    assert [r["rule"] for r in by_id["disputed"]["reasons"]] == ["US-DISPUTE"]
    assert by_id["threat"]["decision"] == "deny" and by_id["threat"]["lint_verdict"] == "block"
    assert by_id["threat"]["findings"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"id": "x1", "channel": "fax", "at": "2026-03-02T10:00:00+08:00"}, "channel"),
        ({"id": "x2", "channel": "sms", "at": "2026-03-02T10:00:00"}, "at"),
        (
            {
                "id": "x3",
                "channel": "sms",
                "at": "2026-03-02T10:00:00+08:00",
                "history": [{"channel": "call"}],
            },
            "history[0].at",
        ),
        (
            {"id": "x4", "channel": "sms", "at": "2026-03-02T10:00:00+08:00", "borrower_timezone": "Mars/X"},
            "borrower_timezone",
        ),
        (
            {"id": "x5", "channel": "sms", "at": "2026-03-02T10:00:00+08:00", "jurisdiction": "XX"},
            "jurisdiction",
        ),
        ({"id": "x6", "channel": "sms", "at": "2026-03-02T10:00:00+08:00", "holds": ["sulking"]}, "holds[0]"),
    ],
)
def test_gate_jsonl_cli_errors_name_the_id_and_field(line: dict[str, object], field: str) -> None:
    good = json.dumps(LINES[2])
    result = runner.invoke(app, ["gate", "--format", "jsonl"], input=json.dumps(line) + "\n" + good + "\n")
    assert result.exit_code == 1
    bad, ok = (json.loads(x) for x in result.stdout.splitlines())
    assert bad["id"] == line["id"] and bad["line"] == 1 and bad["error"]["field"] == field
    assert bad["error"]["message"]
    assert ok["decision"] == "allow"  # later lines are still decided


def test_gate_cli_applies_an_overrides_file(tmp_path: Path) -> None:
    overrides = tmp_path / "lender.yaml"
    overrides.write_text(
        "- rule: CN-FREQ-CONNECTED-3\n  params: {max: 2}\n  reason: board policy\n", encoding="utf-8"
    )
    line = dict(LINES[1], history=LINES[1]["history"][:2])  # type: ignore[index]
    result = runner.invoke(app, ["gate", "--overrides", str(overrides)], input=json.dumps(line) + "\n")
    out = json.loads(result.stdout)
    assert out["decision"] == "deny" and out["rulebook_version"].startswith("2026.11.1+")


def test_rules_list_table_and_json() -> None:
    result = runner.invoke(app, ["rules", "list", "--jurisdiction", "CN", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    ids = [r["id"] for r in data["rules"]]
    assert "CN-HOURS-22-08" in ids and "CN-FREQ-ATTEMPTS-6" in ids
    rule = next(r for r in data["rules"] if r["id"] == "CN-FREQ-CONNECTED-3")
    assert rule["params"]["max"] == 3 and rule["confidence"] == "C" and rule["citation"]
    table = runner.invoke(app, ["rules", "list", "-j", "UK"])
    assert table.exit_code == 0 and "UK-BREATHING-SPACE" in table.stdout


def test_rules_list_refuses_loosening_overrides(tmp_path: Path) -> None:
    overrides = tmp_path / "bad.yaml"
    overrides.write_text(
        "- rule: CN-HOURS-22-08\n  params: {end: '23:00'}\n  reason: more time\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["rules", "list", "--overrides", str(overrides)])
    assert result.exit_code == 2 and "refused" in result.stdout


def test_rules_docs_generates_markdown_matching_the_committed_docs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "docs", "--out", str(tmp_path)])
    assert result.exit_code == 0
    cn = (tmp_path / "cn.md").read_text(encoding="utf-8")
    assert "## CN-HOURS-22-08" in cn and "22:00" in cn and "tighten only" in cn
    committed = Path(__file__).resolve().parents[2] / "docs" / "rulebooks"
    for name in ("cn.md", "us.md", "uk.md", "README.md"):
        assert (committed / name).read_text(encoding="utf-8") == (tmp_path / name).read_text(
            encoding="utf-8"
        ), f"docs/rulebooks/{name} is stale: run `faircollect rules docs`"


@pytest.fixture
def client(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from faircollect.api.app import create_app
    from faircollect.config import get_settings
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    monkeypatch.setenv("FAIRCOLLECT_API_KEYS", "k-test=cco:compliance_officer")
    get_settings.cache_clear()
    return TestClient(create_app(database_url=sqlite_url))


def test_api_check_has_the_cli_shapes_and_is_audited(client: TestClient, sqlite_url: str) -> None:
    r = client.post("/v1/compliance/check", json=LINES[0], headers={"X-API-Key": "k-test"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == "late-sms" and body["decision"] == "deny"
    assert body["next_allowed_at"] in ("2026-03-03T00:00:00Z", "2026-03-03T00:00:00+00:00")
    assert {x["rule"] for x in body["reasons"]} == {"CN-HOURS-22-08", "CN-HOURS-NIFA2018"}
    ok = client.post("/v1/compliance/check", json=LINES[2], headers={"X-API-Key": "k-test"}).json()
    assert ok["decision"] == "allow" and "next_allowed_at" not in ok
    from sqlalchemy import select

    from faircollect.compliance.audit.models import AuditRecord
    from faircollect.db import make_engine, session_factory

    with session_factory(make_engine(sqlite_url))() as s:
        recs = s.execute(select(AuditRecord).where(AuditRecord.action == "gate.check")).scalars().all()
    assert [r.payload["decision"] for r in recs] == ["deny", "allow"]


def test_api_check_requires_a_key_and_names_bad_fields(client: TestClient) -> None:
    assert client.post("/v1/compliance/check", json=LINES[0]).status_code == 401
    bad = dict(LINES[0], at="2026-03-02T22:30:00")
    r = client.post("/v1/compliance/check", json=bad, headers={"X-API-Key": "k-test"})
    assert r.status_code == 422 and "at" in r.text
    r = client.post(
        "/v1/compliance/check",
        json=dict(LINES[0], borrower_timezone="Mars/X"),
        headers={"X-API-Key": "k-test"},
    )
    assert r.status_code == 422 and r.json()["field"] == "borrower_timezone"


def test_api_rules(client: TestClient) -> None:
    r = client.get("/v1/compliance/rules/us", headers={"X-API-Key": "k-test"})
    assert r.status_code == 200 and r.json()["jurisdiction"] == "US"
    assert any(x["id"] == "US-CALL-FREQ" for x in r.json()["rules"])
    assert client.get("/v1/compliance/rules/XX", headers={"X-API-Key": "k-test"}).status_code == 404


def test_rules_override_cli_stores_tightening_and_refuses_loosening(sqlite_url: str) -> None:
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    ok = runner.invoke(
        app,
        [
            "rules",
            "override",
            "--rule",
            "CN-FREQ-CONNECTED-3",
            "--set",
            "max=2",
            "--reason",
            "board policy",
            "--actor",
            "cco",
            "--database-url",
            sqlite_url,
        ],
    )
    assert ok.exit_code == 0, ok.stdout
    assert "tighten" in ok.stdout
    bad = runner.invoke(
        app,
        [
            "rules",
            "override",
            "--rule",
            "CN-HOURS-22-08",
            "--set",
            "end=23:00",
            "--reason",
            "more time",
            "--actor",
            "ops",
            "--database-url",
            sqlite_url,
        ],
    )
    assert bad.exit_code == 2 and "refused" in bad.stdout
    listed = runner.invoke(
        app, ["rules", "list", "-j", "CN", "--format", "json", "--stored", "--database-url", sqlite_url]
    )
    data = json.loads(listed.stdout)
    assert next(r for r in data["rules"] if r["id"] == "CN-FREQ-CONNECTED-3")["params"]["max"] == 2
    assert [o["reason"] for o in data["overrides"]] == ["board policy"]


def test_api_overrides(client: TestClient) -> None:
    h = {"X-API-Key": "k-test"}
    r = client.post(
        "/v1/compliance/rules/CN/overrides",
        json={"rule": "CN-FREQ-ATTEMPTS-6", "params": {"max": 4}, "reason": "fewer dials"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["direction"] == "tighten" and r.json()["rulebook_version"].startswith("2026.11.1+")
    refused = client.post(
        "/v1/compliance/rules/CN/overrides",
        json={"rule": "CN-WHO-ALLOWED", "params": {"roles": ["borrower", "third_party"]}, "reason": "x"},
        headers=h,
    )
    assert refused.status_code == 422 and "refused" in refused.json()["message"]
    rules = client.get("/v1/compliance/rules/CN", headers=h).json()
    assert next(x for x in rules["rules"] if x["id"] == "CN-FREQ-ATTEMPTS-6")["params"]["max"] == 4
    assert len(rules["overrides"]) == 1
