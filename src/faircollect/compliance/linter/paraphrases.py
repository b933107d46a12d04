"""Paraphrases: the same threats in other words, built from small lexicons (kin, workplaces, homes, harm).

These were added after the first corpus rounds, to generalise beyond the seed wording: each rule pairs a lexicon
(who or where) with a trigger (what is threatened) instead of listing whole sentences. Same conventions as
``patterns.py``; ``{词}`` slots accept the word's homophone / pinyin spellings.
"""

from __future__ import annotations

import re

from faircollect.compliance.linter.patterns import Phrase, _phrases

# ---------------------------------------------------------------------------------------------------------------
# Paraphrases: the same threats in other words (kin, body parts, counts, senders).
# ---------------------------------------------------------------------------------------------------------------
_KIN = (
    "老婆|老公|妻子|丈夫|爱人|对象|爸妈|爸爸|妈妈|父母|岳父|岳母|公公|婆婆|家人|家里人|亲戚|亲友|朋友|同学|邻居|"
    "哥哥|姐姐|弟弟|妹妹|表哥|表姐|表弟|表妹|堂哥|堂姐|堂弟|堂妹|舅舅|姑姑|叔叔|阿姨|兄弟姐妹|配偶|紧急联系人"
)
CN_STRUCTURES: list[tuple[str, str, bool, bool]] = [
    (
        "violence_threat",
        r"(?:打断|打折|砍断|剁了|剁掉|卸了)(?:你|您)?(?:的)?(?:腿|手|手指|胳膊)|把(?:你|您)(?:的)?(?:腿|手|手指|胳膊)(?:打断|打折|砍断|剁)",
        False,
        False,
    ),
    (
        "intimidation",
        r"(?:在|到)(?:你|您)(?:家)?(?:楼下|门口|小区门口|单位门口)(?:等|守|蹲|了)|(?:一百|几十|上百|几百|\d{2,})(?:个|通|条)(?:电话|短信)",
        False,
        False,
    ),
    (
        "insult",
        r"(?:你|您)(?:就|真|简直)?(?:是)?(?:个|一个|这种)(?:垃圾|废物|骗子|败类|畜生|人渣|无赖|蠢货|窝囊废|白眼狼)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"身份证.{0,4}?(?:注销|冻结|作废|失效)|注销(?:你|您)?(?:的)?(?:身份证|户口)|限制(?:你|您)?(?:的)?(?:出境|出国)",
        False,
        False,
    ),
    (
        "visit_threat",
        r"(?:去|到|上|来|找到|找上)(?:你|您)(?:的)?(?:爸妈|父母|岳父母|公婆|家里|家|住处|住的地方|小区|楼下|租的房子)",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        r"(?:你|您)(?:的)?(?:" + _KIN + r")(?:已经|都|也|会|就|马上)?(?:知道|晓得|清楚)(?:了|你)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        r"(?:通知|告诉|告知|联系|打给|找|发给|转告|打电话给)(?:你|您)(?:的)?(?:"
        + _KIN
        + r")(?!借|凑|要钱|拿钱)",
        False,
        False,
    ),
    ("contact_list_threat", r"手机.{0,3}?联系人|(?:联系人|好友)(?:都|全)(?:会)?(?:收到|知道)", False, False),
    ("induce_borrowing", r"(?:找|向|问|跟)(?:你的?)?(?:" + _KIN + r"|同事)(?:借|凑|要钱|拿钱)", False, False),
]
CN_PHRASES: list[Phrase] = [
    *_phrases("deceptive", "双倍 两倍 翻番 三倍"),
]
#: Phrases whose ordinary meaning is a service, not a threat: a finding inside one of them is dropped.
CN_ALLOW: tuple[str, ...] = (
    "上门办理",
    "上门服务",
    "上门取件",
    "上门安装",
    "如需上门",
    "申请上门",
    "预约上门",
    "法院判决为准",
    "以法院判决",
    "金额单位",
)
EN_PATTERNS: list[tuple[str, str, bool, bool]] = [
    ("violence_threat", r"\b(?:smash|break) (?:your|ur) (?:car )?windows?\b", False, False),
    (
        "visit_threat",
        r"\b(?:sending|send) (?:a team|someone|somebody|people|agents?|collectors?|our (?:team|agents?)) (?:to|round to) (?:your|ur) (?:address|home|house|flat|door|work)\b",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        r"\b(?:i|we)(?:'ll| will) (?:call|text|tell|phone|email|message) (?:your|ur) (?:wife|husband|partner|mother|mum|mom|father|dad|parents|family|brother|sister|friends)\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\b(?:let|make sure) (?:your|ur) (?:employer|boss|manager|colleagues|coworkers|hr|company) (?:knows?|hears?|finds? out)\b",
        False,
        False,
    ),
    (
        "family_threat",
        r"\b(?:your )?(?:kids?|children|child|son|daughter|family) (?:will|would) be (?:ashamed|embarrassed|humiliated)\b",
        False,
        False,
    ),
    (
        "induce_borrowing",
        r"\bask (?:your )?(?:parents|family|friends|relatives|mum|mom|dad) (?:for (?:the )?money|to (?:pay|lend))\b",
        False,
        False,
    ),
    (
        "deceptive",
        r"\b(?:western union|moneygram|(?:to|in) my (?:own )?name|double (?:by|tomorrow))\b",
        False,
        False,
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# Third round: lexicon × trigger rules.
# ---------------------------------------------------------------------------------------------------------------
_KIN_MORE = (
    _KIN + "|爸|妈|朋友圈的人|丈母娘|老丈人|丈人|男朋友|女朋友|男友|女友|闺蜜|发小|亲家|儿女|家里|家族"
)
_CHILD = "孩子|子女|儿子|女儿|小孩|娃|闺女"
_WORK = "单位|公司|厂里|工厂|工地|店里|老板|领导|上司|同事|人事|hr|前台"
_HOME = "家|家里|住处|住的地方|住所|小区|楼下|门口|村里|村子|老家|户籍地|租的房子|宿舍"
_AUTHORITY = (
    "人民法院|法院|执行局|公安机关|公安局|公安|经侦|派出所|检察院|仲裁委员会|仲裁委|律师事务所|司法局"
)
_PUBLIC = "抖音|快手|微博|小红书|朋友圈|网上|网站|贴吧|论坛|群里|公告栏|电线杆|公众号|视频号"

CN_STRUCTURES += [
    (
        "violence_threat",
        r"(?:你|您)(?:的|那|那双|这双|两条|一条)?(?:手|腿|脚|命|脸|胳膊|眼睛|牙|小命).{0,6}?(?:别想要|保不住|不保|打断|打折|废了|残了)",
        False,
        False,
    ),
    (
        "intimidation",
        r"(?:有的是|多的是)(?:办法|手段|人)|(?:天天|每天|一直|24小时)(?:都)?有人(?:在|盯|守|等)?|让(?:你|您)(?:知道|尝尝)(?:厉害|滋味|后果)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"(?:公安|警方|警察|派出所|经侦)(?:已经|已|马上|即将|会)?(?:介入|立案|抓|上门|找你|传唤)",
        False,
        False,
    ),
    ("false_legal_claim", r"法院(?:已经|马上|即将|会)(?:介入|立案|传唤|找你)", True, False),
    (
        "false_legal_claim",
        r"(?:永久|终身|彻底)(?:被)?(?:拉黑|黑名单|不良)|(?:强制执行|扣|冻结)(?:你|您)?的?工资",
        False,
        False,
    ),
    (
        "impersonation",
        r"由.{0,10}?(?:"
        + _AUTHORITY
        + r").{0,8}?(?:发出|签发|下达)|(?:"
        + _AUTHORITY
        + r")(?:发出|签发|下达)的?(?:通知|函|文书|决定)",
        False,
        False,
    ),
    ("visit_threat", r"(?:去|到|回|上|来)(?:你|您)(?:的)?(?:村里|村子|村|乡下|老家|宿舍|门口)", False, False),
    (
        "third_party_disclosure",
        r"(?:"
        + _KIN_MORE
        + r")(?:那边|那里)?(?:我们)?(?:已经|都|也|会|就|马上|很快){0,3}(?:打过招呼|联系过|通知过|说过|说了|知道|晓得)",
        False,
        False,
    ),
    ("third_party_disclosure", r"让(?:你|您)(?:的)?(?:" + _KIN_MORE + r")(?:也|都)?知道", False, False),
    (
        "contact_list_threat",
        r"通话详单|通话清单|通信录|电话簿|电话本|(?:号码|联系人)(?:我们)?(?:会)?(?:逐一|逐个|挨个|一个一个)",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"(?:去|到|来|找到|打到|发到)(?:你|您)(?:的|们)?(?:" + _WORK + r")|(?:公司|单位)邮箱",
        False,
        False,
    ),
    ("public_shaming", r"(?:发|传|贴|挂|放|曝)(?:到|在|上)?.{0,4}?(?:" + _PUBLIC + r")", False, False),
    (
        "family_threat",
        r"(?:"
        + _CHILD
        + r").{0,10}?(?:学校|老师|同学|考公|政审|参军|前途|抬不起头)|为(?:你|您)(?:的)?(?:"
        + _CHILD
        + r")(?:想想|考虑)",
        False,
        False,
    ),
    (
        "induce_borrowing",
        r"(?:网上|平台|银行|别处|别的地方|网贷)(?:去)?(?:贷|借)(?:个|一笔|点)?(?:款|钱)?|贷个款|借个款|(?:当了|当掉|典当|卖了|卖掉|变卖|抵押).{0,6}?(?:还|结清)",
        False,
        False,
    ),
    (
        "deceptive",
        r"(?:另付|另外支付|额外支付|需支付|再付).{0,8}?(?:费|钱)|才能销账|(?:每小时|每分钟).{0,4}?(?:涨|加|增加|翻)",
        False,
        False,
    ),
]
CN_PHRASES += [
    *_phrases("violence_threat", "套麻袋 没轻没重 出点意外 出个意外 断手断脚 缺胳膊少腿 横着出来"),
    *_phrases(
        "intimidation",
        "知道厉害 给你脸了 盯上你 好日子到头 不会让你好过 别想好过 没有好下场 吃苦头 付出代价 付出惨痛代价 "
        "等着瞧 有你受的 你给我等着 电话以后别想用 等着接受短信轰炸",
    ),
    *_phrases("insult", "烂人 无耻之徒 无耻 遭报应 穷鬼 穷逼 贱骨头 不得好死 白眼狼 给脸不要脸 狗东西"),
    *_phrases("false_legal_claim", "逃废债 拉黑"),
]
EN_PATTERNS += [
    (
        "violence_threat",
        r"\b(?:(?:have|had|get|suffer) an accident|(?:make sure|so) you can ?(?:not|'?t) (?:walk|work|see|stand)|won'?t be able to walk)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:ways of making you|(?:won'?t|will not|does ?n'?t) end well for you|you(?:'ll| will) be sorry)\b",
        False,
        False,
    ),
    (
        "insult",
        r"\b(?:clown|disgrace|bum|waste of space|good for nothing|scrounger|leech|crook|fraudster|dirtbag|sponger)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:charged with (?:theft|fraud|a crime|an offen[cs]e)|(?:sheriff|police|bailiffs?) (?:will|are going to) (?:seize|take|arrest|come))\b",
        False,
        False,
    ),
    (
        "impersonation",
        r"\b(?:calling from the (?:district attorney|attorney general|police|court|sheriff)|(?:district attorney|attorney general)'?s? office|county court enforcement|notice from the (?:county |high )?court)\b",
        False,
        False,
    ),
    (
        "visit_threat",
        r"\b(?:at your (?:front |back )?(?:door|doorstep)|(?:be|turn up|show up|arrive|waiting|wait) (?:at|outside) your (?:house|home|flat|place)|expect us at|we(?:'ll| will) be (?:at|outside) your)\b",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        r"\b(?:(?:(?:we|i) (?:have |ve )?(?:already |just )?(?:spoken|talked|spoke)|(?:we|i)(?:'ll| will| are going to) (?:talk|speak)) to your (?:brother|sister|mother|mum|mom|father|dad|parents|wife|husband|partner|relatives|family|friends)|your (?:relatives|family|parents|friends|partner|wife|husband) will be (?:informed|told|notified|contacted))\b",
        False,
        False,
    ),
    (
        "contact_list_threat",
        r"\b(?:call history|call log|every number in your|(?:all )?the people in your (?:contacts|phone))\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\b(?:your office|office reception|your (?:hr|human resources|personnel) department|hr department will|your (?:manager|supervisor|line manager))\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\b(?:(?:everyone|people) on (?:facebook|twitter|instagram|tiktok|social media)|upload your (?:id|photo|picture|details|name)|(?:post|publish|put)\b.{0,30}\b(?:on|to) (?:our website|facebook|twitter|instagram|tiktok))\b",
        False,
        False,
    ),
    ("family_threat", r"\b(?:(?:teased|bullied|mocked) at school|your family'?s? safety)\b", False, False),
    (
        "induce_borrowing",
        r"\b(?:borrow (?:it|the money|some money) from|(?:open|get) a new credit card|balance transfer|transfer the balance)\b",
        False,
        False,
    ),
    (
        "deceptive",
        r"\b(?:my (?:own )?personal (?:one|card|bank)|admin(?:istration)? (?:fee|charge))\b",
        False,
        False,
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# Fourth round: more lexicon × trigger rules.
# ---------------------------------------------------------------------------------------------------------------
_LIMB = "腿|手|胳膊|手指|脚|耳朵"
_PERSONAL_DATA = "照片|相片|名字|姓名|身份证|欠款|欠款金额|电话号码|住址|视频"
CN_STRUCTURES += [
    (
        "violence_threat",
        r"(?:抄|带|拿)家伙|家伙.{0,4}?不认人|挂彩|(?:卸|打断|打折|砍断|剁)(?:你|您)?(?:的)?(?:一条|一只|两条|两只)?(?:"
        + _LIMB
        + r")",
        False,
        False,
    ),
    ("intimidation", r"(?:非常|特殊|别的)手段|天涯海角|翻脸|别逼(?:我们|我)|有你好受", False, False),
    # soft violence (CN-PROHIBIT-SOFT-VIOLENCE): funeral goods sent, whatever measure word sits in between
    (
        "violence_threat",
        r"送(?:个|一个|几个|两个|上|去|来)?(?:花圈|寿衣|棺材|骨灰盒|纸钱|冥币|遗照|冥照)",
        False,
        False,
    ),
    ("insult", r"渣滓|脸皮.{0,4}?厚|厚脸皮", False, False),
    ("false_legal_claim", r"失信名单|护照.{0,4}?(?:吊销|注销|冻结|作废)|吊销(?:你|您)?的?护照", False, False),
    (
        "visit_threat",
        r"(?:派|安排|组织)(?:一|两|二|三|俩|几)?(?:个|名|位)?(?:人|人员|同事|专员|外访员).{0,3}?(?:去|到|上|前往)",
        False,
        True,
    ),
    ("visit_threat", r"(?:去|到|上|来|找到|找上)(?:你|您)(?:的)?(?:" + _KIN_MORE + r")家", False, False),
    (
        "third_party_disclosure",
        r"(?:你|您)(?:的)?(?:" + _KIN_MORE + r")的电话(?:我们)?(?:已经)?打(?:了|过)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        r"(?:跟|和|向|给)(?:你|您)(?:的)?(?:" + _KIN_MORE + r")(?:们)?(?:说明|说了|讲了|沟通|反映|打了招呼)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        r"(?:你|您)(?:的)?(?:" + _KIN_MORE + r")(?:应该|可能|估计)?(?:还)?(?:不知道|知道吗|知不知道)",
        False,
        False,
    ),
    ("contact_list_threat", r"通讯簿|联系人名单|通讯名单|联系人名册", False, False),
    (
        "workplace_threat",
        r"给(?:你|您)(?:们|的)?(?:"
        + _WORK
        + r").{0,2}?打(?:个)?电话|(?:你|您)(?:上班|工作)的(?:公司|单位|地方|厂)",
        False,
        False,
    ),
    (
        "public_shaming",
        r"(?:做成|拍成|剪成)视频|(?:视频|照片|截图|海报).{0,4}?发出去|(?:"
        + _PERSONAL_DATA
        + r").{0,10}?(?:"
        + _PUBLIC
        + r")",
        False,
        False,
    ),
    (
        "family_threat",
        r"(?:老婆孩子|妻儿|家人|家里人|孩子|父母)(?:的)?(?:日子)?(?:也)?(?:别想|不会)好过",
        False,
        False,
    ),
    ("induce_borrowing", r"抵押(?:贷款|借款|借钱)|押车|押房|质押", False, False),
    (
        "deceptive",
        r"(?:收取|收|加收).{0,6}?(?:管理费|服务费|手续费|上门费|律师费)|(?:转到|转给|打到)(?:我)?同事的|同事的(?:支付宝|微信|银行卡|账户)",
        False,
        False,
    ),
]
CN_ALLOW += ("上门前", "上门须", "上门必须", "上门需", "上门应")
# "请问你是不是人工客服" asks for a human agent; the insult 不是人 is not in it (issue 11, sixth session)
CN_ALLOW += ("不是人工",)
# "您妈妈的住院费用" names the reader's mother in a hardship reply; the curse 妈的 is not in it (2026-12-05, linzh).
# Only after 您, 我 or 的: 妈妈的 after 你/他/去你 is the curse itself (去你妈妈的，快点还款; 他妈妈的，你到底还不还？)
CN_ALLOW += ("您妈妈的", "我妈妈的", "的妈妈的")
# "想办法去借" (find a way to borrow it): an inducement the model carried only beside 今天必须 (2026-12-05, linzh)
CN_PHRASES += _phrases("induce_borrowing", "想办法去借 想办法借钱 借也要还 借钱也要还")
# the lender's right to enforcement, hedged (2026-12-05, linzh): "判决生效后仍不履行的，债权人可以依法向法院申请强制执行",
# "我行可能依法申请强制执行" state what the law allows, as 依法起诉 does (docs/linter.md, "What is allowed"); 强制执行 as a
# fact or a promise (已申请强制执行, 明天就申请强制执行你的房子, 不还钱就强制执行) is still a false legal claim
CN_ALLOW += tuple(
    f"{modal}{by_law}{court}申请强制执行"
    for modal in ("可", "可以", "可能", "有权", "可能会", "可依法", "有权依法")
    for by_law in ("", "依法")
    for court in ("", "向法院", "向人民法院")
    if not (modal.endswith("依法") and by_law)
)
# a lawsuit as a condition (若进入诉讼程序，您享有答辩…的权利): a hypothesis, not a claim that one has begun
CN_ALLOW += tuple(
    f"{cond}{what}进入诉讼程序"
    for cond in ("如", "若", "如果", "假如", "倘若", "若是", "如若", "如您的", "若您的")
    for what in ("", "案件", "本案", "欠款案件", "纠纷")
)
EN_PATTERNS += [
    (
        "violence_threat",
        r"\b(?:(?:get|be|been) (?:seriously |badly )?(?:injured|hurt)|won'?t be walking)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:hound you|think (?:very )?carefully about what happens|we are not going away|we(?:'re| are) not going anywhere)\b",
        False,
        False,
    ),
    # aimed at the reader, not a word about someone ("They are lying." in a scam warning is not an insult)
    (
        "insult",
        r"\b(?:(?:you|u)(?: re| are| r)?(?: \w+){0,2} (?:cheat|cheater|lazy|lying)|(?:cheat|lazy|lying) (?:cheat|cheater|scum|"
        r"bastard|bum|piece|git|liar|thief|slob|loser|rat|toad|pig|dog|cow|waste|sod|idiot|fraud)s?|(?:stop|quit) "
        r"(?:lying|cheating)|lying to (?:us|me|our)|(?:lazy|lying|cheating) (?:and|&) \w+)\b",
        False,
        False,
    ),
    ("impersonation", r"\b(?:hm ?courts?|hmcts|federal bureau|message from the courts?)\b", False, False),
    (
        "visit_threat",
        r"\b(?:outside your (?:flat|house|home|door|place)|coming (?:round|over|by) to your (?:place|house|home|flat)|(?:drop|pop|come) by your (?:home|house|place|flat))\b",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        r"\b(?:your (?:mum|mom|mother|dad|father|parents|wife|husband|partner|brother|sister|family) (?:now )?knows?|(?:we )?(?:called|phoned|rang|texted|emailed|contacted) your (?:mum|mom|mother|dad|father|parents|wife|husband|partner|brother|sister|family|relatives)|let your (?:whole )?(?:family|parents|relatives|friends) know)\b",
        False,
        False,
    ),
    (
        "contact_list_threat",
        r"\b(?:saved in your phone|phone contacts|access to your (?:phone|contacts|address book))\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\b(?:your (?:employer|boss|manager) will (?:get|receive|hear)|(?:drop|pop|come) by your (?:work|office|workplace)|(?:call|ring|phone) your (?:work|office))\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\b(?:(?:shared|posted|published) in (?:local |the )?(?:community |neighbourhood |neighborhood )?groups|public list|list of people who (?:don'?t|do not|never) pay)\b",
        False,
        False,
    ),
    (
        "family_threat",
        r"\b(?:your (?:kids|children|family) will find out|(?:family|kids|children) (?:got|get|getting|gets) dragged into|drag your (?:family|kids|children) into)\b",
        False,
        False,
    ),
    ("induce_borrowing", r"\b(?:pawn|advance on your (?:salary|wages|pay)|payday advance)\b", False, False),
    (
        "deceptive",
        r"\b(?:legal fees? (?:we |that we )?(?:added|charged)|(?:\d+|two|three|four|five) times the (?:original )?amount)\b",
        False,
        False,
    ),
]
CN_STRUCTURES += [
    ("visit_threat", r"(?:已经|马上|正|就)(?:在|到)(?:你|您)家?(?:楼下|门口|小区)", False, True),
]
# the reader's own loan named by where it was taken (2026-12-05, tmplzh): "您在XX平台借款1,200元已逾期", "您的银行贷款本期
# 应还1,200元", "您的网贷平台借款已到期", and the lender's post-loan desk ("已转交XX平台贷后管理部门"). The inducement
# phrases (平台借, 银行贷款 …: borrow elsewhere to pay) read the source and the loan as a verb phrase; here the reader
# (您/你 + 的/在) owns the loan, and what follows is the loan's amount or state (1,200元, 已, 本期, 将于, 逾期, 到期,
# 应还, 余额 …), not what to do with it. "去别的平台借款还我们", "你在网上借1万还我们", "你在平台借款1万还我们" and
# "在其他平台借款还清" still block (网上 is no lender; a source after 去, 别的, 其他; an amount followed by 还)
CN_OWN_LOAN = re.compile(
    r"(?:您|你)(?:的|在)(?:[a-z0-9]|(?!去|找|到|再|别|其他|其它|另)[\u4e00-\u9fff]){0,10}?"
    r"(?:网贷平台|平台|银行|网贷)(?:的)?(?:贷款|借款|借的款|贷的款|借的钱)"
    # its amount (digits, or a placeholder's letters: {amount}元 is "amount元" here) and its state, or the amount
    # with nothing to do with it after
    r"(?=(?:[a-z]{1,12})?[0-9]*(?:万元|万|元|块)?(?:已|本期|本月|将|于|逾期|到期|应还|待还|尚|未|余额|本金|合同|账户|金额|"
    r"订单|共|合计)|(?:[a-z]{1,12})?[0-9]*(?:万元|万|元|块)?(?<=[a-z0-9元块])(?![a-z0-9万元块]|还|去还|来还|先还|把))"
    r"|(?:平台|银行|网贷)贷后(?:管理|服务|部门|部|中心|团队|专员|岗|人员|处理|阶段)"
)
