"""Chinese colloquial threats (fourth session of issue 11): "we know where …", no peace for the household,
relatives pressed to pay, telling the borrower to die, "don't think hiding helps". Hand-written probes from the
issue's list; neither training rows nor sealed items. The second half was written after the rules, as a check.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

BLOCK = [
    "你女儿在哪个幼儿园我们都知道",
    "你们全家都别想过安生日子",
    "叫你哥赶紧替你把钱还了",
    "这点钱都还不起，你还活着干什么",
    # written after the rules
    "你儿子在哪个班我们都一清二楚",
    "你家住哪我们早就摸清了",
    "你一家人都别想过好日子",
    "让你姐帮你把账还了",
    "要你爸替你垫上",
    "这种人怎么不去死",
    "你老婆在哪家医院上班，我们都查到了",
    "欠钱不还，干脆去死吧",
    "別以為躲起來就沒事",
    "你还有脸活着吗",
]

LAWFUL = [
    "如您暂时无法还款，可与我们协商还款计划。",
    "请问您在哪里工作？方便的话请告知以便我们核实信息。",
    "您住哪里不影响还款，请通过APP还款即可。",
    "我们不会让您的家人替您还款。",
    "请您本人处理欠款，无需家人代还。",
    "如需帮助，请联系您的客户经理。",
    "我们了解您的困难，可以为您申请减免部分罚息。",
]


@pytest.mark.parametrize("text", BLOCK)
def test_blocks(text: str) -> None:
    assert lint(text).verdict == "block"


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text)
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


RIGHTS_LAWFUL = [
    ("我行将依法向人民法院提起诉讼，请您于本月底前还清欠款。", "CN"),
    ("如您逾期未还，我司有权依法通过诉讼方式主张债权。", "CN"),
    ("The lender could take legal action against you.", "UK"),
    ("We may take legal action if you do not pay.", "US"),
]
RIGHTS_ABUSIVE = [
    "我们将依法起诉你，让你坐牢",
    "依法起诉你，你全家都别想好过",
    "我们有权起诉你，法院马上来抓你",
]


@pytest.mark.parametrize(("text", "j"), RIGHTS_LAWFUL)
def test_a_statement_of_the_right_to_sue_is_not_blocked_by_the_model(text: str, j: str) -> None:
    assert lint(text, jurisdiction=j).verdict != "block"


@pytest.mark.parametrize("text", RIGHTS_ABUSIVE)
def test_the_rules_still_block_threats_beside_a_statement_of_rights(text: str) -> None:
    assert lint(text).verdict == "block"
