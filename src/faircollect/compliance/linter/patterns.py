"""What the linter looks for, per category: Chinese phrases, Chinese structures and English expressions.

All Chinese text here is already normalised (simplified, lower case, no separators): it is matched against the
compact view. English expressions are regular expressions over the word view (one space between words; a space
in an expression also matches no space, so ``kill you`` finds ``killyou``).

Flags on a pattern (shorthand for the facts under which it is lawful, ``context.py``; a structure may instead give
them as its third element, ``(category, regex, lawful_when(...))``):
* ``lawsuit_ok`` — a factual statement when a lawsuit really was filed (context.lawsuit_filed), a bluff otherwise.
* ``visit_ok`` — a factual notice when a visit really was approved (context.visit_approved), a threat otherwise.
* ``variants`` — also match homophone / pinyin spellings (see ``variants.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Phrase:
    category: str
    text: str
    lawsuit_ok: bool = False
    visit_ok: bool = False
    variants: bool = True


def _phrases(category: str, words: str, **flags: bool) -> list[Phrase]:
    return [Phrase(category, w, **flags) for w in words.split()]


# ---------------------------------------------------------------------------------------------------------------
# Chinese phrases (compact view). CN-PROHIBIT-VIOLENCE-THREAT, CN-PROHIBIT-FALSE-CONSEQUENCE, ...
# ---------------------------------------------------------------------------------------------------------------
#: the borrower's workplace and the people in it, named: a workplace threat only where the sentence acts on them
#: (``CN_WORKPLACE_ACTS``) — "你们公司的会计已帮你办好分期。" names the workplace and threatens nothing
CN_WORKPLACE_MENTIONS: list[Phrase] = _phrases(
    "workplace_threat",
    "你单位 您单位 你的单位 您的单位 你们单位 工作单位 单位领导 单位同事 你公司 你的公司 "
    "你们公司 你老板 你的老板 你领导 你的领导 你的同事 你同事 人事部 人力资源部 你的hr 公司领导 "
    "公司同事 工作的地方 上班的地方",
)
#: the borrower's registered contacts, named: a third-party threat only where the sentence acts on them, as for the
#: workplace — "请问你的紧急联系人电话有变化吗？", "你的同事张三是你的紧急联系人吗" ask the borrower and disclose nothing
CN_CONTACT_MENTIONS: list[Phrase] = _phrases("third_party_disclosure", "你的紧急联系人")
#: what makes a sentence naming the workplace a threat to it (compact view, simplified): getting in touch, telling,
#: visiting, sending to it; its people learning of the debt; holding its address or number; the job lost
CN_WORKPLACE_ACTS = (
    r"通知|告诉|告知|转告|联系|联络|打电话|打给|打到|打过去|打个电话|打招呼|电话|致电|找|上门|拜访|走访|登门|坐坐|坐一坐|"
    r"见面|见见|[天周]见|会会|说说|聊聊|谈谈|寄|发到|发给|发.{0,2}(?:函|邮件|短信|信)|律师函|催收函|催款函|送到|举报|反映|投诉|曝光|公布|"
    r"张贴|贴|闹|知道|看看|看到|看见|听说|得知|晓得|地址|号码|微信|联系方式|在哪|开除|辞退|饭碗|丢工作|失业|用你|"
    r"收到(?:律师|催|通知|电话|信|短信|邮件|函)|查到|掌握|过去|过来|去你|到你|来你"
)

CN_PHRASES: list[Phrase] = [
    *_phrases(
        "violence_threat",
        "打死你 弄死你 砍死你 杀了你 宰了你 捅死你 打断你的腿 打断腿 废了你 卸你一条腿 要你的命 要你命 要了你的命 "
        "泼油漆 泼红油漆 泼粪 烧你家 放火烧 一把火 小心你的命 出门小心 走路小心 见血 让你残废 打残 砍你 揍你 "
        "送花圈 寄花圈 寿衣 遗照 棺材 收尸 人身安全 弄残 找人收拾你 收拾你 教训你 砸你家 砸了你家 卸了你 打你一顿",
    ),
    *_phrases(
        "intimidation",
        "后果自负 后果很严重 后果不堪设想 你等着 走着瞧 让你好看 吃不了兜着走 别怪我们不客气 别怪我不客气 "
        "对你不客气 给你点颜色 我们知道你住哪 知道你住在哪 知道你家在哪 跟踪你 蹲守 天天打你电话 呼死你 "
        "打爆你电话 打爆你的电话 短信轰炸 电话轰炸 轰炸你 黑社会 道上的 兄弟们会 社会上的人 不会放过你 "
        "没完 跑不掉 逃不掉 躲不掉 你跑不了 你逃不了 日夜不停 二十四小时不停 一直打到你还 你会后悔 让你后悔 "
        "让你身败名裂 让你混不下去 不得安宁 永无宁日 鸡犬不宁",
    ),
    *_phrases(
        "insult",
        "老赖 骗子 畜生 畜牲 废物 不要脸 臭不要脸 人渣 狗东西 去死 傻逼 傻b 王八蛋 贱人 无赖 死皮赖脸 "
        "垃圾人 你这个垃圾 你是垃圾 败类 混蛋 蠢货 白痴 猪狗不如 没良心的 没有良心 狗娘养的 你妈死了 你妈逼 "
        "妈的 他妈的 滚蛋 下贱 不是人 窝囊废 寄生虫 丢人现眼 厚颜无耻",
    ),
    *_phrases(
        "false_legal_claim",
        "拘留 坐牢 判刑 刑事责任 刑事案件 刑事立案 追究刑事 逮捕 抓捕 通缉 抓你 抓人 进监狱 吃牢饭 蹲监狱 "
        "诈骗罪 涉嫌诈骗 恶意透支罪 信用卡诈骗 拒不执行判决 司法调查程序 司法调查 经侦 失信被执行人 失信人员 "
        "列入黑名单 拉入黑名单 上黑名单 全国黑名单 征信黑名单 网贷黑名单 黑名单 限制高消费 限制出行 "
        "不能坐高铁 不能坐飞机 不能坐火车 冻结银行卡 冻结你的银行卡 冻结所有 查封 强制执行 拍卖你的 "
        "终身不能贷款 一辈子贷不了款 征信已经黑 征信黑了 征信花了",
    ),
    *_phrases(
        "false_legal_claim",
        "已立案 已经立案 已起诉 已经起诉 已向法院 已提交法院 已移交法院 已移交法务 已移交司法 已进入司法程序 "
        "进入诉讼程序 即将起诉 马上起诉 立即起诉 明天起诉 准备起诉你 法院传票 传票 开庭 案号 法院已受理 "
        "诉讼已受理 立案通知 起诉你",
        lawsuit_ok=True,
    ),
    *_phrases(
        "impersonation",
        "律师函 法院通知 法院公告 执行局通知 公安局通知 派出所通知 公安机关通知 检察院通知 警官 民警 "
        "经侦大队 网警 法官 执行法官 司法局通知 金融办通知 仲裁委通知 仲裁通知书 法院执行局 人民法院通知 "
        "我是律师 我是警察 我们是法院 我们是公安 本院 本局",
    ),
    *_phrases("visit_threat", "户籍地 老家 村委会 居委会 街道办 村干部 村长 乡亲 左邻右舍 邻居"),
    *_phrases(
        "visit_threat",
        "上门 外访 家访 登门 到你家 去你家 找到你家 到您家 去您家 上您家 上你家 到你住 实地走访 走访 "
        "上门催收 上门拜访 上门核实 上门调查 派人",
        visit_ok=True,
    ),
    *_phrases(
        "third_party_disclosure",
        "通知你家人 通知你的家人 通知您的家人 通知你父母 通知你的父母 告诉你家人 告诉你的家人 告诉你父母 "
        "告诉你爸妈 告诉你老婆 告诉你老公 告知你的家人 告知您的家人 联系你家人 联系你的家人 联系你的父母 "
        "联系你的亲友 联系你亲友 联系你的朋友 打给你家人 打给你父母 打给你老婆 家人都会知道 亲戚朋友都会知道 "
        "让你家人知道 让你的家人知道 让你父母知道 亲朋好友都知道 你的亲友 你家里人 你的配偶 "
        "联系你的紧急联系人 你欠钱的事",
    ),
    *_phrases(
        "contact_list_threat",
        "通讯录 爆通讯录 所有联系人 全部联系人 每一个联系人 每个联系人 联系人列表 通话记录 微信好友 qq好友 "
        "好友列表 手机里的人 群发 挨个打 一个个打 逐个打电话 挨个通知 你的联系人",
    ),
    *_phrases("workplace_threat", "到单位 去单位"),
    *_phrases(
        "public_shaming",
        "曝光 全网曝光 大字报 张贴 海报 拉横幅 横幅 朋友圈公布 公布你的 公示 贴你照片 发到群里 发到朋友圈 "
        "发朋友圈 在群里公布 游街 社死 社会性死亡 悬赏 通缉令 老赖名单 丢尽脸 身败名裂 人尽皆知 全村都知道",
    ),
    *_phrases(
        "family_threat",
        "子女上学 孩子上学 影响孩子 影响你的孩子 影响子女 孩子的学校 "
        "孩子学校 你家人的安全 家人安全 连累家人 牵连家人 株连 政审 考公 参军 影响家人 你父母的 你的父母年纪",
    ),
    *_phrases(
        "induce_borrowing",
        "以贷养贷 拆东墙补西墙 借网贷 去借网贷 撸口子 借高利贷 高利贷 去借钱 借钱还 向亲友借 找亲戚借 "
        "找朋友借 找家人借 刷信用卡还 信用卡套现 套现 卖房 卖车 卖肾 卖血 把房子卖了 把车卖了 网贷平台借 "
        "其他平台借 别的平台借 平台借 再借一笔 借一笔 花呗还 借呗还",
    ),
    *_phrases(
        "deceptive",
        "上门费 外访费 催收费 催收服务费 律师费由你 手续费翻倍 金额翻倍 翻倍 利滚利 私人账户 个人账户 "
        "转账给我 转给我 打到我的卡 打到我卡上 转到我的 加我微信还款 "
        "每天加收 每日加收 额外收取 额外费用 违约金翻倍 内部渠道 特殊通道 不还就涨",
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# Chinese structures (regular expressions over the compact view).
# ---------------------------------------------------------------------------------------------------------------
CN_STRUCTURES: list[tuple[str, str, bool, bool]] = [
    # an invented fine: demanded, charged or added (a contract's penalty interest named as a consequence is lawful)
    (
        "deceptive",
        r"(?:交|缴|缴纳|支付|收取|加收|处以|处|罚)(?:\d+元?|[一二三四五六七八九十百千万]+元?)?(?:的)?(?:罚款|罚金)|(?:罚款|罚金)\d+",
        False,
        False,
    ),
    # (category, regex, lawsuit_ok, visit_ok). "{词}" stands for the word and its homophone / pinyin spellings.
    (
        "violence_threat",
        r"泼.{0,3}?(?:{油漆}|粪|汽油|硫酸)|(?:{出门}|{走路}|晚上回家).{0,4}?{小心}",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        r"(?:你|您)(?:的)?(?:{老婆}|{老公}|妻子|丈夫|{爸妈}|{父母}|{家人}|家里人|亲戚|朋友)(?:还)?(?:不知道|知道吗|知不知道)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"传票.{0,12}?\d+(?:个)?(?:小时|天|日)|\d+(?:个)?(?:小时|天|日)(?:(?!有权|可能|可以|或将|有可能).){0,12}?(?:传票|起诉|立案|开庭)",
        False,
        False,
    ),
    ("false_legal_claim", r"(?:构成|涉嫌|属于|按)(?:刑事|犯罪|诈骗)", False, False),
    ("false_legal_claim", r"(?:移交|转交|交给|报)(?:公安|警方|派出所|经侦)", False, False),
    (
        "impersonation",
        r"(?:我是|我们是|这里是|本人是)[^0-9]{0,10}?(?:{法院}|{公安}|{派出所}|检察院|{律师}|律所|{警官}|{警察}|司法局|仲裁|政府|街道办|居委会|金融监管)",
        False,
        False,
    ),
    (
        "impersonation",
        r"^(?:[a-z0-9\u4e00-\u9fff]{0,12})(?:{法院}|{公安局}|{派出所}|检察院|律师事务所|司法局|仲裁委员会|执行局)(?:通知|公告|提醒|告知)",
        False,
        False,
    ),
    (
        "visit_threat",
        r"(?:派|安排|组织)(?:\d+|几|多|一些)?(?:名|个|位)?(?:人|人员|同事|专员|外访员)(?:去|到|上|前往)",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        r"(?:通知|告诉|告知|联系|打给|找|发给|转告)(?:你|您)(?:的)?(?:家人|父母|爸妈|爸爸|妈妈|老婆|老公|妻子|丈夫|亲戚|亲友|朋友|兄弟|姐妹|家里人|配偶)(?!借|凑|要钱|拿钱)",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"(?:通知|告诉|告知|联系|打给|找|发给|举报)(?:你|您)(?:的)?(?:单位|公司|老板|领导|同事|hr|人事)",
        False,
        False,
    ),
    (
        "family_threat",
        r"(?:你|您)(?:的)?(?:{孩子}|子女|儿子|女儿|{家人}|{父母}).{0,8}?(?:上学|学校|工作|安全|前途|受影响|影响|遭殃|倒霉|经不起|受不了|担惊受怕|年纪大)",
        False,
        False,
    ),
    (
        "induce_borrowing",
        r"(?:借|贷|找人借|想办法借|凑).{0,6}?(?:还|还款|还上|还清)(?:我们|欠款|这笔)",
        False,
        False,
    ),
    ("deceptive", r"(?:每天|每日|一天|多拖一天|拖一天)(?:加收|罚|多收|增加|涨)\d*", False, False),
    (
        "public_shaming",
        r"(?:公布|发布|发到|发在|贴到|贴在).{0,8}?(?:朋友圈|微博|抖音|网上|群里|小区|村里|公司门口)",
        False,
        False,
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# English expressions (word view). US-HARASS, US-FALSE, UK-NO-MISLEAD, ...
# ---------------------------------------------------------------------------------------------------------------
EN_PATTERNS: list[tuple[str, str, bool, bool]] = [
    # (category, regex, lawsuit_ok, visit_ok)
    (
        "violence_threat",
        r"\b(?:kill|hurt|beat|harm|shoot|stab|break) (?:you|u|ur|your (?:legs?|arms?|face|bones|family|kids?))\b"
        # "we'll shoot you an email / a text / a quick note" is how reminders talk, not a threat
        r"(?! (?:an?|over|the) (?:quick |short |brief )?(?:email|e mail|text|message|note|line|reminder|link|invoice|dm|"
        r"copy|details|info|update|statement)\b)",
        False,
        False,
    ),
    (
        "violence_threat",
        r"\b(?:break|smash|burn|torch) (?:your|ur) (?:legs?|arms?|car|house|home|windows?|door)\b",
        False,
        False,
    ),
    (
        "violence_threat",
        r"\b(?:you(?:'?ll| will)? (?:get|be) (?:hurt|beaten|killed)|end up in (?:hospital|a hospital|the hospital)|in a body bag|watch your back|sleep with one eye open|something bad (?:will|could|might) happen)\b",
        False,
        False,
    ),
    (
        "violence_threat",
        r"\b(?:broken (?:legs?|bones)|funeral wreath|coffin|you(?:'re| are) dead)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:we know where you (?:live|work|sleep)|we(?:'re| are) watching you|we(?:'ll| will) find you|you can(?:not|'?t) hide|you(?:'ll| will) (?:be sorry|regret (?:this|it)|pay for (?:this|it))|you(?:'ll| will) regret|or else|you have been warned|last warning|make your life (?:hell|miserable)|teach you a lesson)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:call|text|ring|message) you (?:every (?:hour|day|night|minute)|day and night|nonstop|non stop|until you pay)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:never stop calling|won'?t stop calling|keep calling until|flood your phone|bombard you)\b",
        False,
        False,
    ),
    (
        "insult",
        r"\b(?:deadbeat|loser|scum|scumbag|idiot|stupid|moron|worthless|pathetic|liar|(?<!identity\s)thief(?! (?:using|who used|who stole|stole) your (?:identity|details|name))|parasite|trash|lowlife|low life|bitch|bastard|asshole|shameless|useless|"
        # a jerk (the lexicon leaves it out: "a knee-jerk reaction", jerk chicken)
        r"(?<!knee\s)jerks?(?! (?:chicken|pork|seasoning|sauce|marinade))|jerkwad)\b",
        False,
        False,
    ),
    (
        # US-HARASS (§1692d(2)): obscene or profane language, whoever it is aimed at
        "insult",
        r"\b(?:fuck\w*|motherf\w*|mother expletive|expletive|shit\w*|piece of (?:shit|crap|garbage|trash)|go to hell|"
        r"(?:god ?)?damn(?:ed)?|dumbass|dumb (?:cow|ass|bitch|idiot|pig)|jackass|lazy ass|your ass|"
        r"you\b(?: \w+\b)? (?:cow|pig|swine|dog|rat))\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:arrest(?:ed)?|jail(?:ed)?|prison|imprison(?:ed|ment)?|handcuff(?:s|ed)?|criminal (?:charges?|case|record|offen[cs]e|prosecution)|warrant for your arrest|arrest warrant|behind bars|locked up|police (?:will|are going to)|charged with (?:fraud|theft)|(?:commit(?:ting|ted)?|guilty of) (?:fraud|theft|a crime))\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:blacklist(?:ed)?|never (?:get|be able to get) (?:a )?(?:loan|credit|mortgage) again|(?<!may\s)(?<!might\s)(?<!could\s)(?<!able\sto\s)garnish (?:your )?wages|seize your (?:house|home|car|property|assets)|freeze (?:all )?your (?:bank )?accounts?|deport(?:ed|ation)?)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:(?:a )?lawsuit (?:has been|was) filed|we have (?:filed|started) (?:a )?(?:lawsuit|legal proceedings|court action)|court (?:summons|hearing|date)|summons (?:will be|has been) (?:issued|served|sent)|you (?:will|are going to) be (?:sued|taken to court|served)|we will (?:sue|take you to court|take legal action|start legal proceedings|file (?:a )?(?:lawsuit|claim))|legal action will be taken|(?:within|in) \d+ (?:hours|days) (?:you will|we will)|judgment (?:has been|was) (?:entered|issued))\b",
        True,
        False,
    ),
    (
        "impersonation",
        r"\b(?:this is (?:officer|detective|sergeant|agent|the police|the court|the sheriff|your (?:attorney|lawyer))|i am (?:an? )?(?:officer|detective|police officer|attorney|lawyer|bailiff|court officer)|we are (?:the police|the court|bailiffs|a law firm|attorneys|lawyers|enforcement agents|government)|officer [a-z]+ (?:from|of) |on behalf of the (?:court|police|government|sheriff)|the court has (?:instructed|ordered|authori[sz]ed)|federal agent|fbi|irs agent|sheriff'?s office)\b",
        False,
        False,
    ),
    # bailiffs (UK enforcement agents) act under a court's warrant: true once a judgment was obtained
    (
        "impersonation",
        r"\b(?:our bailiffs?|enforcement agents? (?:will|are))\b",
        True,
        False,
    ),
    (
        "impersonation",
        r"\b(?:legal notice from the court|court notice|police notice|final court order)\b",
        False,
        False,
    ),
    (
        "visit_threat",
        r"\b(?:(?:we|our (?:agents?|team|staff|people|field agents?)|someone|somebody|a collector|collectors) (?:will|are going to|is going to|shall) (?:come|visit|turn up|show up|knock)|(?:visit|come to|turn up at|show up at|knock on) (?:your|ur) (?:home|house|door|flat|apartment|place|address|parents|hometown)|home visit|doorstep (?:visit|you)|at your door)\b",
        False,
        True,
    ),
    ("visit_threat", r"\b(?:your (?:hometown|home town|village))\b", False, False),
    (
        "third_party_disclosure",
        r"\b(?:tell|inform|contact|call|notify|text|email|message|let) (?:your|ur) (?:family|parents|mother|mum|mom|father|dad|wife|husband|partner|spouse|relatives|friends|sister|brother|neighbou?rs?|emergency contact)\b",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        r"\b(?:your (?:family|parents|friends|relatives|neighbou?rs?) will (?:know|find out|hear)|everyone will know|the whole (?:family|town|village) will know)\b",
        False,
        False,
    ),
    (
        "contact_list_threat",
        r"\b(?:your (?:contacts|contact list|phone ?book|address book)|everyone in your (?:phone|contacts|address book)|all (?:of )?your (?:contacts|friends on))\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\b(?:(?:tell|inform|contact|call|notify|email|visit|report (?:you )?to) (?:your|ur) (?:employer|boss|manager|work ?place|office|colleagues|coworkers|co workers|hr|company)|your (?:employer|boss|colleagues|coworkers) will (?:know|find out|hear)|lose your job|get you fired)\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\b(?:(?:post|publish|share|put) (?:your )?(?:name|photo|picture|face|details|debt)s? (?:on|online|in)|social media|wall of shame|deadbeat list|name and shame|shame you|expose you|public(?:ly)? (?:list|notice board)|(?:put up )?posters? (?:of|with) (?:you|your (?:face|photo|picture|name))|put up posters)\b",
        False,
        False,
    ),
    (
        "family_threat",
        r"\b(?:your (?:kids?|children|child|son|daughter)(?:'?s)? (?:school|future|safety)|(?:your )?(?:kids?|children|family) (?:will )?(?:suffer|pay for|get hurt|be affected)|think (?:about|of) your (?:kids?|children|family)|(?:which|what) school your (?:kids?|children|child|son|daughter))\b",
        False,
        False,
    ),
    (
        "induce_borrowing",
        r"\b(?:(?:take|get) (?:out )?(?:a |another )?(?:payday |new |short term )?loan|borrow (?:money )?from (?:your )?(?:friends|family|parents|another lender|someone)|(?:use|try|find|apply for|go for|go to|go get|borrow from) (?:a |another |one of those )?payday (?:loans?|lenders?)|use (?:your|a) credit card to pay|max out (?:your )?credit card|sell your (?:house|home|car|kidney|jewel(?:le)?ry|belongings))\b",
        False,
        False,
    ),
    (
        "deceptive",
        r"\b(?:personal (?:bank )?account|(?:to|into|in|via|through) my account|my (?:bank )?account (?:number|details|no)|my (?:personal )?(?:paypal|venmo)|gift cards?|collection fee|processing fee|visit fee|(?:amount|debt|balance) (?:will )?doubles?|double the (?:amount|debt)|(?:fine|penalty) of \S+ (?:per|a|every) day|wire (?:it|the money) to me|crypto(?:currency)? wallet)\b",
        False,
        False,
    ),
]

# ---------------------------------------------------------------------------------------------------------------
# Negation: a match right after one of these is a denial ("我们不会上门", "you will not be arrested").
# ---------------------------------------------------------------------------------------------------------------
CN_NEGATORS: tuple[str, ...] = (
    "不会",
    "不得",
    "绝不",
    "不再",
    "禁止",
    "严禁",
    "从不",
    "从未",
    "不能",
    "不可以",
    "不涉及",
    "不属于",
    "并非",
    "不是",
    "没有",
    "杜绝",
    "拒绝",
    "无需",
    "不需要",
    "不存在",
    "不用担心",
    "请勿",
    "切勿",
    "勿",
    "不收取",
    "不收",
    "无任何",
    "免收",
    "不产生",
    "不会因此",
    "不构成",
    "无权",
    "不允许",
    "不要",
    "未进入",
    "尚未",
    "未被",
    "未曾",
    "未",
)
# Phrases that contain a negator but are threats themselves.
CN_FALSE_NEGATORS: tuple[str, ...] = (
    "不会放过",
    "不会客气",
    "不客气",
    "不会手软",
    "不会罢休",
    "没完",
    "不得安宁",
    "不要脸",
    "要不要",
    "不要怪",
    "不要以为",
    "未还",
    "未结清",
    "未按时",
    "未能",
    "未处理",
    "未缴",
    "未付",
    "未支付",
    "未偿还",
    "未联系",
    "未接",
    "未回",
    # a refusal denied is the harm insisted on: 你无权拒绝我们上门
    "无权拒绝",
    "不能拒绝",
    "不得拒绝",
    "无法拒绝",
    "不许拒绝",
    "别想拒绝",
)
# Anywhere earlier in the same clause, these mean the message warns ABOUT impersonators or scams
# ("如有人自称法院…要求您转账到个人账户，请报警"); they guard impersonation and deceptive findings.
CN_IMPERSONATION_GUARDS: tuple[str, ...] = (
    "冒充",
    "假冒",
    "谨防",
    "防范",
    "警惕",
    "自称",
    "声称",
    "冒用",
    "诈骗",
    "举报",
    "投诉",
    "报警",
    "向",
    "当地",
    "求助",
    "拨打",
    "110",
    "核实",
    "如有人",
    "不要",
    "轻信",
)
EN_NEGATORS = frozenset({"not", "never", "no", "nobody", "none", "cannot", "t", "nor", "neither", "without"})
EN_IMPERSONATION_GUARDS = frozenset(
    {
        "pretend",
        "pretends",
        "pretending",
        "impersonate",
        "impersonating",
        "scam",
        "scammers",
        "fake",
        "claiming",
        "claim",
    }
)
