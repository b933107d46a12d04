"""Real Chinese SMS templates and their artefacts, fixed by family (2026-12-05, tmplzh).

Bank, lender and platform servicing texts carry artefacts that say nothing of what the message says: placeholders
(XX, xx, ××, ***, 某某, {name}, ${amount}, [姓名], #金额#), a signature 【…】 at either end, an unsubscribe tail (回T退订,
退订回TD, 拒收请回复R), short links, masked numbers (尾号1234, 138****5678). Three families blocked on main at 43898ab:

* a plain statement of the reader's own debt (您的欠款1,200元。, 您欠款…, 你欠xx元, 您的贷款余额…, 您的欠款还有…未还清,
  您的欠款已全部还清): the model blocked on 的欠款, 的欠, 你的欠 (one word's n-grams), 贷款, 还有, and on the 't' of
  回T退订 and the 'xx' of a placeholder. The model now reads a Chinese text with its placeholders, unsubscribe tail and
  links blanked (``engine._template_artefacts``, as masked names are), and the statement is a lawful formula
  (``engine._LAWFUL_FORMULA_CN``): the block stands only if what is left blocks without it;
* the reader's own loan named by where it was taken (您在XX平台借款1,200元已逾期, 您的银行贷款本期应还…, 您的网贷平台借款…
  已逾期) and the lender's post-loan desk (转交XX平台贷后管理部门): the inducement phrases (平台借, 银行贷款: borrow
  elsewhere to pay) read them as a verb phrase (``paraphrases.CN_OWN_LOAN``);
* the amount due this period (您的贷款本期应还…), a sender's Latin name in its signature (【XX Pay】: its Latin words
  are blanked for the model too), the statement as a sentence of a letter, and in traditional characters.

Every LAWFUL line blocked on main except those marked. The STILL_BLOCK lines are the same templates carrying a
threat of the sender's own (爆通讯录, 上门, 起诉 as a fact, insults, 通知你家人/单位, borrowing elsewhere, and threats only
the model reads): the artefacts blanked and the statement excused do not launder them.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint
from faircollect.compliance.linter.engine import _template_artefacts
from faircollect.compliance.linter.normalise import normalise

# the reader's own debt stated, its amount as the template writes it
DEBT_STATED = [
    "您的欠款1,200元。",
    "【XX银行】您的欠款1,200元。回T退订",
    "您的欠款RMB 1,200.00。退订回TD【招商银行】",
    "【××银行】您的欠款${amount}元。回T退订",
    "某某，您的欠款RMB 1,200.00。退订回T【XX平台】",
    "【XX贷】××，您的欠款12,345.67元。回T退订",
    "【XX平台】张**，您的欠款${amount}元。退订回T",
    "{name}，您的欠款{amount}元。回T退订【XX贷】",
    "您欠款1,200元。【XX贷】退订回T",
    "【***银行】您欠款￥3,456.78。退订回T",
    "张**，你欠xx元。【某某银行】退订回T",
    "#姓名#，你欠XX元。【某某银行】退订回T",
    "【××银行】截至2026-12-10，您的欠款余额为xx元。回T退订",
    "您的贷款余额1,200.00元。回T退订【XX平台】",
    "【招商银行】您的贷款余额xx元。回T退订",
    "您的欠款还有XX元未还清。【××银行】回T退订",
    "【某某银行】您的欠款还有￥3,456.78未还清。回T退订",
    # the amount in 人民币, in capital numerals, in 万
    "您的欠款人民币1,200元。",
    "您的欠款壹仟贰佰元整。",
    "【XX银行】您的贷款余额人民币1.2万元。回T退订",
    # warned, not blocked, on main: kept as frames of the family
    "【某某银行】截至#日期#，您的欠款余额为RMB1,200。",
    "【某某银行】您名下欠款{amount}元待还。回T退订",
    "【XX银行】你还欠××元没还。退订回T",
    "【某某银行】您尚欠RMB1,200未还。回T退订",
]

# … with its due date, a request to deal with it, a number to call, or paid off
DEBT_DUE_OR_PAID = [
    "【XX贷】您的欠款RMB1,200将于明日到期。退订回T",
    "您的欠款xx元明天到期。【XX平台】退订回T",
    "您的欠款12,345.67元请尽快处理。回T退订【XX贷】",
    "【XX贷】你的欠款xx元，请今日处理。回T退订",
    "【XX平台】您的欠款1,200.00元，请回电138****5678。退订回T",
    "【***银行】您的欠款XX元，请回电400-XXX-XXXX。退订回T",
    "您欠{platform}××元，请于#日期#前还清。【＊＊银行】回T退订",
    "【xx银行】您的欠款已全部还清，感谢！回T退订",
    "您的欠款已全部还清，感谢！退订回T【***银行】",
    # warned, not blocked, on main
    "{name}先生，您的欠款{amount}元，请核对。回T退订【XX贷】",
    "您在xx贷的欠款已结清。退订回T【xx银行】",
]

# the reader's own loan named by its source, and the post-loan desk (rules: induce_borrowing)
OWN_LOAN = [
    "【XX消费金融】您在XX平台借款1,200元已逾期，请尽快还款。回T退订",
    "【XX银行】您的银行贷款本期应还1,200元，请按时还款。",
    "您在xx贷平台借款{amount}元将于12/10到期，请按时还款。【xx银行】",
    "【XX银行】[姓名]您好，您的网贷平台借款RMB1,200已逾期，逾期将影响征信。拒收请回复R",
    "【还款提醒】您在XX平台贷款RMB1,200，本期应还RMB1,200，请于12/10前还款。【招商银行】",
    "【***银行】尊敬的[姓名]，您的逾期账户已转交XX平台贷后管理部门处理，欠款¥1,200.00，请尽快联系138****5678协商还款。",
]

# the amount due this period, and a sender's Latin name in its signature (【XX Pay】: the model read 'pay' as a threat's)
DUE_THIS_PERIOD = [
    "【Wecash】您的贷款本期应还￥3,456.78。【XX贷】回TD退订",
    "【XX银行】您的贷款本期应还1,200元。回T退订",
    "【xx银行】【XX Pay】您的贷款本期应还{amount}元。回T退订",
    "【XX Pay】您本期应还1,200元。",  # warned, not blocked, on main
]

# the same in traditional characters (the tail 回T退訂, 拒收請回覆R)
TRADITIONAL = [
    "【XX銀行】您的欠款1,200元。回T退訂",
    "您的貸款餘額1,200.00元。回T退訂【XX平台】",
    "【XX銀行】您在XX平台借款1,200元已逾期，請盡快還款。拒收請回覆R",
]

LETTER = [
    "XX先生/女士：\n您的欠款RMB1,200。您的借款RMB1,200已于2026年12月10日到期。本期应还RMB1,200尚未还清。\n如有疑问，请拨打"
    "客服热线4008-xxx-xxx，或登录t.cn/xxxx查询。\n感谢您的配合！【XX平台】退订回TD",
]

STILL_BLOCK = [
    # rules
    "【XX银行】您的欠款1,200元，今天不还就爆你通讯录。回T退订",
    "【xx贷】{name}，您的欠款${amount}元，明天我们上门找你。退订回T",
    "【XX银行】您欠款1,200元已逾期，我们已经起诉你了，等着坐牢吧。回T退订",
    "【XX银行】您的欠款1,200元。你这个老赖，人渣。回T退订",
    "【××银行】尊敬的XX，您尾号1234的借款已逾期，今天不还就通知你家人和单位。拒收请回复R",
    "【某某金融】#姓名#，你欠#金额#元，再不还我们就联系你单位领导。回TD退订",
    "【XX银行】您的欠款1,200元，不还就把你的欠款信息发到 https://t.cn/A6xYz9Q 让所有人看。回T退订",
    "【XX银行】截至12月10日，您的欠款余额为1,200元，再不还款我们会派人去你老家。回T退订",
    "【XX银行】您的欠款已全部还清？你等着，我们明天上门。回T退订",
    "【XX银行】[姓名]您好，您的欠款1,200元，三天内不还，你的孩子在学校也会知道。退订回T",
    "【XX贷】尊敬的xx，您的欠款1,200元，你这个废物，赶紧还钱。回T退订",
    # borrowing elsewhere beside the reader's own loan
    "【XX平台】您在XX平台借款1,200元已逾期，实在不行去别的平台借款还我们。回T退订",
    "【XX平台】您的欠款xx元，你在平台借款1万还我们。回T退订",
    "你在网上借款1万元还清",
    "你在平台借款xx元还我们",
    "实在不行去银行贷款还钱",
    # only the model reads these: the statement excused and the artefacts blanked, what is left still blocks
    "【XX银行】您的欠款1,200元。不还钱就给你死。回T退订",
    "您的欠款{amount}元，你手机里存的那些号码，我们已经开始打了。回T退订【XX平台】",
    "【XX贷】你欠XX元，你就不怕你爸妈因为你气出病来？退订回T",
    "【XX贷】您的欠款¥1,200.00，再不还钱，明天全公司都会收到你的照片！退订回T",
    "【XX银行】您的贷款余额1,200元，你的微信群我们都会发一遍。回T退订",
    "【XX銀行】您的欠款1,200元。不還錢就給你死。回T退訂",
    "【XX Pay】您的贷款本期应还1,200元，不还钱就给你死。回T退订",
    "【XX Pay】pay now or we come to your house. 回T退订",
    "您的欠款人民币1,200元，人民法院明天就来抓你。",
    "您的欠款壹仟贰佰元整，不还钱就给你死。",
    "你欠人民币1,200元，你这个人渣。",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text, jurisdiction="CN").findings]


@pytest.mark.parametrize(
    "text", [*DEBT_STATED, *DEBT_DUE_OR_PAID, *OWN_LOAN, *DUE_THIS_PERIOD, *TRADITIONAL, *LETTER]
)
def test_lawful_template_does_not_block(text: str) -> None:
    assert lint(text, jurisdiction="CN").verdict != "block", _why(text)


@pytest.mark.parametrize("text", STILL_BLOCK)
def test_template_carrying_a_threat_still_blocks(text: str) -> None:
    assert lint(text, jurisdiction="CN").verdict == "block", _why(text)


@pytest.mark.parametrize(
    ("text", "artefacts"),
    [
        (
            "【XX银行】尊敬的{name}，您尾号XXXX的欠款${amount}元，详情 https://t.cn/A6xYz9Q 回T退订",
            ["XX", "{name}", "XXXX", "${amount}", "https://t.cn/A6xYz9Q", "回T退订"],
        ),
        (
            "[姓名]您好，您的欠款#金额#元，{{date}}前还款。退订回TD",
            ["[姓名]", "#金额#", "{{date}}", "退订回TD"],
        ),
        (
            "拒收请回复R，退订请回复T，回复TD退订，客服400-xxx-xxxx",
            ["拒收请回复R", "退订请回复T", "回复TD退订", "xxx", "xxxx"],
        ),
        ("登录dwz.cn/k3Jd8或www.xx.com/a查询", ["dwz.cn/k3Jd8", "www.xx.com/a"]),
        ("【XX銀行】您的欠款1,200元。拒收請回覆R", ["XX", "拒收請回覆R"]),
        # a signature's Latin words, at either end (before or after the tail), not 【…】 inside the text
        ("【XX Pay】您的欠款1,200元。退订回T【Home Credit】", ["XX", "Pay", "退订回T", "Home", "Credit"]),
        ("您的欠款1,200元【pay now】，请还款。", []),
        # left as they are: Chinese and mark placeholders, masked digits, a word with an x in it
        ("【某某银行】张某，您尾号1234的欠款××元，电话138****5678，Max的xxl号", []),
    ],
)
def test_template_artefacts_found(text: str, artefacts: list[str]) -> None:
    assert [text[a:b] for a, b in _template_artefacts(normalise(text))] == artefacts


def test_english_text_has_no_template_artefacts() -> None:
    # only a text with Chinese in it: the English model reads its own placeholders as it did
    assert _template_artefacts(normalise("Dear XX, call [PHONE] or visit https://t.co/x")) == []
