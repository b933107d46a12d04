"""Never fail open on encodings: UTF-8 or GBK/GB18030 give the same verdicts; anything else is refused (lint) or
denied (gate), with the line named."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.compliance.linter.decoding import decode_bytes, unreadable
from faircollect.kit.errors import ValidationError

runner = CliRunner()

THREATS = [
    "明天去你家找你，后果自负",
    "再不還錢就上門",
    "你欠的钱今天必须还，不然打断你的腿",
    "【示例金融】您本期应还1,250.00元，请按时还款。回T退订",
]
GATE_LINE = {
    "jurisdiction": "CN",
    "channel": "sms",
    "recipient_role": "borrower",
    "at": "2026-03-02T10:00:00+08:00",
    "borrower_timezone": "Asia/Shanghai",
    "history": [],
    "holds": [],
    "opt_outs": [],
    "lost_contact": False,
}


def _jsonl(texts: list[str]) -> str:
    return "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))


def _gate_jsonl(texts: list[str]) -> str:
    return "".join(
        json.dumps({**GATE_LINE, "id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)
    )


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_lint_gives_gbk_input_the_verdicts_of_utf8(encoding: str) -> None:
    stdin = _jsonl(THREATS)
    utf8 = runner.invoke(app, ["lint", "--no-fail-on-block"], input=stdin.encode("utf-8"))
    other = runner.invoke(app, ["lint", "--no-fail-on-block"], input=stdin.encode(encoding))
    assert utf8.exit_code == 0 and other.exit_code == 0, other.output
    assert utf8.stdout == other.stdout
    assert [json.loads(x)["verdict"] for x in utf8.stdout.splitlines()] == ["block", "block", "block", "ok"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gate_gives_gbk_input_the_decisions_of_utf8(encoding: str) -> None:
    stdin = _gate_jsonl(THREATS)
    utf8 = runner.invoke(app, ["gate"], input=stdin.encode("utf-8"))
    other = runner.invoke(app, ["gate"], input=stdin.encode(encoding))
    assert utf8.stdout == other.stdout
    decisions = [json.loads(x)["decision"] for x in other.stdout.splitlines()]
    assert decisions == ["deny", "deny", "deny", "allow"]


def test_lint_refuses_big5_and_names_the_line() -> None:
    stdin = _jsonl(["您好"]).encode("utf-8") + _jsonl(["再不還錢就上門"]).encode("big5")
    result = runner.invoke(app, ["lint"], input=stdin)
    assert result.exit_code == 2 and result.stdout == ""
    assert "row 2" in result.stderr and "UTF-8" in result.stderr


def test_gate_denies_a_line_it_cannot_read_and_decides_the_others() -> None:
    good = _gate_jsonl(["【示例金融】您本期应还1,250.00元，请按时还款。回T退订"]).encode("utf-8")
    bad = _gate_jsonl(["再不還錢就上門"]).encode("big5")
    result = runner.invoke(app, ["gate"], input=good + bad)
    assert result.exit_code == 1
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["decision"] == "allow"
    assert second["decision"] == "deny" and second["line"] == 2
    assert second["reasons"][0]["rule"] == "GATE-TEXT-UNREADABLE"


def test_gate_denies_text_with_replacement_characters() -> None:
    result = runner.invoke(app, ["gate"], input=_gate_jsonl(["再不还钱就\ufffd\ufffd"]))
    line = json.loads(result.stdout)
    assert line["decision"] == "deny"
    assert "GATE-TEXT-UNREADABLE" in [r["rule"] for r in line["reasons"]]


def test_lint_exit_code_says_whether_anything_blocked() -> None:
    blocked = runner.invoke(app, ["lint", "--text", "再不还钱就上门"])
    assert blocked.exit_code == 1 and json.loads(blocked.stdout)["verdict"] == "block"
    lawful = runner.invoke(app, ["lint", "--text", "【示例金融】您本期应还1,250.00元，请按时还款。"])
    assert lawful.exit_code == 0
    off = runner.invoke(app, ["lint", "--no-fail-on-block", "--text", "再不还钱就上门"])
    assert off.exit_code == 0


@given(st.text(max_size=40))
def test_any_text_round_trips_through_utf8_and_is_readable_unless_it_holds_surrogates(text: str) -> None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        assert unreadable(text) is not None
        return
    assert decode_bytes(data) == (text.removeprefix("\ufeff"), "utf-8") or text.startswith("\ufeff")


@given(st.binary(min_size=1, max_size=60))
def test_random_bytes_are_decoded_strictly_or_refused(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except ValidationError as exc:
        assert exc.row is not None and exc.row >= 1
        return
    assert text.encode(encoding) == data.removeprefix(b"\xef\xbb\xbf")
