"""The live linter's answer: spans in the original text, zh + en, the rule cited, and a block cannot be sent."""

from __future__ import annotations

from faircollect.console.live_lint import live_lint


def test_a_threat_is_highlighted_with_its_rule_and_cannot_be_sent() -> None:
    text = "您好，请今天还款。再不还钱就上门找你家人"
    out = live_lint(text)
    assert out["verdict"] == "block" and out["can_send"] is False
    block = [f for f in out["findings"] if f["severity"] == "block"]
    assert block
    f = block[0]
    assert text[f["start"] : f["end"]] == f["excerpt"]
    assert f["explanation_zh"] and f["explanation_en"] and f["rule"].startswith("CN-")
    assert f["citation"] and f["title_zh"]


def test_a_clean_draft_can_be_sent_and_an_empty_one_cannot() -> None:
    ok = live_lint("【示例消费金融】您好，您本期应还¥1,234.56，请通过官方App还款。回T退订")
    assert ok["verdict"] == "ok" and ok["can_send"] is True
    assert live_lint("   ")["can_send"] is False
