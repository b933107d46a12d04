"""``faircollect lint`` (JSON lines in, JSON lines out) and ``faircollect lint eval``."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from faircollect.compliance.linter import cli as linter_cli


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """faircollect"""

    linter_cli.register(app)
    return app


runner = CliRunner()


def test_lint_reads_jsonl_and_writes_one_result_per_line() -> None:
    lines = [
        {"id": "a", "text": "再不還錢就上門"},
        {"id": "b", "text": "张三欠款5000元", "context": {"recipient_role": "third_party"}},
        {
            "id": "c",
            "text": "【示例金融】您本期应还1,250.00元，请按时还款。回T退订",
            "context": {"channel": "sms"},
        },
        {"id": "d", "text": "我们将于6月3日上门拜访", "context": {"visit_approved": True}},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = runner.invoke(_app(), ["lint", "--jurisdiction", "CN", "--format", "jsonl"], input=stdin)
    assert result.exit_code == 1, result.output  # something was blocked
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert [o["verdict"] for o in out] == ["block", "block", "ok", "warn"]
    visit = next(f for f in out[0]["findings"] if f["category"] == "visit_threat")
    assert visit == {
        "category": "visit_threat",
        "rule": "CN-PROHIBIT-VISIT-THREAT",
        "start": 5,
        "end": 7,
        "excerpt": "上門",
        "explanation": visit["explanation"],
        "explanation_zh": visit["explanation_zh"],
        "severity": "block",
    }
    assert {f["rule"] for f in out[1]["findings"] if f["category"] == "third_party_disclosure"} == {
        "CN-3P-LOST-CONTACT-ONLY"
    }


def test_lint_text_option_and_table_format() -> None:
    result = runner.invoke(_app(), ["lint", "-j", "US", "--format", "table", "--text", "we will arrest you"])
    assert result.exit_code == 1, result.output
    assert "false_legal_claim" in result.stdout and "US-FALSE" in result.stdout


def test_lint_text_with_context_option() -> None:
    args = ["lint", "--text", "张三欠款5000元", "--context", '{"recipient_role":"third_party"}']
    result = runner.invoke(_app(), args)
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["verdict"] == "block"


def test_lint_bad_line_names_the_row_and_field_and_writes_nothing() -> None:
    stdin = '{"id":1,"text":"你好"}\n{"id":2,"text":"x","context":{"recipient_role":"boss"}}\n'
    result = runner.invoke(_app(), ["lint"], input=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "row 2" in result.stderr and "context.recipient_role" in result.stderr


def test_lint_rejects_invalid_json_and_unknown_jurisdiction() -> None:
    bad = runner.invoke(_app(), ["lint"], input="{not json}\n")
    assert bad.exit_code == 2 and "row 1" in bad.stderr
    fr = runner.invoke(_app(), ["lint", "--jurisdiction", "FR", "--text", "x"])
    assert fr.exit_code == 2 and "jurisdiction" in fr.stderr


def test_lint_eval_prints_linter_and_baseline_table() -> None:
    result = runner.invoke(_app(), ["lint", "eval", "--split", "test"])
    assert result.exit_code == 0, result.output
    assert "baseline" in result.stdout and "visit_threat" in result.stdout and "split test" in result.stdout


def test_lint_eval_json_reports_precision_and_recall_per_category() -> None:
    result = runner.invoke(_app(), ["lint", "eval", "--split", "train", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["split"] == "train"
    for system in ("linter", "baseline"):
        cats = data[system]["per_category"]
        assert "impersonation" in cats
        assert 0 <= cats["impersonation"]["precision"] <= 1 and 0 <= cats["impersonation"]["recall"] <= 1
    assert data["linter"]["block"]["recall"] > data["baseline"]["block"]["recall"]


def test_lint_eval_rejects_unknown_split() -> None:
    result = runner.invoke(_app(), ["lint", "eval", "--split", "dev"])
    assert result.exit_code == 2 and "--split" in result.stderr
