"""Chinese recall on real-world collector speech (issue 11's list): bodily harm in traditional characters and
colloquial forms, veiled threats against the family, the business, job or standing, publishing personal information
or posting notices, impersonating police or courts, pressing relatives and contacts to pay.

Hand-written probes in the manner of collectors' texts as news reports and judgments quote them (neither training
rows nor sealed items). ``FIRST`` was written before the structures of grammar.py's fifth-session block: main at
64f6f2e blocked 40 of its 53. ``HELD_BACK`` was written after those structures, as a check of how they generalise:
main blocked 8 of 14, the structures 11 of 14; the three misses (留著 in traditional, a stall "摆", a shop named by
its suffix, 把你的账) were then closed by widening the structures, not by listing the sentences. ``LAWFUL`` holds the
same words in lawful notices: none blocked before or after.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

FIRST = [
    "再不還錢，小心你的狗命",
    "不還錢就讓你缺胳膊少腿",
    "信不信我找人廢了你",
    "你出門最好小心點，車多",
    "不还钱晚上走夜路注意点",
    "你这条命不值几个钱",
    "你家孩子放学路上可要看好了",
    "你老婆每天几点下班我们都清楚",
    "你爸妈年纪大了，经不起吓",
    "不还钱让你生意做不下去",
    "你那个店还想不想开了",
    "你们公司的客户我们都会挨个打电话",
    "让你在单位混不下去",
    "让你在你们那一片抬不起头",
    "把你的欠款信息贴到你家小区门口",
    "给你做个专属海报发到你们村的群里",
    "把你的身份证照片发到网上",
    "全村都会知道你欠钱不还",
    "我们是经侦大队的，你涉嫌诈骗",
    "这里是人民法院执行局，你已被列入强制执行名单",
    "我是区法院的书记员，你的案子明天开庭",
    "你的案件已移交公安机关处理",
    "你让你哥把钱先垫上",
    "麻烦你转告你表弟，再不还钱后果自负",
    "你作为他的紧急联系人，有义务替他还款",
    "你是他朋友，这钱你得帮他还",
    "你的命就值这点钱吗",
    "留着你的小命还钱吧",
    "不想横着出去就赶紧还",
    "小心哪天被车撞了",
    "想让你全家都不得安宁",
    "你女儿长得挺漂亮的，可惜了",
    "你儿子在哪个学校我们门儿清",
    "你媳妇单位我们已经去过了",
    "你们家那个小卖部还想不想干了",
    "你的饭碗我们随时可以砸了",
    "你的工作保不住了",
    "你的店明天就得关门",
    "你老板马上会收到你的欠款通知",
    "你们单位领导已经知道你的事了",
    "我们会在你们小区贴满你的照片",
    "你的欠债事迹马上登上本地头条",
    "把你的丑事发到家族群",
    "给你所有同学发短信说你是老赖",
    "我是派出所民警，请配合调查你的欠款案件",
    "我们这边是法院的，你的欠款已经立案",
    "公安局已经对你立案侦查",
    "我们已向检察院提交材料追究你的刑事责任",
    "叫你爸妈赶紧替你还钱",
    "你姐要是不帮你还，我们就天天找她",
    "你作为担保人的朋友，必须替他还钱",
    "告诉你老公，这笔钱他也跑不掉",
    "你帮我们催一下他，不然我们天天打你电话",
]

HELD_BACK = [
    "你那條賤命能值幾個錢",
    "我勸你留著小命好好還錢",
    "出門小心點，別哪天被人捅了",
    "你兒子挺聰明的，萬一出點什麼事多可惜",
    "你的水果摊还想不想摆了",
    "你那个美容院还要不要开下去",
    "你的欠款明天就上当地新闻",
    "你的老赖事迹马上上热搜",
    "叫你妈把你的账先还上",
    "你作为他的同事，有责任帮他还钱",
    "这笔钱你们做朋友的就得替他还",
    "我们会轮流打电话给你的亲戚",
    "我们会每天去找你爸妈",
    "再不还钱就砸了你的招牌",
]

#: a third set, written after all the structures above were in: 8 of 12 blocked; the four misses (a locked door at
#: night, a shop with days left, the borrower's customers told they will hear from us, a relative's pension frozen)
#: became four more structures, checked against ``LAWFUL``'s second half
THIRD = [
    "再拖下去，你这双手怕是保不住了",
    "你晚上睡觉最好锁好门",
    "你家那口子在哪上班我们一清二楚",
    "你那个小超市开不了几天了",
    "让你在公司里臭名远扬",
    "你的照片明天就会出现在你们村的公告栏上",
    "我们是区检察院的，你的案子已经移送起诉",
    "本人系市中级法院执行法官，请你今天之内结清欠款",
    "你表哥说了，他会替你还，你就等着被他们骂吧",
    "你同学群里的人都会收到你的欠款截图",
    "你的客户明天都会接到我们的电话",
    "你要是敢不还，你爸的退休金我们都能冻结",
]

LAWFUL = [
    "您的退休金账户不受本次还款影响。",
    "我们不会冻结您的退休金。",
    "您的客户信息我们会严格保密。",
    "如您的店铺经营困难，可申请延期。",
    "您的家人不会接到我们的任何电话。",
    "晚上十点后我们不会致电。",
    "您的生命财产安全最重要，请谨防诈骗。",
    "我们的客服会在工作日联系您，请保持电话畅通。",
    "您的店铺经营如遇困难，可申请延期还款。",
    "您可以让家人帮您查询还款进度。",
    "如您的朋友愿意帮您还款，需经您本人同意。",
    "您的欠款信息不会登上任何新闻或网站。",
    "作为担保人，您有义务按合同承担担保责任。",
    "我们不会天天给您的家人打电话。",
    "你女儿很可爱，祝你们全家幸福。",
    "请勿让他人替您还款，以免产生纠纷。",
    "您的账单已通过短信发送，请注意查收。",
]


@pytest.mark.parametrize("text", [*FIRST, *HELD_BACK, *THIRD])
def test_collector_speech_blocks(text: str) -> None:
    r = lint(text)
    assert r.verdict == "block", [(f.category, f.severity, f.excerpt) for f in r.findings]
    for f in r.findings:
        assert f.category and f.rule and f.explanation and f.explanation_zh
        assert f.excerpt == text[f.start : f.end]


@pytest.mark.parametrize("text", LAWFUL)
def test_the_same_words_in_lawful_notices_do_not_block(text: str) -> None:
    r = lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]
