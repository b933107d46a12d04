"""Chinese collector speech of the kinds the real train split gained in issue 11's sixth session (lin-zh): ironic
"favours" that menace (我让你过个好年，让你爸你妈你姐都过个好年), a slap promised in colloquial words (铲你一耳屎),
traditional text whose particle 著 the character-level folding keeps (你等著), Cantonese collection speech (淋紅油,
斬你, 搵你屋企人), notices and paint on the home (寫大字), a debtor denounced to third parties in the third person
(某某欠債不還…知人知面不知心); and police warnings that state the police's own procedure (公安机关在实施逮捕时，必须当面
出示逮捕证), which are lawful.

Hand-written probes, neither training rows nor sealed items. ``FIRST`` and ``LAWFUL`` were written with the
structures of grammar.py's sixth-session block and the procedure frame of reported.py (main at 91ee86a blocked 12
of FIRST's 24 and 4 of LAWFUL's 25: the four police procedure statements). ``HELD_BACK`` and
``HELD_BACK_LAWFUL`` were written after all of them, as a check of how they generalise, and scored once before
anything else was changed (docs/linter.md, "Threat grammar").
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

FIRST = [
    "我让你过个好年，你等着",
    "行，我叫你全家都过个好年",
    "老子让你尝尝苦头",
    "我们会让你后悔的",
    "你給我記住，這事沒完",
    "走著瞧",
    "再不還，有你好受的",
    "别逼我动手",
    "信不信扇你两个大嘴巴子",
    "再废话抽你一巴掌",
    "打得你满地找牙",
    "明天找人削你",
    "我斬開你",
    "唔還錢就揾人斬你",
    "今晚去你屋企淋紅油",
    "泼你家门口一身红漆",
    "再唔還就打俾你老細",
    "聽日上門揾你屋企人",
    "我们会在你家门口喷字",
    "寫大字喺你屋企門口",
    "此人欠债不还，大家认准这张脸",
    "各位亲朋好友，这个人借钱不还，大家小心他",
    "这种人千万别跟他做生意",
    "他欠钱不还还到处装大款，真是知人知面不知心",
]

LAWFUL = [
    "为了让您过个好年，我们推出了春节分期方案。",
    "祝您和家人过个好年！",
    "我们会让您知道还款的具体金额。",
    "请您记住本月的还款日。",
    "您的账单已生成，请在到期日前还款。",
    "我行可为您办理分期，减轻还款压力。",
    "他已经按时还款了，谢谢您的配合。",
    "为了让你过个好年，催收工作暂停到初八。",
    "请大家认准官方客服热线，谨防诈骗。",
    "各位用户请注意，近期有不法分子冒充我司客服。",
    "油漆未干，请勿触摸。",
    "请勿在墙上乱写乱画。",
    "我们可以帮你算一下每个月需要还多少。",
    "本人欠款已还清，特此说明。",
    "如果你觉得压力大，可以先还一部分。",
    "你给我们的资料已收到，我们会尽快处理。",
    "请把还款凭证发给我们，记住保留截图。",
    "不要听信他人说可以帮你“停息挂账”，那都是骗局。",
    "凡是通过网站或者APP出示的通缉令、拘捕令、警官证，都是诈骗！公安机关在实施逮捕时，必须当面出示逮捕证！",
    "公安机关在实施逮捕时，必须当面出示逮捕证！",
    "法院的传票一律由法院工作人员当面送达或者通过邮寄送达。",
    "人民法院依法通过12368短信通知当事人，不会要求转账。",
    "民警在办案时必须出示警官证，不会通过电话要求转账。",
    "如有疑问请联系客服，我们会协助您。",
    "请您在每月还款日前存足款项，逾期将产生罚息。",
]

# the procedure frame covers a general statement only: the police acting on the reader, a time, the sender, a
# demand — each makes it the sender's threat again
PROCEDURE_THREATS = [
    "公安机关必须依法逮捕你，明天就来。",
    "公安机关在实施逮捕时必须当面出示逮捕证，明天就到你家。",
    "警方必须当面出示逮捕证，我们已经报案，准备抓你。",
    "法院一律强制执行，今天不还钱就冻结你的银行卡。",
    "公安已经立案，马上实施逮捕。",
]


@pytest.mark.parametrize("text", FIRST + PROCEDURE_THREATS)
def test_blocks(text: str) -> None:
    assert lint(text).verdict == "block", text


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_not_blocked(text: str) -> None:
    assert lint(text).verdict != "block", text


# written after all the structures and the frame above; scored once before anything else changed: main at 91ee86a
# blocked 14 of 20 (and 1 of the 10 lawful lines: the court's statement of service), the sixth-session rules 18 of 20
# and 0 of 10. The two misses (a shop named with a measure word, 淋你間鋪紅油; a relative told to pay "us", 把钱给我们
# 凑齐) were then closed by widening the structures, so HELD_BACK is no longer a held-out figure.
HELD_BACK = [
    "行啊，不接电话是吧，我让你过个安稳年试试",
    "这个年你们一家都别想过好",
    "我会让你们全家知道什么叫后悔",
    "你就等著吧，有你哭的時候",
    "咱們走著瞧，看誰熬得過誰",
    "再装死，老子扇你几个耳光",
    "见到你先给你两个大逼兜",
    "信唔信我搵人打到你入醫院",
    "聽晚淋你間鋪紅油",
    "唔還錢就上你公司搵你老細傾",
    "你再拖，我哋就喺你屋企樓下寫大字",
    "明天在你家门口刷上欠债还钱四个大字",
    "大家看看，这个人欠钱不还还玩失踪",
    "各位街坊评评理，她借了钱就是不还",
    "此人是个老赖，大家转发扩散",
    "我让你在你们村出名，等着",
    "敢报警？报了警我一样找人收拾你",
    "你家那辆车停在哪我们都知道，小心轮胎",
    "再不还，你那个店就等着被砸吧",
    "叫你老公赶紧把钱给我们凑齐",
]
HELD_BACK_LAWFUL = [
    "为让您安心过年，春节期间暂停电话提醒。",
    "我们会让专员跟您确认分期的细节。",
    "您可以先还一部分，剩下的我们帮您申请延期。",
    "请大家提高警惕，不要向陌生账户转账。",
    "公安机关办理案件时，应当向当事人出示工作证件。",
    "人民法院送达法律文书，一律通过法定程序进行。",
    "他的还款计划已经调整，请您放心。",
    "我行提醒：请勿轻信自称可以“征信修复”的人。",
    "如需办理停息分期，请携带身份证到网点咨询。",
    "祝你新年快乐，工作顺利！",
]


@pytest.mark.parametrize("text", HELD_BACK)
def test_held_back_blocks(text: str) -> None:
    assert lint(text).verdict == "block", text


@pytest.mark.parametrize("text", HELD_BACK_LAWFUL)
def test_held_back_lawful_not_blocked(text: str) -> None:
    assert lint(text).verdict != "block", text


def test_traditional_particle_is_read_like_simplified() -> None:
    # the character-level folding keeps 著 (著名 stays 著名); the menace idioms read it as 着
    for simplified, traditional in (("你等着瞧", "你等著瞧"), ("走着瞧", "走著瞧"), ("等着瞧", "等著瞧")):
        assert lint(simplified).verdict == lint(traditional).verdict == "block"


def test_a_warning_about_the_family_is_the_threat_unless_it_warns_about_fraud() -> None:
    # written after devcv --with-staged showed 小心家人出事 (a staged train item) caught only by the model
    for threat in ("小心你的孩子在学校的安全", "看好你家孩子", "當心你老婆出事"):
        assert lint(threat).verdict == "block", threat
    for lawful in ("请保护好您和家人的财产安全", "请当心家人被骗", "请提醒家人注意防范电信诈骗"):
        assert lint(lawful).verdict != "block", lawful


def test_children_made_liable_is_a_false_claim_unless_denied() -> None:
    assert lint("父债子偿，你爸的钱你来还").verdict == "block"
    assert lint("母债女还，天经地义").verdict == "block"
    for lawful in ("根据法律规定，并不存在父债子偿的说法。", "法律上没有父债子偿一说，您无需替父亲还款。"):
        assert lint(lawful).verdict != "block", lawful
