"""Lawful Chinese servicing language the linter blocked on main at 043f270, fixed by family (2026-12-05, linzh).

Each family is several frames of one kind of lawful text: a hardship reply naming the reader's mother (您妈妈的住院费用:
the curse 妈的 was read inside 妈妈的; ``paraphrases.CN_ALLOW``), a notice telling the reader to report a collector's
insults (如有催收人员骂您老赖、人渣，请拨打投诉电话: an insult was covered by a frame only as a verdict word;
``reported._cn_abuse_reported``), advice on a collector met (遇到/碰到催收人员…，请报警/投诉: only 如果催收人员 was a
frame; ``reported._CN_COLLECTOR_IF``), and a bank's reminder asking the reader to pay the reader's own debt off today
(您的欠款1,200元请今天还清: the model read it as deceptive, shaming or an inducement to borrow;
``engine._LAWFUL_FORMULA_CN``). On main 18 of the 21 LAWFUL lines blocked (not 如遇催收人员威胁上门… and the two
deadline frames marked below). The STILL_BLOCK lines are the same words said by the sender, or beside a demand, an
insult or a threat of the sender's own: the frames do not launder them.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

MOTHER = [
    "我们理解您妈妈的住院费用压力，可以为您申请延期还款。",
    "您好，您妈妈的手术费用我们已了解，本期可申请分期。",
    "您妈妈的医保报销到账后，再安排还款也可以。",
    "关于您妈妈的病情，我们深表关切，本月暂停催收。",
    "您提到的妈妈的护理费用，可作为困难证明材料提交。",
]

ABUSE_REPORTED = [
    "如有催收人员骂您老赖、人渣，请拨打投诉电话12378。",
    "凡是骂你废物、畜生的，都是违规催收，请投诉。",
    "催收人员不得辱骂债务人，如骂您混蛋、王八蛋，可向银保监会投诉。",
    "如果催收员辱骂您是骗子或威胁上门，您可以向监管部门举报。",
    "如果催收人员骂你是老赖，你可以录音并投诉。",
    "遇到催收员骂人、说你是老赖，请及时向我行客服投诉。",
    "如有催收人员骂您猪脑子、懒鬼，请拨打投诉电话。",
]

COLLECTOR_MET = [
    "碰到催收员扬言要通知你的家人，可以拨打12378投诉。",
    "遇到催收人员威胁要去你单位闹，请保留录音并向银保监会投诉。",
    "遭遇催收人员说要曝光你的欠款信息，请立即报警。",
    "如遇催收人员威胁上门或联系你的单位，请保留录音并向银保监会投诉。",  # did not block on main
]

DEADLINE_TODAY = [
    "【招商银行】您的欠款1,200元请今天还清。回T退订",
    "【招商银行】您的欠款1,200元请于今日还清。回T退订",
    "【建设银行】您的贷款1,200元请今天结清。回T退订",
    # worded so, these did not block on main either: kept as frames of the family
    "【平安银行】您的借款1,200元请于今日内结清，如已还款请忽略。回T退订",
    "张先生，您的账单1,200元请今天还清，谢谢。【招商银行】",
]

# second round (the same day): the lender's right to enforcement, hedged (可/可以/可能/有权 + 依法 + 申请强制执行:
# ``paraphrases.CN_ALLOW``; 强制执行 was a false legal claim however it was put), and a lawsuit as a condition with the
# reader's rights in it (若进入诉讼程序，您享有…: ``CN_ALLOW``; 您有权委托律师并出庭答辩: ``engine._LAWFUL_FORMULA_CN``).
# All ten blocked on main at 9b84c0b
ENFORCEMENT_HEDGED = [
    "【招商银行】法院判决生效后，如您仍未履行，我行可依法申请强制执行。回T退订",
    "【招商银行】判决生效后仍不履行的，债权人可以依法向法院申请强制执行。回T退订",
    "【招商银行】如经法院判决后您仍未还款，我行有权依法申请强制执行。回T退订",
    "【招商银行】若诉讼后仍未履行判决，我行可能依法申请强制执行。回T退订",
    "【招商银行】我行可能依法申请强制执行。回T退订",
    "您好，对于已生效的判决书，债权人可以向人民法院申请强制执行，这是法律赋予的权利。",
]

RIGHTS_IN_SUIT = [
    "【招商银行】您的欠款案件如进入诉讼，您有权委托律师并出庭答辩。回T退订",
    "若进入诉讼程序，您享有答辩、举证和申请调解的权利。",
    "如果进入诉讼程序，您可以委托律师应诉。",
    "【招商银行】如案件进入诉讼程序，您可以申请诉前调解。回T退订",
]

# third round (the same day): advice pages on a collector's words — its stock phrases listed with a verdict after
# them, its words reported (催收员说要…) before a verdict (这是违法的, 都是吓唬人的, 这多半是催收的套路), and a list of
# them joined by 、 (the next item has no subject, sender or time of its own). All seven blocked on main at bac3dad
COLLECTOR_WORDS = [
    "催收人员常用的话术有“再不还就上门”“通知你家人”“让你坐牢”，这些都是违规催收，可以投诉。",
    "网贷逾期属于民事纠纷，不会坐牢，催收说要抓你都是吓唬人的。",
    "如果催收人员说要去你老家、找你村委会，这属于违规催收，可以向银保监会投诉。",
    "催收员说要给你所有联系人发短信，这是违法的，你可以报警。",
    "很多人收到“已移交司法部门”“即将起诉”的短信就慌了，其实这多半是催收的套路。",
    "遇到催收人员说要爆你通讯录、上门找你家人，请立即报警。",
    "催收员说要爆你通讯录、通知你家人，这是违法的，可以报警。",
]

# fourth round (the same day): anti-fraud and credit notices — a scammer's report going on in the next clause
# (骗子常冒充银行客服，称您的征信有问题，…: a clause that starts with a reporting verb) and a rumour denied (网传…的说法
# 没有依据; …纯属谣言). All three blocked on main at 5bad0d1
NOTICES = [
    "骗子常冒充银行客服，称您的征信有问题，需要转账到“安全账户”，请勿相信。",
    "网传“逾期会影响子女政审”的说法没有依据。",
    "有人说逾期会坐牢，纯属谣言。",
]

STILL_BLOCK = [
    # 妈妈的 after 你/他/去你 is the curse, not the reader's mother (the allowance is only after 您, 我, 的; found in
    # review 2026-12-05: these warned on 9b84c0b..4caf738)
    "去你妈妈的，快点还款。",
    "他妈妈的，快点还款。",
    "你妈妈的，快点还款。",
    "他妈妈的，你到底还不还？",
    "去你妈妈的，赶紧还钱！",
    "谨防骗子冒充我司，称你明天会被起诉，我们明天上门。",
    "骗子常冒充银行客服，称明天上门砸你家，我们也会。",
    "网传逾期会影响子女政审，这是真的。",
    "网传逾期会影响子女政审，这可不是谣言。",
    "网传逾期会影响子女政审，这并非谣言。",
    "网传逾期会影响子女政审的说法并非没有依据。",
    "网传逾期会影响子女政审的说法没有依据，但我们会通知你的学校。",
    "你要是不还，就会影响子女政审，这可不是谣言。",
    "你这个骗子，称自己没钱，谁信？",
    "谨防骗子称明天上门、你在家等着",
    "催收人员常用的话术有“再不还就上门”，我们就是这么做的。",
    "催收说要抓你都是吓唬人的，但我们真的会报警抓你。",
    "我们说要去你老家、找你村委会，你可以投诉。",
    "催收员说要给你所有联系人发短信，这是违法的，但我们明天就发。",
    "明天上门、砸你家门，你等着。",
    "催收说要抓你都是吓唬人的。抓你是迟早的事。",
    "我们不是吓唬人，明天就上门。",
    "再不还钱就上门、找你家人，这都是吓唬人的？",
    "说要爆你通讯录、上门找你家人，你看着办。",
    "上门、找你家人、爆你通讯录，投诉也没用。",
    "这不是套路，明天就起诉你。",
    "明天就申请强制执行你的房子。",
    "我们可以申请强制执行你的房子。",
    "我们已申请强制执行，法院马上查封你的财产。",
    "不还钱就强制执行。",
    "我们有权申请强制执行，明天法院就来查封。",
    "可以申请强制执行，你等着。",
    "若进入诉讼程序，后果自负。",
    "您的欠款案件如进入诉讼，你就等着坐牢吧。",
    "您有权委托律师，但我们明天就上门。",
    "你的案件已经进入诉讼程序，等着出庭吧。",
    "如果你再不还钱，我们就骂你是老赖，你去投诉也没用。",
    "你这个猪脑子，如有催收人员骂您，请投诉。",
    "如有催收人员骂您老赖，请投诉。老赖，赶紧还钱！",
    "凡是骂你老赖的都是违规催收，但你就是老赖。",
    "如果有人骂你是老赖，那是你活该，赶紧还钱。",
    "妈的，赶紧还钱",
    "他妈的，还钱",
    "遇到催收人员上门，那就是我们，明天就去你家。",
    "碰到催收员说要通知你的家人，那是我们说到做到，可以投诉试试。",
    "您的欠款1,200元请今天还清，想办法去借。",
    "今天必须还清，想办法去借。",
    "您的欠款请今天还清，否则明天上门。",
    "您的欠款1,200元请今天还清，不然通知你家人。",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text, jurisdiction="CN").findings]


@pytest.mark.parametrize(
    "text",
    [
        *MOTHER,
        *ABUSE_REPORTED,
        *COLLECTOR_MET,
        *DEADLINE_TODAY,
        *ENFORCEMENT_HEDGED,
        *RIGHTS_IN_SUIT,
        *COLLECTOR_WORDS,
        *NOTICES,
    ],
)
def test_lawful_servicing_language_does_not_block(text: str) -> None:
    assert lint(text, jurisdiction="CN").verdict != "block", _why(text)


@pytest.mark.parametrize("text", STILL_BLOCK)
def test_the_senders_own_words_still_block(text: str) -> None:
    assert lint(text, jurisdiction="CN").verdict == "block", _why(text)
