"""A neutral mention of the borrower's workplace is not a workplace threat; contacting, telling or visiting it is.

At dc852f5 the bare workplace nouns of the phrase list (你们公司, 你的同事, 你单位, 你领导 …) blocked on their own, so
"你们公司的会计已帮你办好分期。" was blocked as workplace_threat (CN-EMPLOYER). Each NEUTRAL item blocked then and must
not block now; each ACTING item blocks and must still block.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

NEUTRAL = [
    "你们公司的会计已帮你办好分期。",
    "你的同事已帮你还了一部分，剩余500元请于周五前还清。",
    "请在APP中更新你的工作单位信息，以便审核分期申请。",
    "你单位开具的收入证明已收到，分期申请正在审核。",
    "你公司的报销款到账后，请及时还款。",
    "你老板发的工资到账后记得还款，谢谢。",
]

ACTING = [
    "我们会联系你们公司。",
    "你们公司的电话我们已经查到了。",
    "明天我们去你们公司坐坐。",
    "你的同事很快都会知道你欠钱。",
    "我们会给你单位寄一封催款函。",
    "你领导那边我们会去打招呼的。",
    "你老板的微信我们有。",
    "要不要让你的同事们看看你的欠款记录？",
    "再不还，你单位就会收到律师函。",
    "你们公司前台我们明天见。",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text).findings]


@pytest.mark.parametrize("text", NEUTRAL)
def test_a_neutral_mention_of_the_workplace_does_not_block(text: str) -> None:
    assert lint(text).verdict != "block", _why(text)


@pytest.mark.parametrize("text", ACTING)
def test_acting_on_the_workplace_still_blocks(text: str) -> None:
    r = lint(text)
    assert r.verdict == "block", _why(text)
