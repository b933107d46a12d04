"""Chinese collection language of the kinds the real train split gained in issue 11's seventh session (lin-zh, 34
items from 20 train-routed pages, docs/linter.md "Staged"): the borrower taken and harmed in a 把 construction, burial
and drowning among the harms (把你帶去山上活埋); notices about the debt posted where people live (在社區貼你的欠債公告);
a third party told that the borrower owes us (您的朋友借了我們一筆錢 — lawful to a guarantor or joint debtor); the
"注销校园贷" scam (如果不注销，将会影响个人征信); and three shapes of lawful text *about* collection that quoted the
words the rules look for: an impersonal explanation of the law (传票是…的法律文书, 逮捕必须经检察院批准), a kind of message
described by its quoted words (收到写着“三天内上门”的短信), and advice on another party's misconduct (如对方上门骚扰，可以
直接报警).

Hand-written probes, neither training rows nor sealed items. ``FIRST``, ``FIRST_THIRD_PARTY`` and ``LAWFUL`` were
written before the structures of grammar.py's seventh-session block and reported.py's ``_cn_about_collection``: main
at 92eff57 blocked 10 of their 18 threats and 7 of the 17 lawful lines; the rules 18/18 and 0/17 (one more lawful
line written then, "请把你的身份证照片发给我们核实。", blocks on main and here for another rule and was left out: docs
"Limits").
``HELD_BACK*`` were written after the rules and scored once: main 8/14 blocked and 4/10 lawful blocked, the rules
13/14 and 2/10; the three misses (扔进江里; 拘留是…的行政处罚; a statutory period 十五日内提出异议 read as a deadline)
were then closed by widening the classes, so HELD_BACK is no longer a held-out figure.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.contact import RecipientRole
from faircollect.compliance.linter import LintContext, lint

THIRD_PARTY = LintContext(recipient_role=RecipientRole.THIRD_PARTY)
GUARANTOR = LintContext(recipient_role=RecipientRole.GUARANTOR)

FIRST = [
    "再不还钱把你拉到后山埋了",
    "信不信我把你腿打断",
    "老子把你扔河里喂鱼",
    "把你全家活埋了",
    "兄弟们会把你沉塘",
    "明天就在你们小区贴你的欠款告示",
    "我们会在社区公告栏贴出你的欠债信息",
    "把你的欠債公告貼滿整個社區",
    "到你村里张贴你的照片",
    "在你公司楼下发你的传单",
    "您的学生账户需要注销，否则会影响个人征信",
    "请立即关闭校园贷账户，不然将影响您的征信",
    "根据监管要求，你的借款账户必须升级为成人账户，如不升级，将上报征信",
    "你的额度需要清空，否则影响征信",
]
FIRST_THIRD_PARTY = [
    "你同学在我们平台借了钱一直不还",
    "您的家人在我司有一笔借款已经逾期",
    "他在我们这借了两万块，到现在没还",
    "你的朋友欠了我们平台五千块钱",
]
LAWFUL = [
    "传票是人民法院通知当事人出庭的法律文书，一般由法院直接送达或者邮寄送达。",
    "逮捕必须经检察院批准或者法院决定，由公安机关执行。",
    "律师函是律师受委托发出的函件，本身不具有强制执行力。",
    "立案通知书由法院出具，不会通过私人手机号发送。",
    "根据民事诉讼法，法院不会通过电话要求当事人转账。",
    "很多人收到过写着“三天内上门”的短信，其实大多是吓唬人。",
    "收到内容为“明天起诉你”的催收短信，先别慌。",
    "如对方上门骚扰，可以直接报警。",
    "如果催收人员威胁要曝光你的信息，请保存证据并向公安机关报案。",
    "若催收方冒充法院工作人员，可拨打12368核实。",
    "您可在社区服务中心查看还款政策公告。",
    "我们不会在任何地方张贴您的欠款信息。",
    "您的账户已注销成功，感谢使用。",
    "逾期未还将影响您的个人征信，请尽快还款。",
    "您在我们平台的借款已逾期三天。",
    "我们把您的还款计划调整为12期。",
    "结清后可申请注销账户，注销不影响已有的还款记录。",
]
# the new frames read the sentence for the sender: a reader told what will come, a time, the sender's own act
STILL_THREATS = [
    "法院的传票已经发出，明天就来抓你",
    "律师函属于正式法律文书，你三天内不还就冻结你的银行卡",
    "逮捕证由检察院批准，你的逮捕证已经批下来了",
    "如对方不接电话，我们就派人上门",
    "收到写着“明天上门”的短信了吧？我们说到做到",
    "本通知由公安机关经侦部门发出",
    "逮捕证由检察院签发，三日内执行",
    "支付令由法院签发，你明天就会收到",
    "收到写着“今晚上门”的短信了吗？今晚见",
    "“您的账户需注销，否则将影响征信”…此类话术你听到过吗？没错，我们就是要你注销。",
    # found by attacking the three shapes after they were written (three passed and were then closed: the debt itself
    # recast as a crime, the reader asked about a quoted message, an institution's act after the 如 clause)
    "恶意透支属于信用卡诈骗犯罪",
    "欠款不还属于刑事犯罪，由公安机关立案",
    "你收到写着“明天上门”的短信了吗",
    "如对方继续拖欠，法院将上门拘留，请及时报警",
    "拘留须经法定程序，今晚执行",
    "律师函属于正式文书，本所将于三日后起诉",
]

HELD_BACK = [
    "再拖下去，我就把你绑到山里埋了",
    "信不信我們把你手指剁了",
    "找几个兄弟把你扔进江里",
    "不还钱就把你老婆孩子一起收拾了",
    "下周去你家小区贴满你的欠款传单",
    "我们已经在你们单位门口张贴了你的照片",
    "你的欠债告示马上贴遍你们村",
    "你的校园贷账户需要转为普通账户，否则将纳入征信",
    "请配合注销您在平台的学生额度，不然会影响信用",
    "活埋你都算便宜你了",
]
HELD_BACK_THIRD_PARTY = [
    "你表哥在我们平台借了三万，一直联系不上",
    "您的同事在我司有一笔贷款逾期了",
    "她在我们这里欠了八千块",
    "你的室友欠了我们公司钱",
]
HELD_BACK_LAWFUL = [
    "拘留是公安机关依法作出的行政处罚，须经法定程序。",
    "支付令由人民法院签发，债务人可在十五日内提出异议。",
    "看到内容为“逮捕通知”的短信，请不要点击链接。",
    "有人收到写着“已安排外访”的消息，其实是诈骗。",
    "如遇催收人员上门辱骂，请立即报警。",
    "若有人冒充律师要求转账，可向当地司法局投诉。",
    "我们把您的分期申请提交给了审核部门。",
    "请在社区服务站领取还款指南。",
    "您的账户注销申请已受理，注销后不影响您的信用记录。",
    "您的家人可以帮您提醒还款日，但我们不会联系他们。",
]


@pytest.mark.parametrize("text", FIRST + HELD_BACK + STILL_THREATS)
def test_blocks(text: str) -> None:
    assert lint(text).verdict == "block", text


@pytest.mark.parametrize("text", FIRST_THIRD_PARTY + HELD_BACK_THIRD_PARTY)
def test_third_party_told_the_debt_blocks(text: str) -> None:
    assert lint(text, THIRD_PARTY).verdict == "block", text


@pytest.mark.parametrize("text", FIRST_THIRD_PARTY + HELD_BACK_THIRD_PARTY)
def test_a_guarantor_may_be_told_the_debt(text: str) -> None:
    # the guarantor is liable: being told that the borrower owes is the truth (lawful_when co_obligor)
    assert not any(f.category == "third_party_disclosure" for f in lint(text, GUARANTOR).findings), text


@pytest.mark.parametrize("text", LAWFUL + HELD_BACK_LAWFUL)
def test_lawful_not_blocked(text: str) -> None:
    assert lint(text).verdict != "block", text


def test_quoted_messages_listed_and_named_a_scam_are_a_warning() -> None:
    # a staged lawful warning: the demand inside the second quoted message is that message's, not the sender's
    warning = "“您的某APP白条账户需注销，否则将影响征信”、“您某银行卡信息需更新，否则会被冻结”…此类话术你听到过吗？没错，这就是注销贷款类诈骗的典型话术！"
    assert lint(warning).verdict != "block"
    assert lint("“您的账户需注销，否则将影响征信”，我们说到做到。").verdict == "block"
