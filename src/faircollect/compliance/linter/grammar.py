"""The threat grammar: who acts × what harm × to whom, in Chinese and in English.

The phrase lists (``patterns.py``) and the lexicon × trigger rules (``paraphrases.py``) catch wordings somebody
listed. Threats in real messages combine the same few parts in ever new ways: an actor (I, we, our people,
someone), a harm (bodily harm or death, ruin, exposure, loss of a job or business, arrest, a visit) and a target
(the borrower, the family, contacts, the workplace, property). This module states those parts once, as lexicons,
and composes them into structures. Each structure names the category its harm belongs to; the engine runs them
like the other rules (negation, context flags, spans into the original text).

Chinese structures match the compact view (simplified, lower case, no separators), so ``.{0,n}`` gaps count
characters, not words. English expressions match the word view (see ``patterns.py``).
"""

from __future__ import annotations

from faircollect.compliance.linter.context import CO_OBLIGOR, Declared, lawful_when

# ----------------------------------------------------------------------------------------------------- Chinese


def _alt(words: str) -> str:
    return "(?:" + "|".join(sorted(words.split(), key=len, reverse=True)) + ")"


_YOU = "(?:你|您|你们)"
_ACTOR = _alt("我 我们 我司 老子 兄弟们 兄弟 有人 会有人 我们的人 我的人 弟兄们 道上的朋友 几个人 一帮人")
_FAMILY = _alt(
    "老婆 老公 妻子 丈夫 孩子 儿子 女儿 小孩 子女 娃 父母 爸妈 爸爸 妈妈 老爸 老妈 爹妈 家人 全家 家里人 一家 "
    "一家人 家属 老人 爷爷 奶奶 外公 外婆 兄弟姐妹 亲人"
)
_PEOPLE = _alt(
    "家人 父母 爸妈 老婆 老公 亲戚 亲友 朋友 同学 同事 领导 老板 邻居 街坊 身边的人 身边人 "
    "身边所有人 周围的人 村委 村委会 居委会 街道办 村干部 村里人 亲朋好友 家里人"
)
_CONTACTS = _alt("通讯录 所有联系人 全部联系人 身边的人 身边人 身边所有人 周围的人 亲朋好友 通话记录")
_TELL = _alt("联系 通知 告诉 告知 打给 打电话给 发短信给 发信息给 发给 转告 通报 挨个打 一个个打 群发给 爆给")
_BODILY = _alt(
    "弄死 打死 砍死 捅死 整死 搞死 掐死 撞死 毒死 杀了 宰了 剁了 废了 打残 弄残 打断 砍断 剁掉 卸掉 卸了 "
    "收拾 教训 修理 放血 见血 见红 办了 做掉 灭了 揍 砍 捅"
)
_DEATH = _alt(
    "没命 送命 丢命 丧命 死定了 死路一条 去死 横尸 收尸 陪葬 偿命 见阎王 进棺材 躺进棺材 躺着出来 横着出来 "
    "缺胳膊少腿 断手断脚 残废 出事 出意外 有意外 遭殃 倒大霉 不得好死 好日子到头"
)
_SOON = _alt("会 要 就 得 准 迟早 早晚 等着 小心 当心 保不准 说不定 难保 一定 肯定 马上 立刻")
_EXPOSE = _alt(
    "曝光 公开 公示 张贴 贴到 贴在 贴出 贴满 挂到 挂在 挂出 发到 发在 发布到 发布在 群发 传到 放到 晒到 "
    "印成 广而告之 示众 游街 通告 公告 大字报 横幅"
)
_PUBLIC_PLACE = _alt(
    "村里 村口 村委 全村 老家 户籍地 居住地 小区 楼道 门口 单位 公司 学校 网上 网络 抖音 快手 微博 朋友圈 "
    "微信群 群里 贴吧 公告栏 电线杆 街坊 邻居 大街 菜市场"
)
_PERSONAL = _alt("照片 相片 人脸 头像 身份证 名字 姓名 欠款 欠条 借条 信息 资料 视频 影像 住址 电话 通讯录")
_JOB = _alt("工作 饭碗 单位 公司 岗位 职位 生意 店 买卖 前途 事业 编制 铁饭碗 名声 名誉 信誉 面子 脸面")
_LOSE = _alt(
    "丢了 丢掉 没了 保不住 待不下去 干不下去 混不下去 做不下去 做不成 开不下去 开除 辞退 黄了 搅黄 倒闭 关门 "
    "完了 毁了 毁掉 砸了 砸掉 丢尽 扫地 抬不起头"
)
_WORKPLACE = _alt(
    "单位 公司 工作单位 上班的地方 领导 老板 上司 同事 人事 人事部 hr 店里 厂里 工地 学校 客户(?!经理|服务|热线|端|专员|中心)"
)
_FAMILY_HARM = _alt(
    "出事 安全 遭殃 倒霉 连累 牵连 受累 受苦 受罪 替你还 帮你还 替你扛 扛着 买单 抬不起头 没脸 丢人 上不了学 "
    "读不了书 找不到工作 考不了公 当不了兵 结不了婚 政审"
)
_VISIT = _alt("上门 找上门 登门 家访 走访 外访 拜访 堵你 蹲你 守着你 找到你 找你家 去你家 到你家 来你家")
_SEND = _alt("派 安排 叫 让 喊 带 组织 调")
_STAFF = _alt("人 人员 同事 兄弟 外访员 外访人员 工作人员 催收员 专员 专人 小组 团队 律师 法务")
_AUTH = _alt(
    "公安 警察 警方 警官 民警 刑警 派出所 经侦 法院 法官 检察院 检察官 执行局 司法所 司法局 律师 律所 仲裁委 "
    "书记员 网警"
)
_ARREST = _alt("抓 拘 铐 逮捕 带走 关起来 坐牢 判刑 进去 吃牢饭 传唤 通缉 刑拘 强制措施 刑期 判你")
_SEIZE = _alt("冻结 查封 扣押 扣划 划扣 拍卖 没收 强制执行")
_ASSETS = _alt(
    # not 账户: a lender freezing its own account (止付, 冻结) is a fact; a collector freezing your bank cards is not
    "银行卡 支付宝 微信 财付通 工资卡 工资 房子 房产 车子 车辆 财产 资产 存款 公积金 社保"
)
_CRIME = _alt("诈骗 骗贷 恶意透支 犯罪 刑事 违法犯罪 非法占有 信用卡诈骗 合同诈骗")
_PAY_TRICK = _alt("私人账户 个人账户 私人账号 个人账号 私人卡 个人卡 私人微信 个人微信 私人支付宝 个人支付宝")
_FEE = _alt("解冻费 保证金 诚意金 手续费 验资费 销账费 服务费 上门费 律师费 工本费 加急费")

#: A gap between the parts of a structure never spans a negator: "我们不会公开你的信息" is a promise, not a threat.
_GAP = "[^不没别未勿无非]"

# Someone told they must pay the borrower's debt: a false consequence to a relative, friend or contact, but the
# truth to a guarantor or joint debtor, who is liable (lawful_when co_obligor, context.py).
LIABLE_TO_PAY = "(?:有义务|有责任|必须|得|应该|应当|就得|要负责)(?:替|帮|代|给)(?:他|她|他们)(?:还|还款|还钱|垫|承担|偿还|出|把钱|把账)"

CN_STRUCTURES: list[Declared] = [
    # bodily harm or death: (actor) … harm … target, and target … (soon) … death
    ("violence_threat", f"{_BODILY}{_YOU}", False, False),
    ("violence_threat", f"{_ACTOR}{_GAP}{{0,6}}?{_BODILY}{_GAP}{{0,3}}?{_YOU}", False, False),
    (
        "violence_threat",
        f"{_YOU}(?:的)?(?:{_FAMILY})?{_GAP}{{0,4}}?{_SOON}{_GAP}{{0,3}}?{_DEATH}",
        False,
        False,
    ),
    ("violence_threat", f"让{_YOU}(?:的)?(?:{_FAMILY})?{_GAP}{{0,3}}?{_DEATH}", False, False),
    ("violence_threat", "(?:拿|用|以)(?:你的?|自己的?)?命(?:来)?(?:还|抵|偿)|命(?:来)?抵债", False, False),
    # the family as target
    ("family_threat", f"{_YOU}(?:的)?{_FAMILY}{_GAP}{{0,6}}?{_FAMILY_HARM}", False, False),
    ("family_threat", f"{_BODILY}{_GAP}{{0,3}}?{_YOU}(?:的)?{_FAMILY}", False, False),
    (
        "family_threat",
        f"(?:让|叫|要)(?:{_YOU}的?)?{_FAMILY}{_GAP}{{0,4}}?(?:替|帮|给){_YOU}?(?:还|扛|处理|承担|买单)",
        False,
        False,
    ),
    # exposure: expose … data/place, or place … know
    ("public_shaming", f"{_EXPOSE}{_GAP}{{0,8}}?(?:{_PUBLIC_PLACE}|{_PERSONAL})", False, False),
    ("public_shaming", f"(?:{_PERSONAL}){_GAP}{{0,8}}?{_EXPOSE}", False, False),
    (
        "public_shaming",
        "让(?:全村|全小区|全公司|全单位|所有人|大家|街坊邻居|亲戚朋友|全世界|周围的人)(?:都)?(?:知道|看看|看到|认识)",
        False,
        False,
    ),
    ("public_shaming", "(?:出名|社死|身败名裂|名誉扫地|臭名远扬|人尽皆知)", False, False),
    # job, business, standing
    ("workplace_threat", f"{_JOB}{_GAP}{{0,4}}?{_LOSE}", False, False),
    ("workplace_threat", f"{_TELL}{_GAP}{{0,3}}?(?:{_YOU}的?)?{_WORKPLACE}", False, False),
    ("workplace_threat", f"(?:去|到|打到|找到|寄到|发到){_YOU}(?:的)?{_WORKPLACE}", False, True),
    # a visit: someone is sent, or comes to the borrower's places
    (
        "visit_threat",
        f"{_SEND}{_GAP}{{0,3}}?{_STAFF}{_GAP}{{0,8}}?(?:{_VISIT}|过去|过来|核实|找你)",
        False,
        True,
    ),
    (
        "visit_threat",
        f"{_STAFF}(?:已|已经|正在|马上|即将|会|将)(?:在)?(?:{_VISIT}|出发|到了|在路上)",
        False,
        True,
    ),
    ("visit_threat", f"(?:在|到)(?:{_YOU}的?)?(?:老家|户籍地|村里|小区|楼下|家门口)(?:了|附近)", False, True),
    # relatives, friends, contacts
    ("third_party_disclosure", f"{_TELL}(?:{_YOU}的?)?{_PEOPLE}", False, False),
    (
        "third_party_disclosure",
        f"{_PEOPLE}(?:都|也|已经|会|就)?(?:知道|晓得|清楚)(?:了|吗|吧|你)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        f"(?:同步|发送|转发|告知|透露)(?:给|到)?(?:{_YOU}的?)?{_PEOPLE}",
        False,
        False,
    ),
    (
        "contact_list_threat",
        f"{_CONTACTS}{_GAP}{{0,6}}?(?:联系(?!方式|电话)|通知|打|发|爆|群发|轰炸|挨个|一个个|知道|收到)",
        False,
        False,
    ),
    (
        "contact_list_threat",
        f"(?:联系|通知|打给|发给|爆|轰炸|获取|拿到)(?:了)?(?:{_YOU}的?)?{_CONTACTS}",
        False,
        False,
    ),
    # arrest, police, court
    (
        "false_legal_claim",
        f"(?:{_AUTH}){_GAP}{{0,6}}?(?:会|将|要|马上|已经)?{_GAP}{{0,3}}?{_ARREST}",
        False,
        False,
    ),
    ("false_legal_claim", f"移交(?:给)?(?:{_AUTH})", False, False),
    ("false_legal_claim", f"{_ARREST}{_YOU}", False, False),
    # property seized or frozen without a court (a collector cannot do it; said as a fact it misleads)
    (
        "false_legal_claim",
        f"{_SEIZE}{_GAP}{{0,2}}?(?:{_YOU}的?)(?:所有|全部|名下)?(?:的)?{_ASSETS}",
        False,
        False,
    ),
    (
        "false_legal_claim",
        f"(?:{_YOU}的?)(?:所有|全部|名下)?(?:的)?{_ASSETS}{_GAP}{{0,4}}?(?:会|将|要|就|马上|已经|已|被)(?:被)?{_SEIZE}",
        False,
        False,
    ),
    # the debt recast as a crime
    ("false_legal_claim", f"{_YOU}(?:已|已经)?(?:涉嫌|构成|属于|犯了){_GAP}{{0,4}}?{_CRIME}", False, False),
    ("false_legal_claim", f"面临{_GAP}{{0,3}}?(?:刑期|刑事|牢狱|坐牢|判刑|拘留)", False, False),
    ("false_legal_claim", f"(?:等着|就要|就会|马上|迟早|准备)被{_ARREST}", False, False),
    (
        "impersonation",
        f"(?:我是|我们是|这里是|这边是|本人是|我这边是)(?:{_GAP}{{0,8}}?)(?:{_AUTH})",
        False,
        False,
    ),
    ("impersonation", f"(?:{_AUTH})(?:通知|提醒|公告|协查|发函|来电|调查|办案)", False, False),
    # deception: private accounts, invented fees, contacts made liable
    ("deceptive", f"(?:转|打|汇|存|还)(?:到|入|给|进)?{_GAP}{{0,4}}?{_PAY_TRICK}", False, False),
    ("deceptive", f"(?:先|需|需要|必须|请)(?:交|付|缴|支付|缴纳){_GAP}{{0,3}}?{_FEE}", False, False),
    ("deceptive", "(?:紧急联系人|联系人|担保人以外|亲友).{0,6}?(?:承担|负|负责)(?:连带|还款)", False, False),
]

# issue 11, fourth session: colloquial forms written from the list (veiled threats against the family,
# "we know where …", no peace for the household, relatives pressed to pay, telling the borrower to die), held by
# hand-written probes (test_linter_chinese_colloquial.py)
_SIBLING = _alt("哥 哥哥 姐 姐姐 弟 弟弟 妹 妹妹 叔叔 阿姨 舅舅 姑姑 表哥 表姐 堂哥 亲戚 爸 妈 爹 娘")
CN_STRUCTURES += [
    # "where your daughter goes to kindergarten, we know": the borrower's or the family's places, known to us
    (
        "intimidation",
        f"(?:在|住)(?:哪|哪里|哪儿|哪个|哪家|什么)(?:个)?{_GAP}{{0,5}}?(?:我们|我|我们的人|兄弟们)(?:都|全|早就|早|已经)?"
        "(?:知道|清楚|晓得|查到|摸清|掌握|一清二楚)",
        False,
        False,
    ),
    # no peace for the household: "你们全家都别想过安生日子"
    (
        "intimidation",
        f"别想(?:再)?(?:过)?(?:安生|安稳|太平|舒坦|舒服|好)(?:的)?日子|(?:日子|生活){_GAP}{{0,2}}?(?:别想|甭想)(?:好过|安生|太平)",
        False,
        False,
    ),
    # hiding will not help: "别以为躲起来就没事"
    (
        "intimidation",
        f"别以为{_GAP}{{0,2}}?(?:躲|换号|换了号|跑|不接|拉黑|关机|装死){_GAP}{{0,5}}?(?:就)?(?:没事|完了|找不到|算了|能躲过|躲得掉)",
        False,
        False,
    ),
    # relatives pressed to pay: "叫你哥赶紧替你把钱还了"
    (
        "family_threat",
        f"(?:让|叫|要|喊)(?:{_YOU}的?)?(?:{_FAMILY}|{_SIBLING}){_GAP}{{0,4}}?(?:替|帮|给){_YOU}?(?:把)?(?:钱|账|欠款|债)?"
        "(?:还|扛|处理|承担|买单|垫)",
        False,
        False,
    ),
    # telling the borrower to die: "你还活着干什么", "怎么不去死"
    (
        "insult",
        "(?:还)?(?:有脸)?活着(?:干什么|干嘛|有什么用|有啥用|浪费)|有脸活着|怎么不去死|(?:不如|干脆|赶紧)(?:去)?死|死了算了",
        False,
        False,
    ),
]

# issue 11, fifth session (2026-12-04 evening): Chinese colloquial forms the probes of test_linter_chinese_recall.py
# missed, written from the list as structures (not sentences): the borrower's life as a thing of little worth
# or to be kept (你这条命不值几个钱, 留着你的小命), an "accident" (小心哪天被车撞了), the family praised then threatened
# (你女儿长得挺漂亮的，可惜了), the business asked whether it wants to stay open (你那个店还想不想开了) or smashed
# (砸了你的饭碗), the debt on the local news (登上本地头条), relatives and friends told to pay or told they must
# (让你哥把钱先垫上, 有义务替他还款, 这钱你得帮他还), and a relative hounded (天天找她)
_SHOP = _alt(
    "店 店铺 铺子 小卖部 超市 饭店 餐馆 饭馆 摊 摊位 摊子 生意 买卖 门面 厂 厂子 公司 工作 饭碗 招牌"
)
_CONTACT = _alt("朋友 同事 同学 亲戚 室友 邻居 联系人 紧急联系人 家人 老乡 战友")
CN_STRUCTURES += [
    # the borrower's life: "你这条命不值几个钱", "留着你的小命还钱", "你的狗命还要不要"
    (
        "violence_threat",
        f"(?:你|你的|你这条|你那条|你这|你那)(?:小|狗|贱|烂)?命{_GAP}{{0,3}}?(?:不值|值|就值|还要不要|要不要|不想要|保不住|难保|不保|"
        "悬了|悬|到头)|留[着著](?:你的?)?(?:小|狗|贱|烂)?命",
        False,
        False,
    ),
    # an "accident": "小心哪天被车撞了", "出门被人砍了可别怪我们"
    (
        "violence_threat",
        f"(?:小心|当心|保不准|说不定|难保)(?:哪天|某天|出门|晚上|走路|走夜路|路上|开车|上下班)?{_GAP}{{0,3}}?被(?:车|人|刀)"
        "(?:撞|打|砍|捅|弄|碾)",
        False,
        False,
    ),
    # the family praised, then a pity: "你女儿长得挺漂亮的，可惜了"
    (
        "family_threat",
        f"{_FAMILY}(?:长得|长的)?(?:挺|很|真|这么|那么|蛮|怪)?(?:漂亮|可爱|好看|乖|水灵|标致|聪明)(?:的)?(?:啊|呀)?"
        "(?:可惜|真可惜|万一|要是出|别出|出点|出了)",
        False,
        False,
    ),
    # the business: "你那个店还想不想开了", "砸了你的饭碗"
    (
        "workplace_threat",
        f"(?:{_SHOP}|{_YOU}(?:的|那个|这个|家的?|们的?)?{_GAP}{{0,4}}?(?:店|院|馆|厂|摊|铺|坊|行))(?:还)?"
        "(?:想不想|要不要|还想)(?:开|干|做|要|继续|摆|营业|经营)(?:了|下去)?",
        False,
        False,
    ),
    (
        "workplace_threat",
        f"砸(?:了|掉|烂)?(?:你的?|你们的?)?(?:饭碗|招牌|店|摊子?|生意)|(?:饭碗|招牌|摊子){_GAP}{{0,8}}?砸(?:了|掉|烂)",
        False,
        False,
    ),
    # the debt on the local news: "你的欠债事迹马上登上本地头条"
    (
        "public_shaming",
        f"(?:欠债|欠款|欠钱|老赖|丑事|事迹|丑闻|照片|名字|大名){_GAP}{{0,6}}?(?:登上|登|上了|上)(?:本地|当地|今日|明天的?|全市)?"
        "(?:头条|新闻|报纸|电视|热搜|公众号|广播|大屏)",
        False,
        False,
    ),
    # a relative or friend told to pay: "让你哥把钱先垫上", "叫你朋友把欠款还了"
    (
        "family_threat",
        f"(?:让|叫|要|喊)(?:{_YOU}的?)?(?:{_FAMILY}|{_SIBLING}|{_CONTACT}){_GAP}{{0,3}}?(?:把|将)(?:{_YOU}的?)?(?:钱|账|欠款|债)(?:先|给|赶紧|马上)?"
        "(?:垫|还|凑|交|补)",
        False,
        False,
    ),
    # … or told they must: "有义务替他还款", "这钱你得帮他还" (true, and allowed, to a guarantor or a joint debtor)
    ("deceptive", LIABLE_TO_PAY, lawful_when(CO_OBLIGOR)),
    # checked by a third set written after the structures above (8/12 blocked): a locked door at night, a shop with
    # days left, people of the borrower's told they will hear from us, a relative's pension frozen
    (
        "violence_threat",
        "(?:晚上|夜里|半夜|睡觉|出门|走路|回家|下班)(?:的时候|时)?(?:最好|可要|可得|千万)(?:锁好门|锁门|关好门|小心点?|注意点?|"
        "注意安全|当心点?|看好门)",
        False,
        False,
    ),
    (
        "workplace_threat",
        f"(?:{_SHOP}|超市|{_YOU}(?:的|那个|这个|家的?|们的?)?{_GAP}{{0,4}}?(?:店|院|馆|厂|摊|铺|坊|行|超市))(?:还|也)?"
        "(?:开不了几天|干不了几天|撑不了几天|做不了几天|开不长|做不长|干不长|关门大吉)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        f"(?:{_WORKPLACE}|{_CONTACT}|{_FAMILY}|{_SIBLING})(?:们)?(?:明天|马上|很快|今天|今晚|都|全都|也|就|每个|人人)*(?:会|将)?"
        "(?:接到|收到)(?:我们|我司|我们的|我司的)(?:电话|短信|通知|消息|催收)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        f"(?:退休金|养老金|存折|低保|抚恤金|工资卡){_GAP}{{0,6}}?{_SEIZE}|{_SEIZE}{_GAP}{{0,6}}?(?:退休金|养老金|存折|低保|抚恤金)",
        False,
        False,
    ),
    # a relative hounded: "我们就天天找她", "挨个打电话给你亲戚"
    (
        "intimidation",
        f"(?:天天|每天|一直|轮流|挨个|轮番)(?:去)?(?:找|打给|打电话给|骚扰|去找|堵)(?:她|他|他们|{_YOU}(?:的)?(?:{_FAMILY}|{_SIBLING}|"
        f"{_CONTACT}))",
        False,
        False,
    ),
]

# issue 11, sixth session (lin-zh, 2026-12-04 evening): structures written from the Chinese language of the real train
# split (new train-routed sources staged this session, docs/linter.md "Staged") and the list, as lexicon
# classes, not sentences: ironic "favours" that menace (我让你过个好年，让你爸你妈你姐都过个好年 — a Beijing
# collector's "撂狠话"), a slap promised in colloquial words (再嚷铲你一耳屎), traditional text whose particle 著 the
# character-level folding keeps (你等著, 走著瞧), Cantonese collection speech (淋紅油, 斬你, 搵你屋企人), a debtor
# denounced to third parties in the third person (某某欠債不還…真是知人知面不知心), and notices and paint on the home
# (寫大字, 泼红漆). Held by hand-written probes (test_linter_chinese_real.py), a held-back set written after them.
_ZH_KIN = _alt(
    "爸 妈 爹 娘 爸爸 妈妈 老爸 老妈 父母 爸妈 老婆 老公 媳妇 孩子 儿子 女儿 哥 姐 弟 妹 哥哥 姐姐 弟弟 妹妹 爷爷 奶奶 "
    "家人 全家 一家 一家人 家里人 屋企人 老豆 仔女"
)
_ZH_SLAP = _alt("耳光 耳屎 巴掌 嘴巴子 大嘴巴 大嘴巴子 耳刮子 大耳刮子 大耳光 耳巴子 大逼兜 大比兜 逼兜")
_ZH_PAINT = _alt("红油 红漆 油漆 红油漆 黑油 狗血 大粪")
_ZH_SPOT = _alt("家 屋企 门口 家门口 门上 墙上 楼道 楼下 公司 店 店门口 铺 铺头 店铺 档口 车 车上")
_ZH_THIRD = _alt("他 她 此人 这个人 该人 这人 此女 此男 该男子 该女子 这个女的 这个男的 这家伙 此人一家")
_ZH_AUDIENCE = _alt("大家 各位 亲们 朋友们 乡亲们 街坊们 邻居们 同事们 兄弟姐妹们 广大网友")
CN_STRUCTURES += [
    # an ironic favour that menaces: "我让你过个好年，让你爸你妈你姐都过个好年" (not 为了让您过个好年: 你 only, no 为)
    (
        "intimidation",
        f"(?<!为)(?<!为了)(?:让|叫)你(?:们)?(?:的?(?:{_ZH_KIN}|你)){{0,4}}(?:都|也|全家|一家)?过(?:个|一个)?(?:好年|肥年|好节|好日子)",
        False,
        False,
    ),
    (
        "intimidation",
        f"(?:我|老子|我们|咱们|我们的人|兄弟们)(?:会|就|一定|保证|非|要)?(?:让|叫)你(?:们)?(?:的?(?:{_ZH_KIN})){{0,4}}(?:都|也|全家|一家)?"
        "(?:知道(?:厉害|后果|我的厉害|我们的厉害|什么叫)|尝尝(?:厉害|滋味|苦头)|吃(?:点|些|尽)?苦头|长(?:长|点)?记性|后悔|好受|难受|"
        "生不如死|不得安宁|不好过|没好日子过|哭都哭不出来)",
        False,
        False,
    ),
    # menace idioms, also in traditional text where 著 stays 著 (你等著, 走著瞧)
    (
        "intimidation",
        "你(?:们)?(?:就|给我)?等著|(?:走|等)著瞧|有你(?:们)?(?:好受|好看|受)的|(?:没|没有|不会有)你(?:们)?(?:的)?好果子吃|"
        "给(?:我|老子)(?:记住|记着|记著|等着|等著)|你(?:会|就|一定会)后悔(?:的)?|后悔(?:都)?来不及|"
        "别(?:逼|怪)(?:我|我们|老子)(?:动手|翻脸|来硬的|不客气|不讲情面|心狠)",
        False,
        False,
    ),
    # a slap or a beating in colloquial words: "再嚷铲你一耳屎", "扇你两个大嘴巴子", "打得你满地找牙"
    (
        "violence_threat",
        f"(?:铲|扇|抽|甩|赏|呼|给)(?:你|你们)(?:一|两|几|俩|十)?(?:个|记|下)?{_ZH_SLAP}",
        False,
        False,
    ),
    (
        "violence_threat",
        "(?:削|扁|捶|锤|踹|斩|劈|剁|干死|打爆|爆)(?:你|你们)(?!的|们的|一下|看看)|"
        "(?:削|扁|捶|锤|踹|斩|劈|剁)(?:死|残|废|扁|爆)(?:你|你们)(?!的|们的|一下|看看)|"
        "(?:打|揍|扁|削|收拾)(?:得|到)(?:你|你们)(?:妈都不认识|满地找牙|爬不起来|跪地求饶|住院|进医院|下不了床|生活不能自理)",
        False,
        False,
    ),
    # Cantonese collection speech (HK): paint splashed on the home (淋紅油), a chopping, the family sought (搵你屋企人)
    (
        "intimidation",
        f"(?:淋|泼|喷|涂|倒)(?:你|你们)?(?:的|家|屋企)?(?:间|个|架|部|道|扇)?(?:{_ZH_SPOT})?(?:一身|一门口)?{_ZH_PAINT}",
        False,
        False,
    ),
    (
        "violence_threat",
        "(?:揾人|搵人|叫人|揾班人|搵班人|叫班人|揾兄弟|搵兄弟|叫兄弟|揾啲人|搵啲人)(?:嚟|来|去)?(?:斩|劈|打|郁|搞|队冧|做)(?:你|你屋企人|你屋企)|"
        "斩你|斩死你|斩开你|打到你(?:残|死|入医院|住院)",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        "(?:揾|搵|去揾|上门揾|打俾|打畀|通知)(?:你)?(?:屋企人|屋企|老豆|老母|阿爸|阿妈|老婆|仔女|个仔|个女|老细|公司|同事)",
        False,
        False,
    ),
    # notices and slogans on the home or the workplace: "寫大字", "在你家门口喷字"
    (
        "public_shaming",
        f"(?:写|喷|刷|涂)大字|(?:在|到|喺)(?:你|你的|你们)?(?:{_ZH_SPOT})(?:的)?(?:写字|喷字|刷字|涂字|贴字|写大字|喷大字|刷大字|贴大字|写标语|喷标语|刷标语|"
        f"贴标语|贴告示|贴大字报)|(?:喷字|刷字|涂字|写字|喷标语|刷标语|涂标语|写标语)(?:在|到|喺)(?:你|你的|你们)(?:{_ZH_SPOT})?",
        False,
        False,
    ),
    # a relative told to pay us: "叫你老公赶紧把钱给我们凑齐" (the fifth session's form with the payee named)
    (
        "family_threat",
        f"(?:让|叫|要|喊)(?:{_YOU}的?)?(?:{_FAMILY}|{_SIBLING}|{_CONTACT}){_GAP}{{0,4}}?(?:把|将)(?:钱|账|欠款|债|这笔钱|这笔账|你的钱|你的账|你的欠款|你的债|你钱|你的这笔钱)"
        "(?:先|赶紧|马上|尽快|今天)?(?:给|帮你|替你|帮|替)(?:我们|我司|我|你)?(?:先|赶紧|马上|尽快)?(?:垫|还|凑|交|补|打|转)",
        False,
        False,
    ),
    # a warning about the family's safety that is the threat: "小心家人出事", "看好你家孩子" (not 保护好家人财产安全)
    (
        "family_threat",
        f"(?:小心|当心)(?:你的?|你们的?|你家的?)?{_FAMILY}{_GAP}{{0,4}}?(?:出事|安全|安危|出意外|有意外|遭殃|倒霉|出点事|出什么事)|"
        f"(?:看好|看紧)你(?:的|家的?|们家的?)?{_FAMILY}",
        False,
        False,
    ),
    # children or the household made liable for the debt: "父债子偿" sent to a debtor's daughter (a 2021 Beijing case)
    (
        "deceptive",
        "(?:父|母|爸|妈)债(?:子|女|儿)(?:偿|还|来还)|(?:一人欠债|欠债)全家(?:偿|还|来还|买单)",
        False,
        False,
    ),
    # the reader's humanity denied: "你还是人吗", "你配做人吗" (not 您是本人吗, 是不是人工客服)
    (
        "insult",
        "你(?:们)?(?:还|简直|真|根本|到底|究竟)?(?:是不是人|还是人(?:吗|么|嘛|啊)|还是不是人|还算个人|还算人|"
        "算(?:个|什么)人(?:吗|么|嘛|啊)?|配(?:做|当)人|不是人|不配(?:做|当|为)人)(?!工|民|家|员|事|才|力|口|士|物|选|群|生)",
        False,
        False,
    ),
    # a debtor denounced to others in the third person: "此人欠债不还…", "大家认准这个人", "这种人千万别跟他做生意"
    (
        "third_party_disclosure",
        f"{_ZH_THIRD}(?:欠(?:债|钱|款|账)(?:不还|不给|赖账|跑路)|借钱不还|拒不还款|拒不还钱|一直赖账|赖账不还|是(?:个|一个)?(?:老赖|骗子|无赖))",
        False,
        False,
    ),
    (
        "public_shaming",
        f"{_ZH_AUDIENCE}(?:都)?(?:认准|看清|看看|擦亮眼睛|评评理|小心|提防|转发|扩散|帮忙转发)(?:一下)?(?:了)?(?:{_ZH_THIRD}|这种人|这张脸|此人)|"
        "知人知面不知心|(?:这种人|此人|这个人)(?:千万)?(?:不要|别|千万别|不能)(?:和|跟|与)?(?:他|她)?(?:做生意|来往|打交道|借钱给|交往|合作)",
        False,
        False,
    ),
]

# issue 11, seventh session (lin-zh): families of the real Chinese collection speech staged this session (train-routed
# pages only; docs/linter.md "Staged"), stated as lexicon classes × structures, not as the sentences, and held by
# hand-written probes written before and after them (test_linter_chinese_real_seventh.py): the borrower (or the
# family, or a limb) taken somewhere and harmed in a 把 construction, burial and drowning among the harms (我要把你帶去
# 山上活埋 — a Taiwan lawyer's page); notices about the debt posted where people live (我要在社區貼你的欠債公告); a third
# party told that the borrower owes us (您的朋友借了我們一筆錢 — said to a friend; lawful to a guarantor or joint
# debtor, who is liable); and the "注销校园贷" scam, an account to be cancelled or converted "or your credit record
# suffers" (如果不注销，将会影响个人征信).
_ZH_END = (
    _alt(
        "活埋 埋了 埋掉 沉塘 喂鱼 喂狗 灭口 弄残 打残 打断 打折 砍了 废了 剁了 卸了 宰了 弄死 打死 砍死 办了 做了"
    )[:-1]
    # thrown or sunk into water: 扔河里, 扔进江里, 沉到海里, 推下水库
    + "|(?:扔|丢|推|抛|沉)(?:进|到|下|入)?(?:河|江|海|湖|水库|水|井|粪坑)(?:里|中|底)?)"
)
_ZH_BODY = _alt("腿 手 脚 胳膊 手指 牙 头 脑袋 狗腿 狗头 腿脚 手脚")
_ZH_NOTICE_PLACE = _alt(
    "社区 小区 楼下 楼道 电梯 电梯里 门口 家门口 村口 街口 公告栏 宣传栏 菜市场 学校门口 单位门口 公司门口 厂门口 "
    "店门口 村里 老家 单位 公司 学校"
)
_ZH_NOTICE = _alt("公告 告示 通告 传单 大字报 照片 相片 头像 借条 欠条 欠款单 欠债信息 欠款信息 丑事 事迹")
_ZH_KNOWN = _alt(
    "朋友 同事 同学 亲戚 室友 邻居 老乡 战友 领导 员工 下属 家人 老婆 老公 孩子 儿子 女儿 爸爸 妈妈 哥哥 姐姐 弟弟 妹妹"
)
_ZH_US = _alt("我们 我司 我们平台 我们公司 我们这里 我们这儿 我们这边 我们这 本平台 平台")
_ZH_OWES = _alt("借了 借过 贷了 欠了 欠下 有一笔借款 有笔借款 有一笔欠款 有一笔贷款 的借款 的欠款 的贷款")
_ZH_ACCOUNT_ACT = _alt("注销 关闭 升级 转为 转成 转换 清空 清零 变更为")
CN_STRUCTURES += [
    # the borrower taken and harmed: "把你带去山上活埋", "把你腿打断", "把你扔河里喂鱼", "把你全家活埋了"
    (
        "violence_threat",
        f"把{_YOU}(?:的)?(?:{_FAMILY}|{_ZH_BODY})?(?:(?:带|拉|拖|绑|抓|弄|扔|丢)(?:到|去|上|进){_GAP}{{0,6}}?)?"
        f"(?:给)?(?:{_ZH_END}|{_BODILY})",
        False,
        False,
    ),
    ("violence_threat", f"(?:活埋|沉塘|灭口){_YOU}", False, False),
    # notices about the debt where people live: "在你们小区贴你的欠款告示", "你的欠债公告贴满整个社区"
    (
        "public_shaming",
        f"(?:在|到|去|往)(?:{_YOU}(?:的|们)?)?{_ZH_NOTICE_PLACE}{_GAP}{{0,4}}?(?:贴|张贴|挂|撒|发|派|公布|公示|喷|写)"
        f"(?:出|上|满|遍)?{_YOU}的",
        False,
        False,
    ),
    (
        "public_shaming",
        f"{_YOU}的?(?:欠债|欠账|债务|欠钱|欠款)(?:的)?{_ZH_NOTICE}{_GAP}{{0,4}}?(?:贴|张贴|挂|撒|发|传)(?:满|遍|到|在|出)",
        False,
        False,
    ),
    # a third party told that the borrower owes us: "您的朋友借了我们一笔钱", "你同学在我们平台借了钱"
    (
        "third_party_disclosure",
        # (each branch starts with its subject's characters, so the expression is only tried where one stands)
        f"[你您]们?的?{_ZH_KNOWN}(?:(?:在|从|向|跟)?{_ZH_US}{_ZH_OWES}|(?:借了|欠了|欠下|欠){_ZH_US})|"
        f"[他她](?<!其他)(?<!吉他)(?<!其她)(?:在|从|向|跟)?{_ZH_US}{_ZH_OWES}",
        lawful_when(CO_OBLIGOR),
    ),
    # the "注销校园贷" scam: an account cancelled or converted, "or your credit record suffers"
    (
        "deceptive",
        f"{_ZH_ACCOUNT_ACT}{_GAP}{{0,16}}?(?:否则|不然|要不然|(?:如|如果|若|若是|要是)不{_ZH_ACCOUNT_ACT}?)"
        f"{_GAP}{{0,4}}?(?:影响|上报|纳入|列入|录入|进入|上)(?:个人|你的|您的)?(?:征信|信用)",
        False,
        False,
    ),
]

# ----------------------------------------------------------------------------------------------------- English

_E_ACTOR = r"(?:i|we|our (?:people|guys|agents?|team|officers?|investigators?)|someone|somebody|they|my (?:guys|people|boys))"
_E_WILL = r"(?:will|ll|are going to|re going to|am going to|m going to|is going to|gonna|shall|can|could|might|may|have to|are about to)"
_E_KIN = (
    r"(?:family|wife|husband|partner|spouse|kids?|children|child|son|daughter|mother|mom|mum|father|dad|parents?|"
    r"brother|sister|relatives|grand(?:ma|pa|mother|father|parents)|in laws|pets?|dog|cat)"
)
_E_AUTH = (
    r"(?:police|sheriffs?|marshals?|constables?|deputy|deputies|bailiffs?|law enforcement|the authorities|(?:the )?(?:local |county |"
    r"district |federal |state )?(?:court|courts|court system)|prosecutor|district attorney|attorney general|fbi|irs|"
    r"investigators?|detectives?|officers?)"
)

EN_PATTERNS: list[tuple[str, str, bool, bool]] = [
    # bodily harm to the borrower, the family or pets
    (
        "violence_threat",
        rf"\b(?:kill|hurt|harm|poison|shoot|stab|beat|burn|bury) (?:your )?{_E_KIN}\b",
        False,
        False,
    ),
    (
        "violence_threat",
        rf"\b(?:you|your {_E_KIN}) {_E_WILL} (?:get |be )?(?:hurt|injured|killed|die|disappear|have an accident|end up dead)\b",
        False,
        False,
    ),
    (
        "violence_threat",
        r"\b(?:kill yourself|jump (?:off|in front of)|have (?:to|got to) kill you)\b",
        False,
        False,
    ),
    (
        "violence_threat",
        r"\b(?:an accident|something (?:bad|unfortunate|terrible)) (?:will|could|might|may|is going to) happen\b",
        False,
        False,
    ),
    (
        "family_threat",
        rf"\b(?:your )?{_E_KIN} {_E_WILL} (?:suffer|pay|be (?:hurt|affected|next))\b",
        False,
        False,
    ),
    (
        "family_threat",
        r"\b(?:not be allowed to|never) see your (?:children|kids|son|daughter)\b",
        False,
        False,
    ),
    # arrest, crime, courts and law enforcement coming
    (
        "false_legal_claim",
        r"\b(?:you (?:have )?committed (?:a )?(?:crime|fraud|check fraud|theft|felony)|(?:check|bank|wire) fraud|"
        r"criminal (?:matter|investigation|complaint|charges?)|legal matter pending)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        rf"\b{_E_AUTH} (?:will |is going to |are going to )?(?:come|coming|be coming) after you\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:sending|send|dispatch(?:ing)?|have) (?:a |the |an )?(?:marshal|sheriff|deputy|constable|officer|police|"
        r"process server|bounty hunter)s? (?:over|out|to|round)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:take|seize|repossess) your (?:property|house|home|car|belongings|furniture)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\bwarrant\b|\b(?:thrown|throw you|put you) (?:in|into) (?:jail|prison)\b",
        False,
        False,
    ),
    # pretending to be police, prosecutors, courts
    (
        "impersonation",
        r"\b(?:this is|i am|i m|we are|calling from|on behalf of) (?:the )?(?:senior |deputy |assistant |chief )?"
        r"(?:prosecutor|district attorney|attorney general|sheriff|marshal|constable|judge|magistrate|police|"
        r"detective|investigator|federal agent|court officer)\b",
        False,
        False,
    ),
    ("impersonation", r"\b(?:prosecutor|district attorney|da)(?: s)? office\b", False, False),
    (
        "impersonation",
        rf"\b(?:close )?(?:links|ties|connections?|working) (?:to|with) (?:the )?(?:metropolitan |local |state |federal )?{_E_AUTH}",
        False,
        False,
    ),
    (
        "impersonation",
        r"\b(?:bounty hunter|process server|fax order|officially (?:been )?notified)\b",
        False,
        False,
    ),
    # alarming pseudo payment failures
    (
        "deceptive",
        r"\b(?:payment (?:was |has been |is )?(?:declined|failed|rejected|bounced)|insufficient (?:ach|funds) transaction|"
        r"alert alert)\b",
        False,
        False,
    ),
    # the law invoked falsely: served, criminal proceedings, a court official or a government agency as sender
    (
        "false_legal_claim",
        r"\byou (?:have|ve) (?:now )?been (?:served|summoned|subpoenaed)\b|"
        r"\bcriminal (?:proceedings?|prosecution|investigation)\b|"
        r"\b(?:goes|go|going|sent|forwarded|referred|escalated) (?:on )?to (?:the )?(?:magistrate|judge|sheriff|police|"
        r"district attorney|prosecutor)\b",
        False,
        False,
    ),
    (
        "impersonation",
        r"\b(?:notice|message|call|letter|warning) from (?:the )?(?:\w+ )?(?:court clerk|clerk of (?:the )?court|"
        r"magistrate|sheriff s office|police department|prosecutor s office|district attorney s office)\b|"
        r"\b(?:federal|government) (?:debt )?(?:collections?|recovery|enforcement) "
        r"(?:agency|department|bureau|office|division)\b",
        False,
        False,
    ),
    # intimidation and ruin
    (
        "intimidation",
        r"\b(?:we|i|they|someone|somebody) (?:are |re |am |m |is |will |ll )?(?:be )?coming (?:for|after) you\b|"
        r"\b(?:ruin|destroy|finish) you\b|\b(?:ruin|destroy) your (?:life|reputation|name|career|family|marriage)\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\bnever (?:get|find|hold|keep) (?:another|a|any) (?:job|position)\b",
        False,
        False,
    ),
    # the debt told to references, or posted where others see it
    (
        "third_party_disclosure",
        r"\b(?:contact|contacting|call|calling|tell|telling) (?:all )?your references\b|"
        r"\b(?:telling|tell|inform|informing|let) (?:them|him|her|everyone|everybody|people) (?:know )?(?:that )?you "
        r"(?:owe|have not paid|haven t paid|are in debt|don t pay)\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\bpost(?:ing)? (?:\w+ ){0,4}(?:on|to|all over) (?:your |their |a )?(?:facebook|instagram|twitter|tiktok|"
        r"social media|wall|timeline|page|group)\b",
        False,
        False,
    ),
    # veiled threats: action against the family, "a shame if something happened"
    (
        "family_threat",
        rf"\b(?:action|proceedings|steps) against (?:you and )?your {_E_KIN}\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:shame|pity) if (?:something|anything) (?:happened|happens|were to happen)\b",
        False,
        False,
    ),
    # harassment promised: calls that will not stop whatever the borrower asks
    (
        "intimidation",
        r"\b(?:call|text|contact|phone|ring) you anyway\b|\bwe (?:don t|do not) care (?:that|if|what) you\b|"
        r"\b(?:keep|will keep) (?:calling|texting|ringing) (?:you )?(?:until|day and night|every day)\b",
        False,
        False,
    ),
    # the sheriff or a court officer coming to meet, serve or see the borrower's people
    (
        "false_legal_claim",
        r"\b(?:sheriff|marshal|constable|deput(?:y|ie)|bailiff|process server)s? (?:may |will |is going to |are going to |shall )?(?:now )?"
        r"(?:schedule|meet|serve|visit|come|attend|call on|show up)\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        r"\byour (?:hr|human resources|payroll|personnel)(?: div| division| department| dept| office| manager)?\b|"
        r"\b(?:meet|meeting|speak|talk) with your (?:employer|boss|manager|supervisor|hr)\b",
        False,
        False,
    ),
    # workplace, visit
    (
        "workplace_threat",
        r"\b(?:lose your job|(?:get|have) you (?:fired|terminated|sacked|let go)|your (?:boss|employer|manager) (?:will|is going to) (?:know|find out|hear)|"
        r"(?:residence|home) or (?:place of )?(?:business|work))\b",
        False,
        False,
    ),
    (
        "visit_threat",
        r"\b(?:serve|deliver) (?:these |the )?(?:documents|papers) at\b|\b(?:at|to) your (?:residence|doorstep)\b",
        False,
        True,
    ),
    # issue 11, English recall on real language (train misses and the rulebook's categories; see docs/linter.md):
    # law enforcement on its way to the borrower
    (
        "false_legal_claim",
        rf"\b{_E_AUTH} (?:is|are|s|re) (?:already |now )?on (?:his|her|their|its|the) way\b|"
        r"\b(?:pick you up|take you (?:in|into custody))\b",
        False,
        False,
    ),
    # … or anyone, by a pronoun, on the way to the reader's door: "When they mention the sheriff, he is already on his
    # way to your house." (the pronoun's referent is in another clause; the visit is the threat whoever makes it)
    (
        "visit_threat",
        r"\b(?:he|she|they|someone|somebody|an officer|a deputy|an agent|our agent|our team|a team) (?:is|are|s|re) "
        r"(?:already |now |currently |right now )?(?:on (?:his|her|their|the|its) way|en route|headed|heading) "
        r"(?:over |round |out |back )?(?:to |towards? )(?:you\b|your (?:\w+ )?(?:home|house|place|address|door|doorstep|"
        r"work|job|workplace|office|residence|apartment|flat))",
        False,
        True,
    ),
    # an invented court action: respondent, must appear, show cause, restraining order, a complaint filed
    (
        "false_legal_claim",
        r"\b(?:have been|ve been|has been|are|re|were|was) named (?:as )?(?:a |the )?(?:respondent|defendant)\b|\border to show cause\b|\brestraining order\b|"
        r"\bclaim and affidavit\b|\b(?:complaint|case|claim|suit) (?:is |has been |was |being |been )?filed against you\b",
        True,
        False,
    ),
    # criminal escalation: charges filed or pressed, prosecution
    (
        "false_legal_claim",
        r"\b(?:file|filing|press|pressing|bring|bringing) (?:criminal )?charges\b|"
        r"\b(?:immediate|criminal|for) prosecution\b",
        False,
        False,
    ),
    # crimes alleged and authorities invoked: under investigation, a felony, reported to the IRS, evicted
    (
        "false_legal_claim",
        r"\byou (?:are|re) (?:now |currently )?under (?:criminal |federal |a )?investigation\b|"
        r"\b(?:not paying|non ?payment|this|that|what you did|it) (?:is|was) (?:a )?(?:felony|crime|criminal offen[cs]e)\b|"
        r"\bbad check\b|\breport(?:ing|ed)? you to (?:the )?(?:irs|police|fbi|authorities|district attorney|prosecutor)\b|"
        r"\b(?:you|your family) (?:will|ll|are going to|re going to) be evicted\b",
        False,
        False,
    ),
    # served or judged, said as a fact the lender cannot state without a lawsuit
    (
        "false_legal_claim",
        r"\byou (?:are|re) being served\b|\bjudgment (?:will be|is being|shall be) entered\b",
        True,
        False,
    ),
    # phantom-debt scripts: a courier with legal documents, service of process, a file readied for court
    (
        "false_legal_claim",
        r"\bcourier (?:will be|is being|has been|is going to be) (?:dispatched|sent|assigned)\b|"
        r"\b(?:deliver|sign for) (?:the |these |your )?legal (?:documents|papers)\b|\bservice of process\b|"
        r"\b(?:prepared|being prepared|preparing|ready) for (?:litigation|filing|court|suit)\b|\bauthori[sz]ed to proceed\b|"
        r"\bproceed with (?:a |the )?(?:civil |legal )?(?:suit|lawsuit|litigation|matter as filed)\b|"
        r"\bforward (?:this|it|your (?:file|account)) to (?:the |our |an )?(?:attorney|lawyer|legal department)s? for "
        r"(?:filing|litigation|suit)\b|\bbefore it goes to court\b|\brequired to appear\b|\bappear before (?:the |a )?judge\b",
        True,
        False,
    ),
    (
        "false_legal_claim",
        r"\bcharges against you\b|\bintent to defraud\b|\bdefraud(?:ing|ed)? (?:a |the )?(?:financial institution|bank|lender)\b",
        False,
        False,
    ),
    # investigative or government units as the sender
    (
        "impersonation",
        r"\b(?:civil|criminal|fraud|financial|special|federal|national|economic) (?:investigations?|enforcement|crimes?) "
        r"(?:unit|division|department|bureau|task force|center|centre)\b",
        False,
        False,
    ),
    # alarms posing as payment failures: a failed or returned payment with an alarm or an immediate call-back
    (
        "deceptive",
        r"\b(?:urgent|alert|warning|final notice)\b[^.!?]{0,40}\bpayment (?:could not be processed|was returned|"
        r"returned|did not go through|has been returned)\b|"
        r"\bpayment (?:could not be processed|was returned|has been returned|did not go through)(?: unpaid)?\b[^.!?]{0,10}"
        r"[.!?]? ?(?:call|contact us|respond)[^.!?]{0,30}\b(?:immediately|urgently|right away|within \d+ hours|"
        r"to avoid (?:further|legal|account))\b",
        False,
        False,
    ),
    # third parties pressed to pass pressure on
    (
        "third_party_disclosure",
        rf"\b(?:have|get|tell|ask) (?:your )?{_E_KIN} (?:to )?(?:call|pay|contact)\b",
        False,
        False,
    ),
    (
        "third_party_disclosure",
        rf"\b{_E_ACTOR} {_E_WILL} (?:tell|call|contact|inform|notify) (?:your )?{_E_KIN}\b",
        False,
        False,
    ),
]

# issue 11, fourth session: English lexicons widened from the rulebook's categories (US-HARASS: name-calling and
# abusive language; intimidation by veiled menace; US-FALSE: government agencies and officers as the sender), held
# by hand-written probes (test_linter_english_lexicon.py), not by training rows or sealed items.
_E_INSULT_NOUN = (
    r"(?:freeloader|moocher|leech|bum|dirtbag|scoundrel|cheater|clown|imbecile|dimwit|halfwit|degenerate|"
    r"good for nothing|no good|waste of (?:space|air|oxygen)|disgrace|embarrassment|failure|joke|fool|"
    r"pathetic excuse|sorry excuse)"
)
EN_PATTERNS += [
    # name-calling: "you freeloader", "you're a joke", "too dumb to …", "shame on you"
    (
        "insult",
        rf"\byou (?:re |are )?(?:such |just |nothing but |a real |a total |a complete |a |an )*{_E_INSULT_NOUN}\b|"
        r"\byou (?:re |are )(?:so |too |really |just )?(?:dumb|stupid|ignorant|useless|worthless|lazy|irresponsible|"
        r"pathetic|hopeless|spineless|gutless)\b|\btoo (?:dumb|stupid|lazy|ignorant) to\b|"
        r"\b(?:freeloaders?|moochers?|dirtbags?|scoundrels?|imbeciles?|dimwits?|halfwits?|good for nothing|waste of (?:space|oxygen)|"
        r"deadbeats|losers|scumbags|idiots|morons|lowlifes|(?:sorry|pathetic) excuse for an?)\b|"
        r"\b(?:ashamed of yourself|shame on you|have you no shame|shut up|shut your (?:mouth|face)|grow up and pay)\b",
        False,
        False,
    ),
    # veiled menace: what happens next, things getting ugly, not stopping, "consider yourself warned"
    (
        "intimidation",
        r"\b(?:don t|do not|wouldn t|would not) want to (?:find out|see|know|learn) what (?:happens|will happen|comes next|"
        r"we (?:do|will do|can do))\b|"
        r"\b(?:things|this|it|matters) (?:is |are |will |s |re |could |can )?(?:going to |gonna |about to )?(?:get|turn|become) "
        r"(?:very |really |real )?(?:ugly|nasty|messy|personal)\b|"
        r"\b(?:will not|won t|are not going to|re not going to|not going to|never) (?:stop|give up|go away|leave you alone|"
        r"let (?:this|it|you) go)(?: \w+){0,3} until\b|"
        r"\bconsider (?:yourself|this (?:your|a) (?:final |last )?(?:warning|notice)) ?(?:warned)?\b|"
        r"\b(?:be|are|re|ll be|will be) waiting for you\b(?! to)|"
        r"\b(?:no idea|don t know) who you (?:re|are) (?:dealing|messing|playing) with\b|\bmess(?:ing)? with the wrong\b|"
        r"\b(?:don t|do not) make (?:us|me) (?:come|find|visit|look for|send)\b|"
        r"\bwe know (?:what|which) (?:car|vehicle|school|gym|bus|church)\b|"
        r"\bwe know (?:who|where) your (?:\w+ )?(?:are|is|works?|lives?|goes|go|plays?)\b|"
        r"\bwe (?:have|ve got|got) (?:eyes|people|someone) on you\b|\b(?:or|and) face (?:the |dire |serious |severe |grave |the full )?consequences\b|"
        r"\b(?:we|i|they) (?:are|re|am|m|will be|ll be) coming to get you\b",
        False,
        False,
    ),
    # government agencies and officers as the sender: the IRS, the Department of Justice, a state attorney's office,
    # a badge number, a warrant division, a "legal processing" unit
    (
        "impersonation",
        r"\b(?:calling|call|message|notice|letter|contacting you) (?:from|on behalf of) (?:the )?(?:internal revenue service|"
        r"irs|department of (?:justice|the treasury|homeland security|revenue|corrections)|u ?s (?:treasury|marshals?)|"
        r"homeland security|social security administration|attorney general|(?:state|county|district|city) "
        r"(?:attorney|prosecutor|court|police|sheriff)s?(?: s)?(?: office)?)\b|"
        r"\bbadge (?:number|no|id)\b|\b(?:state|county|district|city) (?:attorney|prosecutor) s office\b|"
        r"\blegal (?:processing|process|enforcement) (?:department|unit|division|center|centre|office|services)\b|"
        r"\b(?:warrant|arrest|warrants) (?:division|department|unit|office|section)\b|"
        r"\b(?:sergeant|sgt|lieutenant|trooper|detective|inspector|constable|deputy) [a-z]+ (?:from|of|with|at)\b",
        False,
        False,
    ),
]
EN_PATTERNS += [
    # menace said as an idiom: "if you know what's good for you", "hunt you down", "it's a promise"
    (
        "intimidation",
        r"\bif you know what (?:s|is) good for you\b|\bhunt you down\b|\b(?:not|never|aren t|am not|m not) (?:playing|here to play) "
        r"games\b|\b(?:it s|it is|that s|that is) a promise\b|\bmake an example (?:out )?of you\b|\bdon t test me\b|"
        r"\byou (?:d |had )?better pay up\b",
        False,
        False,
    ),
    # invented proceedings said as pending or being filed (lawful when a lawsuit really was filed)
    (
        "false_legal_claim",
        r"\bpending (?:case|lawsuit|suit|litigation|legal action)\b|"
        r"\b(?:case|suit|lawsuit|action|claim|charges?) (?:is |are |has been |have been )?pending against you\b|"
        r"\bcivil (?:suit|action) (?:is |has been )?(?:pending|filed|opened)\b|"
        r"\b(?:filing|file|filed) (?:a |an )?(?:claim|suit|lawsuit|complaint|case) against you\b",
        True,
        False,
    ),
    # remedies a collector cannot take or promise: liens, everything taken, the account "flagged for fraud"
    (
        "false_legal_claim",
        r"\b(?:put|place|file|slap) a lien (?:on|against)\b|\btake (?:everything|all) (?:you have|you own|you ve got)\b|"
        r"\bflagged for (?:fraud|investigation|criminal)\b",
        False,
        False,
    ),
    # a third party told to pass the debt on: "tell her she owes us"
    (
        "third_party_disclosure",
        r"\btell (?:her|him|them) (?:that )?(?:she|he|they) (?:owes?|needs? to pay|has to pay|have to pay|must pay)\b",
        False,
        False,
    ),
]

# issue 11, eighth session (lin-prec): ruin said outright, and the help that will not come. "Don't worry about the
# letter, you will lose everything you own anyway." only warned (the model's P 0.92 without "Don't worry"): no rule
# read the loss of everything. A definite modal only ("you could lose your home if …" is the UK's mandated mortgage
# warning), and everything, not one thing. "Nobody can stop the sheriff from arresting you now." warned: the harm
# is announced through the obstruction that will not come.
EN_PATTERNS += [
    (
        "intimidation",
        r"\b(?:you(?: ll| will| are going to| re going to| re gonna| are gonna| will soon| stand to)?|you ll have) "
        r"(?:lose|lost|be losing|be left with|end up with|have) (?:everything|it all|all you (?:have|own|ve got)|"
        r"every(?:thing| last thing| penny) you (?:own|have|ve got|love|worked for)|nothing(?: left)?|"
        r"all your (?:stuff|things|possessions|belongings|savings))\b"
        r"|\b(?:make sure|see to it that|see that) you (?:end up|are left|re left|lose) (?:with nothing|everything|"
        r"on the streets?|homeless|penniless|broke)\b"
        r"|\b(?:you ll|you will|you are going to|you re going to) (?:end up|be) (?:on the streets?|homeless|penniless)\b"
        r"|\b(?:take|strip you of|seize|repossess) everything you (?:own|have|ve got|love)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:nobody|no one|nothing|no lawyer|no attorney|no court|no judge|not even (?:your |a )?\w+) (?:can|could|"
        r"will|is going to) (?:stop|save|protect|prevent|keep|spare|shield) (?:\w+ ){0,3}?from (?:arresting|jailing|"
        r"locking|detaining|coming|visiting|seizing|taking|garnishing|suing|showing up|knocking|being (?:arrested|"
        r"jailed|sued|locked up|detained|evicted|visited))\b",
        False,
        False,
    ),
]
EN_PATTERNS += [
    # a lawsuit said as being filed, with words between ("We are filing a large lawsuit against you"): it blocked
    # only as induce_borrowing, for the bare "payday loan" after it, which is the debt's kind, not a push to borrow
    (
        "false_legal_claim",
        r"\b(?:filing|file|filed|bringing|bring|starting|initiating) (?:a |an )?(?:\w+ ){1,2}?(?:claim|suit|lawsuit|"
        r"complaint|case|action) against you\b",
        True,
        False,
    ),
]
CN_STRUCTURES += [
    # ruin said outright: 你会一无所有, 让你倾家荡产, 让你家破人亡
    (
        "intimidation",
        r"(?:让|叫|要|会|将|得)你(?:变得)?(?:一无所有|倾家荡产|家破人亡|无家可归|流落街头|身无分文)",
        False,
        False,
    ),
    (
        "intimidation",
        r"(?:你|你们家|你全家)(?:会|将|就会|迟早|马上|早晚)(?:变得)?(?:一无所有|倾家荡产|家破人亡|无家可归|流落街头)",
        False,
        False,
    ),
]

# issue 11, fifth session: the English threat grammar widened for real collector language (arrest and custody,
# papers served at work, wages and assets taken, invented proceedings "filed today", licences and passports, scam-
# style voicemails from "units" and "divisions"), composed from lexicons of actor × harm × target so that paraphrases
# match, not sentences. Written from the rulebook (US-FALSE: threatening arrest or imprisonment, action not intended
# or not lawful, false legal process, government affiliation; US-3P; US-WORKPLACE) and held by hand-written probes
# (test_linter_english_grammar.py); neither training rows nor sealed items. Civil remedies stay lawful when hedged
# ("may", "could", "if a judgment is entered"): the expressions below ask for a definite modal.
_E_WILL_DEF = (
    r"(?:will|ll|are going to|re going to|am going to|m going to|is going to|s going to|gonna|shall|are about to|"
    r"re about to|is about to|intend to|plan to|are preparing to|re preparing to|have no choice but to|will now|"
    r"will be forced to|ll be forced to|must now)"
)
_E_OFFICER = (
    r"(?:officers?|deput(?:y|ies)|sheriffs?|marshals?|constables?|police(?: officers?)?|agents?|investigators?|"
    r"detectives?|troopers?|process servers?|couriers?|field agents?|law enforcement(?: officers?)?|units?|"
    r"a squad car|patrol)"
)
_E_CUSTODY = (
    r"(?:take you into custody|taken into custody|placed under arrest|place you under arrest|book(?:ed)? you|lock you up|"
    r"have you locked up|detain(?:ed)? you|be detained|be apprehended|apprehend you|cuff you|be cuffed|be handcuffed|"
    r"be jailed|be imprisoned|be incarcerated|go to jail|go to prison|end up in (?:jail|prison|a cell)|spend (?:the night|"
    r"time|\w+ (?:days|nights|months|years)) (?:in|behind) (?:jail|prison|a cell|bars)|jail time|prison time|"
    r"prison sentence|jail sentence|bring you in|haul you in)"
)
_E_PLACE_WORK = r"(?:work|job|workplace|work place|place of (?:employment|work|business)|employer|office|job site|worksite)"
_E_WORK_PEOPLE = (
    r"(?:employer|boss|manager|supervisor|workplace|hr|human resources|payroll(?: department| office)?|personnel "
    r"(?:office|department)|coworkers?|co workers?|colleagues?)"
)
_E_ASSETS = (
    r"(?:wages|paychecks?|pay checks?|salary|earnings|bank accounts?|(?:checking|savings|chequing) accounts?|accounts|assets|property|belongings|car|vehicle|"
    r"truck|house|home|tax refunds?|social security(?: benefits| checks?)?|benefits|pension|savings)"
)
_E_PROCEEDING = (
    r"(?:lawsuit|law suit|suit|complaint|case|claim|legal action|legal proceedings|court action|petition)"
)
_E_SOON = (
    r"(?:today|tonight|tomorrow|this (?:week|morning|afternoon|evening)|within (?:the next )?(?:\d+|twenty four|forty "
    r"eight|seventy two|24|48|72) (?:hours|business days|days)|by (?:end of (?:day|business)|close of business|\d+ ?[ap]m)|"
    r"immediately|as we speak|in the morning|first thing)"
)
_E_COURTHOUSE = r"(?:(?:county|district|civil|superior|circuit|small claims|federal|municipal|local) court(?:house)?|courthouse)"
_FIFTH: list[tuple[str, str, bool, bool]] = [
    # arrest and custody, said with any actor or none: "officers will take you into custody", "you will be detained"
    (
        "false_legal_claim",
        rf"\b{_E_CUSTODY}\b|\b(?:result|end|ends|results) in (?:your |an |immediate )?(?:arrest|detention|"
        r"incarceration|imprisonment|prosecution|criminal charges|a warrant)\b|\b(?:locate|find|pick up|apprehend) you "
        r"and (?:arrest|detain|take|bring)\b|\bwarrant (?:is being|has been|will be|was) (?:drafted|prepared|issued|"
        r"requested|signed|filed|sworn out)\b|\b(?:request|requesting|seek|seeking|obtain|get|getting|issue|issuing) "
        r"(?:a |an )?(?:bench |arrest )?warrant\b",
        False,
        False,
    ),
    # officers sent: "officers will be dispatched to your address", "a deputy has been assigned to locate you"
    (
        "false_legal_claim",
        rf"\b(?:an? |the |our |local )?{_E_OFFICER} (?:will be|are being|is being|has been|have been|to be|are|is|were|"
        r"was) (?:now |already )?(?:(?:dispatched|sent|assigned|deployed)(?: out)? to (?:your (?:\w+ )?(?:home|house|"
        r"address|residence|door|work|job|workplace|office|location|area|neighbou?rhood|place of \w+)|locate|find|serve|"
        r"pick|arrest|detain|apprehend|visit|bring|take|collect you|you\b)|(?:dispatched|deployed)\b|en route\b|"
        r"(?:headed|heading) (?:to|your way|over|out)\b|on (?:standby|stand by)\b)",
        False,
        False,
    ),
    # a visit from the law: "expect a visit from the police", "a knock on your door from the sheriff"
    (
        "false_legal_claim",
        r"\b(?:visit|knock|call|house call|stop) (?:on your door )?from (?:the |a |an |your )?(?:local |county |city |"
        r"state |federal )?(?:police|sheriff|sheriff s (?:office|department)|deputy|deputies|marshals?|constable|"
        r"law enforcement|authorities|fbi|detectives?|officers?)\b",
        False,
        False,
    ),
    # turned over to the authorities: "this matter will be turned over to law enforcement"
    (
        "false_legal_claim",
        r"\b(?:turn(?:ed|ing)?|hand(?:ed|ing)?|pass(?:ed|ing)?|submit(?:ted|ting)?|transfer(?:red|ring)?|report(?:ed|ing)?|"
        r"refer(?:red|ring)?|forward(?:ed|ing)?) (?:(?:this|it|you|your (?:file|case|account|name)|the (?:file|case|"
        r"matter|account)) )?(?:over )?to (?:the )?(?:local |county |state |federal )?(?:law enforcement|authorities|"
        r"police(?: department)?|sheriff(?: s office| s department)?|criminal (?:court|division|investigators?)|"
        r"fraud (?:unit|division|investigators?)|fbi|district attorney|d ?a s office|prosecutors?)\b",
        False,
        False,
    ),
    # papers served at work or before others: "a process server will serve you at your place of employment"
    (
        "workplace_threat",
        rf"\bserv(?:e|ed|ing) (?:you |with (?:the )?(?:papers|documents|summons) )?(?:with (?:the )?(?:papers|documents|"
        rf"summons) )?(?:at|to) (?:your )?{_E_PLACE_WORK}\b|\bserved (?:at|to) (?:your )?{_E_PLACE_WORK}\b|"
        rf"\b(?:papers|documents|paperwork|summons|notices?|subpoena|warrant)(?: (?:is|are|will be|is being|are being|being|"
        rf"have been|has been|is going to be|are going to be) (?:delivered|sent|served|mailed|faxed|brought|taken|"
        rf"dropped off))? (?:to|at) your {_E_PLACE_WORK}\b|"
        rf"\b(?:at|to) your (?:home|house|residence) or (?:at )?(?:your )?{_E_PLACE_WORK}\b|"
        rf"\b(?:at|to) your {_E_PLACE_WORK} or (?:at )?(?:your )?(?:home|house|residence)\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\bin front of (?:all )?your (?:co ?workers?|colleagues|boss|manager|employees|customers|clients|neighbou?rs|"
        r"kids|children|family|friends|church|congregation)\b",
        False,
        False,
    ),
    # the employer told: "we will contact your employer", "your supervisor will be notified"
    (
        "workplace_threat",
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:be )?(?:contact(?:ing)?|call(?:ing)?|notify(?:ing)?|inform(?:ing)?|tell(?:ing)?|"
        rf"reach(?:ing)? out to|speak(?:ing)? (?:to|with)|talk(?:ing)? (?:to|with)|visit(?:ing)?|email(?:ing)?|writ(?:e|ing) "
        rf"to|send(?:ing)? (?:\w+ ){{0,2}}to|involv(?:e|ing)) your (?:\w+ )?{_E_WORK_PEOPLE}\b(?! to (?:verify|confirm))|"
        rf"\byour (?:\w+ )?{_E_WORK_PEOPLE} (?:will|is going to|are going to|ll) (?:be )?(?:notified|contacted|informed|"
        r"told|called|hear about|find out|learn about|receive)\b|"
        rf"\b(?:call|calling|contact|contacting|phone|phoning) your (?:work|workplace|job|office)\b(?! (?:number|phone|"
        r"line|extension))",
        False,
        False,
    ),
    # wages and assets taken, said as definite: "we will begin wage garnishment", "your wages will be garnished"
    (
        "false_legal_claim",
        rf"\b(?<!may\s)(?<!might\s)(?<!could\s)(?<!able\sto\s)(?:garnish(?:ing)?|seiz(?:e|ing)|levy(?:ing)?|"
        rf"freez(?:e|ing)|attach(?:ing)?|take|taking|repossess(?:ing)?) (?:on )?(?:all )?(?:of )?your (?:{_E_KIN} s )?{_E_ASSETS}\b|"
        rf"\byour {_E_ASSETS} (?:will|are going to|is going to|ll|are about to|is about to) be (?:garnished|seized|levied|"
        r"frozen|taken|attached|repossessed|confiscated)\b|\b(?:begin|start|initiate|process|proceed with|commence|"
        r"set up|begin the|start the) (?:a |the )?(?:wage |payroll |bank )?(?:garnishment|levy|seizure)\b",
        True,
        False,
    ),
    # proceedings filed "today": "a lawsuit is being filed against you today at the county courthouse"
    (
        "false_legal_claim",
        rf"\b(?<!if\sa\s)(?<!if\sthe\s)(?<!if\san\s){_E_PROCEEDING} (?:against you )?(?:is being|will be|has been|is going to "
        rf"be|is about to be|is scheduled to be|are being|to be) (?:filed|initiated|commenced|submitted|opened|lodged|docketed)\b"
        rf"(?:(?: \w+){{0,4}} (?:{_E_SOON}|in (?:the |your )?{_E_COURTHOUSE}|at (?:the )?{_E_COURTHOUSE}|in your county)\b)?|"
        rf"\b(?:approved|cleared|scheduled|recommended|slated|set) for (?:immediate )?(?:legal action|litigation|suit|"
        r"lawsuit|filing|prosecution|court)\b|"
        r"\b(?:escalated|forwarded|transferred|referred|sent|assigned|moved) to (?:our |the |an? )?(?:litigation|legal|"
        r"attorney|law firm|attorneys|lawyers)(?: department| team| division| unit)? for (?:immediate )?(?:filing|"
        r"litigation|suit|lawsuit|legal action|prosecution|court)\b|"
        r"\b(?:final|last) (?:notice|warning|chance|opportunity) before (?:we |our client |the court )?(?:file|filing|"
        r"take|taking|proceed|proceeding|legal action|suit|litigation|court|a lawsuit|judgment|prosecution)\b|"
        r"\b(?:obtain|get|win|enter) (?:a |an )?(?:default )?judgment against you\b|\bcourt date (?:is|will be|has been) "
        r"(?:set|scheduled)\b|\b(?:are|re) being sued\b|\bwe (?:are|re) suing you\b|"
        r"\b(?:docket|affidavit) (?:number|no|#)\b|\b(?:pending |sworn )?affidavit (?:in|under|"
        r"against|with) your name\b|\bpending affidavit\b|"
        rf"\b(?:will be|is going to be|is about to be|are about to be) filed (?:against you|in your county|{_E_SOON})\b|"
        r"\bavoid (?:being served|service|a court date|a judgment|court)\b|"
        rf"\b(?:goes|go|going|sent|heads|headed|delivered|taken|walked|filed) (?:over )?(?:to|at|with) (?:the )?"
        rf"{_E_COURTHOUSE}\b|\b(?:goes|go|going|brought|heard|taken|comes|come) before (?:the |a )?(?:judge|magistrate|"
        rf"court|{_E_COURTHOUSE})\b|\b(?:papers|paperwork|documents) to (?:sue|take) you\b|"
        r"\b(?:authori[sz]ed|instructed|cleared|approved|ready|prepared|preparing|set) to (?:file|sue|proceed|start|"
        r"commence|move forward)(?: \w+){0,3} against you\b|\b(?<!may\s)(?<!might\s)(?<!could\s)(?<!can\s)file "
        r"(?:suit |a suit |a claim |a complaint |a case |papers )?against you\b",
        True,
        False,
    ),
    # criminal labels and government penalties a collector cannot bring: fraud charges, licences, passports
    (
        "false_legal_claim",
        r"\b(?:fraud|theft|criminal|felony|larceny) (?:charges|complaint|complaints)\b|\bcharges (?:are |will be |being |that will be |to be |"
        r"have been )?(?:brought|filed|pressed|laid) against you\b|\bcharged with (?:a )?(?:crime|felony|misdemeanou?r|"
        r"fraud|theft|larceny|criminal)\b|"
        r"\byour (?:driver s |drivers |driving |professional |business )?(?:licen[cs]e|passport|visa|green card) "
        r"(?:will|is going to|can|could|may|might|ll) (?:be )?(?:suspended|revoked|cancelled|canceled|taken|seized|"
        r"flagged|confiscated|denied|blocked)\b|\b(?:suspend|revoke|cancel|take away|seize|flag|confiscate) your "
        r"(?:driver s |drivers |driving |professional |business )?(?:licen[cs]e|passport|visa|green card)\b|"
        r"\b(?:deport|deported|deportation|lose your (?:visa|green card|immigration status|citizenship))\b|"
        r"\bavoid (?:arrest|being arrested|prosecution|criminal charges|jail|prison|a warrant|being detained)\b",
        False,
        False,
    ),
    # scam-style voicemails: "units" and "divisions" as the sender, complaints "under your social security number"
    (
        "impersonation",
        r"\b(?:this is|calling from|on behalf of|with|from|contact|call) (?:the )?(?:\w+ )?(?:legal|litigation|"
        r"compliance|fraud|investigations?|investigative|enforcement|processing|judicial|criminal|warrants?|civil) "
        r"(?:compliance |enforcement |investigations? |processing |verification )?"
        r"(?:division|unit|bureau|task force|squad)\b|"
        r"\b(?:urgent|important|time sensitive|official|a) legal (?:notification|matter regarding|matter concerning)\b|"
        r"\b(?:urgent|important|time sensitive|official) legal (?:notice|matter|message|document|action)\b|"
        r"\btime sensitive (?:legal )?matter (?:regarding|concerning|involving) (?:a |an |your )?(?:claim|complaint|"
        r"case|charge|affidavit|legal)\b|\b(?:final|last) courtesy (?:call|notice|message|attempt)\b",
        False,
        False,
    ),
    # complaints "registered under your social security number", rights "waived" by not calling back
    (
        "false_legal_claim",
        r"\b(?:matter|complaint|claim|case|charges?|affidavit|report|action) (?:registered|filed|lodged|opened|issued|"
        r"pending) (?:under|against|with|in) your (?:full )?(?:name|social security(?: number)?|ssn|identity)\b|"
        r"\b(?:waive|waiving|waived|forfeit|forfeiting|forfeited|lose|losing|give up|giving up|surrender) (?:all )?(?:of )?"
        r"your rights? to (?:appear|a hearing|defend|be heard|contest|a defen[cs]e|due process|respond to the court)\b|"
        r"\bwaiver of (?:all )?(?:your )?rights\b",
        True,
        False,
    ),
    # the home and the family: "we'll be coming by your house", "we will let your family know"
    (
        "visit_threat",
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:be )?(?:com(?:e|ing)|stop(?:ping)?|drop(?:ping)?|swing(?:ing)?|show(?:ing)? up|"
        r"head(?:ing)?|knock(?:ing)?|wait(?:ing)?) (?:by |over |round |around |on )?(?:to |at )?your (?:front |back )?"
        r"(?:house|home|place|residence|door|apartment|address|street|neighbou?rhood)\b|"
        r"\b(?:be|show up|knocking|waiting|standing|parked) (?:at|outside|on) your (?:front |back )?(?:door|doorstep|"
        r"house|home|porch|driveway)\b",
        False,
        True,
    ),
    (
        "third_party_disclosure",
        # the talk with the family is the sender's (a subject or an auxiliary before the verb), not the reader's: "Talk
        # to your partner about a budget" and "you may want to speak with your family about …" are advice, "we will
        # talk to your wife about what you owe" and "… to talk to your wife about what you owe" are not
        rf"\blet (?:your )?{_E_KIN} know (?:about )?\b|\b(?<!\byou\s)(?<!\bu\s)(?<!\byou\swant\s)(?<!\byou\swish\s)"
        r"(?<!\byou\sd\slike\s)(?<!\byou\sneed\s)(?<!\byou\smay\swant\s)(?<!\byou\smight\swant\s)"
        r"(?<!\byou\smay\swish\s)(?<!\byou\smight\swish\s)(?<!\bhelps\s)(?<!\bhelp\s)(?<!\bhelpful\s)(?<!\bidea\s)(?<!\bplease\s)"
        r"(?<!\bbest\s)(?<!\bgood\s)(?<!\bwise\s)(?<!\bsensible\s)(?<!\bworth\s)(?<!\btime\s)"
        r"(?:we|i|they|he|she|us|someone|somebody|will|ll|shall|going to|gonna|to|d|would|must|may|might|can|could|"
        r"should|be|are|is|am|re|m|s|also|then|now|soon|personally) (?:\w+ )?(?:talk|talking|speak|speaking|chat|chatting|"
        rf"discuss (?:this|it)|discussing (?:this|it)) (?:to|with) your {_E_KIN} about\b|"
        rf"\byour {_E_KIN} (?:will|is going to|are going to|ll) (?:be )?(?:notified|told|informed|contacted|called|hear "
        r"about|find out|learn about)\b",
        False,
        False,
    ),
]

# fifth session, second round (probes written before these rules: 15/26 blocked, see test_linter_english_grammar.py):
# the borrower's circle told or asked (neighbours, landlord, church), the family's feelings invoked, watching, a life
# made difficult, invented fees and multiplied balances, futures closed, government-sounding debt bureaus
_E_CIRCLE = (
    r"(?:neighbou?rs?|landlord|land lord|property manager|church|pastor|priest|congregation|community|friends|"
    r"social circle|coworkers?|co workers?|colleagues?|references|teachers?|kids? s? school)"
)
_FIFTH += [
    (
        "third_party_disclosure",
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:be )?(?:call(?:ing)?|contact(?:ing)?|tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|"
        rf"reach(?:ing)? out to|visit(?:ing)?|talk(?:ing)? to|speak(?:ing)? (?:to|with)|ask(?:ing)?|knock(?:ing)? on) "
        rf"(?:all )?(?:of )?your {_E_CIRCLE}\b|"
        rf"\byour {_E_CIRCLE} (?:will|is going to|are going to|ll) (?:be )?(?:informed|told|notified|contacted|called|"
        r"hear about|hear from us|find out|learn about|know about)\b|"
        rf"\byour {_E_KIN} (?:already )?knows? (?:about )?(?:your|the|this) (?:debt|balance|account|loan)\b|"
        rf"\byour {_E_KIN} (?:already knows|is embarrassed for you|was embarrassed for you)\b",
        False,
        False,
    ),
    (
        "family_threat",
        rf"\bhow (?:would|will|do you think) your {_E_KIN} (?:would |will )?feel (?:if|when|about)\b|"
        rf"\bwhat (?:would|will) your {_E_KIN} (?:say|think) (?:if|when)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:shame|pity|too bad) (?:to |if you (?:were to )?|for you to )(?:lose|lost|losing) (?:it|that|them|your)\b|"
        rf"\b{_E_ACTOR} (?:are|re|am|m|is|s|have been|ve been|will be|ll be|keep) (?:watching|following|tracking|"
        rf"monitoring|keeping an eye on|keeping tabs on|keep an eye on) (?:you\b|your (?:every move|movements|house|home|place|family|kids|children|car|{_E_KIN}))|"
        r"\byour life (?:is|will|s|ll|is going to|is about to|will soon) (?:\w+ ){0,2}(?:get|become|be|turn) (?:very |"
        r"really |a lot |much |so )?(?:difficult|hard|harder|miserable|hell|a nightmare|unbearable|ugly|complicated)\b|"
        r"\bmake your life (?:a )?(?:living )?(?:hell|miserable|difficult|a nightmare|unbearable)\b|"
        r"\byou (?:ll|will) regret (?:ignoring|not paying|this|it|the day)\b|\byou can run but you can t hide\b",
        False,
        False,
    ),
    (
        "deceptive",
        r"\b(?:will be|ll be|are going to be|is going to be) (?:charged|assessed|billed) (?:a |an )?(?:\$ ?\d+ |\d+ )?"
        r"(?:(?:processing|handling|investigation|warrant|bail|filing|court|legal|service|admin(?:istrative)?|release|"
        r"clearance|collection|penalty) )(?:fee|charge)s?\b|"
        r"\b(?:processing|handling|investigation|warrant|bail|filing|release|clearance|penalty) (?:fee|charge)s? "
        r"(?:will be |is being |has been )?(?:added|charged|applied|assessed)\b|"
        r"\b(?:amount|balance|debt|bill|sum|total)(?: you owe)? (?:will |is going to |ll |could |is about to )?(?:double|"
        r"doubles|doubled|triple|triples|tripled|quadruple|quadruples)\b|"
        r"\b(?:pay|payment|send (?:the |your )?(?:money|payment)) (?:by|with|through|via|on) (?:a )?(?:prepaid (?:card|debit "
        r"card)|gift cards?|wire transfer|western union|moneygram|green dot|bitcoin|crypto)\b(?:[^.!?]{0,40}\b(?:drop|"
        r"avoid|cancel|clear|stop|remove|lift)\b)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\bnever (?:be able to |again )?(?:get approved for|get|rent|buy|lease|own|open|qualify for|be approved for) (?:a |an |another |"
        r"any )?(?:\w+ )?(?:loan|credit|mortgage|apartment|house|home|car|bank account|credit card|phone contract|lease)"
        r"(?: \w+)? again\b|\b(?:credit (?:score|rating)|credit) will (?:drop|go|fall|be reduced) to (?:zero|0|nothing)\b",
        False,
        False,
    ),
    (
        "impersonation",
        r"\b(?:bureau|department|division|office|agency) of (?:debt|collections?|financial|consumer debt|delinquent "
        r"accounts?|fraud) (?:enforcement|recovery|crimes|compliance|investigations?|prevention)\b|"
        r"\b(?:calling|call|message) from (?:the )?(?:county |city |state |federal )?(?:jail|prison|detention center|"
        r"correctional facility)\b|\bfederal agent\b",
        False,
        False,
    ),
]

# third round: name-calling and accusations aimed at the reader (US-HARASS; US-FALSE: "falsely claiming you have
# committed a crime"), probes written before these rules: 9/14 blocked
_FIFTH += [
    (
        "false_legal_claim",
        r"\byou (?:stole|have stolen|ve stolen|are stealing|re stealing|took) (?:this|the|our|that|my|their) (?:money|"
        r"cash|funds|loan)\b|\byou (?:are|re) (?:a )?(?:thief|criminal|crook|fraudster)\b",
        False,
        False,
    ),
    (
        "insult",
        r"\b(?<!thank\s)you people\b|\b(?:such a|you|a|like a|you re a|you are a) (?:coward|chicken|rat|snake|"
        r"parasite|leech|crook|louse|weasel|worm)\b|\b(?:hiding|hide|run(?:ning)?) (?:away )?like a (?:rat|coward|"
        r"dog|child|criminal|thief)\b|\b(?:embarrassed|ashamed) to show (?:your|my) face\b|\b(?:acting|behaving|act) "
        r"like a (?:child|baby|spoiled brat|brat)\b|\b(?:can t|cannot|couldn t) show "
        r"your face\b",
        False,
        False,
    ),
]


# issue 11, sixth session: families of real collector speech from the 22 train-routed staged items of c8099ee (news,
# court and lawyer pages quoting collectors), stated as classes, not sentences, and held by probes written before and
# after these rules (test_linter_english_real_families.py): jail said as an idiom (not coming home, clean clothes,
# an orange jumpsuit), a sender named for a judgment and "you or your attorney must …", consent tricks ("by staying
# on the line you acknowledge …"), borrowing pushed ("go to the bank and get a credit card"), theft and fraud alleged
# as idiom ("ripping my client off … tantamount to theft"), "we won't let it slide", field or enforcement officers
# sent round (UK), death wishes and parenting insults, trash and lowlife, censored profanity.
_E_CREDIT = (
    r"(?:credit card|line of credit|credit line|cash advance|payday loan|title loan|personal loan|store card)"
)
_E_CRIME_NOUN = r"(?:theft|stealing|fraud|a crime|a felony|larceny|embezzlement|a criminal offen[cs]e)"
_FIFTH += [
    # jail as an idiom: "get some clean clothes because you're not coming home anytime soon"
    (
        "false_legal_claim",
        r"\b(?:not|never|won t|will not|aren t|are not) (?:be )?(?:coming|going|getting|making it) (?:back )?home "
        r"(?:\w+ ){0,2}?(?:any ?time soon|for (?:a |quite a |some |a very )?(?:long )?(?:while|time|days|weeks|months|"
        r"years)|tonight|again)\b|"
        r"\bpack (?:a |your |an )?(?:overnight )?bags?\b|"
        r"\b(?:pack|bring|get|grab) (?:a |your |some |an )?(?:toothbrush|clean (?:clothes|underwear|socks)|change of "
        r"clothes)\b|"
        r"\b(?:orange jumpsuit|behind bars|in (?:hand ?)?cuffs|(?:a |the )?(?:jail|prison|holding) cell)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:kiss|say goodbye to|wave goodbye to) your (?:freedom|family|kids|children|wife|husband|job|house|home|car|"
        r"reputation|life)\b",
        False,
        False,
    ),
    # a sender named for a judgment; "you or your attorney must …" (US-FALSE: implying legal process)
    (
        "false_legal_claim",
        r"\b(?:judgment|judgement) (?:services|recovery|enforcement|processing|collections?|solutions|division|"
        r"department|unit|bureau|center|centre|office)\b|"
        r"\b(?:either )?you or your (?:attorney|lawyer|legal (?:counsel|representative)|solicitor|counsel) (?:needs? to|"
        r"must|should|will (?:need|have) to|has to|have to|is required to|are required to|ll need to)\b|"
        r"\bforward (?:this|the|my) (?:information|message|notice|call) to your (?:attorney|lawyer|solicitor)\b",
        True,
        False,
    ),
    # consent tricks: listening or silence taken as an admission of identity or of the debt
    (
        "deceptive",
        r"\bby (?:continuing to (?:listen|hold|stay on)|staying on (?:the line|this call|the call)|not hanging up|"
        r"remaining on (?:the line|this call)|listening (?:to )?(?:this|the rest of this|the rest of the) (?:message|call|"
        r"recording)|not (?:responding|replying|calling (?:us )?back)|your silence)\b(?: \w+){0,6}? you (?:hereby )?"
        r"(?:acknowledge|agree|admit|accept|confirm|consent|are (?:acknowledging|agreeing|admitting|accepting|"
        r"confirming))(?: that)? (?:you (?:are|re|owe)|(?:the|this|your) (?:debt|balance|amount|account)|"
        r"(?:responsibility|liability) for)\b|"
        r"\b(?:your )?(?:silence|failure to (?:call|respond|reply)|not calling (?:us )?back) (?:will|shall|is going to|"
        r"ll)? ?(?:be )?(?:taken|treated|considered|deemed|construed|regarded|counted)(?: as)? (?:an? )?(?:admission|"
        r"acknowledg\w*|agreement|acceptance|consent|confession)\b",
        False,
        False,
    ),
    # borrowing pushed: "go to the bank and get a credit card", "apply for another credit card"
    (
        "induce_borrowing",
        r"\bgo (?:down )?(?:to|into) (?:the|your|a) bank and (?:get|borrow|take out|apply for|ask for|open)\b|"
        rf"\b(?:get|apply for|open|sign up for|take out|take) (?:a |another |one more |a second )(?:new )?{_E_CREDIT}\b",
        False,
        False,
    ),
    # theft and fraud alleged as idiom (US-FALSE: falsely representing that the consumer committed a crime)
    (
        "false_legal_claim",
        r"\bripp(?:ing|ed) (?:me|us|my client|our client|the (?:company|creditor|bank|lender|store)|them|everyone) off\b|"
        r"\b(?:rip me off|rip us off|rip (?:my|our) client off|rip the (?:company|creditor|bank|lender|store) off)\b|"
        r"\b(?:that|this|it|what you re doing|what you are doing|what you did|not paying|skipping out|walking away|"
        r"running away|hiding)(?: \w+){0,4}? (?:is|s|was|amounts to) (?:tantamount to|basically|essentially|simply|"
        r"plain|the same as|no different (?:from|"
        rf"than)|nothing (?:less|short) (?:than|of)|equivalent to|considered|legally|a form of) {_E_CRIME_NOUN}\b|"
        r"\byou (?:intended|meant|planned) (?:on |to )(?:ripping|rip|stealing|steal|cheating|cheat|defrauding|defraud|"
        r"never paying|not paying)\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:not (?:going to|gonna)|won t|will not|never going to|are not going to|re not going to) let (?:this|it|that|"
        r"you) (?:slide|off the hook)\b|\b(?:not (?:going to|gonna)|won t|will not|never) let you get away with\b|"
        r"\b(?:don t|do not) (?:think|believe|imagine|expect) (?:that )?(?:we|i|they) (?:ll|will|are going to|re going to|"
        r"would) (?:just )?(?:let (?:this|it|you) (?:slide|go|off the hook)|forget (?:about )?(?:this|it|you)|give up|"
        r"go away|leave you alone)\b",
        False,
        False,
    ),
    # field or enforcement officers sent round (UK: "call" is a visit); lawful when a visit is approved
    (
        "visit_threat",
        r"\b(?:send|sending|dispatch|dispatching|instruct|instructing|arrange for|have) (?:one of )?(?:our |an? |the |"
        r"some |two )?(?:enforcement|field|doorstep) (?:officers?|agents?|collectors?|"
        r"representatives?|team|staff|visitors?)\b(?: \w+){0,2}? (?:to (?:visit|see|call on|attend|come to|knock|your)|"
        r"round|around|out to (?:you|your))\b|"
        r"\b(?:enforcement|field|doorstep) (?:officers?|agents?|collectors?|team|staff) (?:will|are going to|ll|is going "
        r"to|shall|are about to) (?:now )?(?:visit|call on|call round|attend|come|be (?:sent|calling|visiting|attending))\b",
        False,
        True,
    ),
    # death wishes, curses and parenting insults (US-HARASS: abusive language)
    (
        "insult",
        r"\byou (?:should|ought to) (?:have |ve )?(?:died|be dead|drop dead|just die)\b|\bdrop dead\b|"
        r"\b(?:i|we) hope (?:you|your \w+) (?:die|dies|rot|drop dead|burn|suffer|go broke|starve)\b|"
        r"\brot in (?:hell|jail|prison)\b|\b(?:i|we) hope your (?:wife|husband|partner|spouse|girlfriend|boyfriend) "
        r"(?:divorces|leaves|dumps|walks out on) you\b|"
        r"\b(?:did|done|do) (?:such )?(?:a )?(?:horrible|terrible|lousy|awful|bad|poor|shit|crap|rotten) job "
        r"(?:of )?(?:raising|bringing up)\b|"
        r"\b(?:white |trailer )(?:trash|garbage)\b|\bpiece of (?:white |trailer )?(?:trash|garbage|crap|junk|filth|"
        r"dirt|scum)\b|\blow ?life\b|\b(?:mother )?expletive\b|\b(?:f you|f off|f ing|f ers)\b",
        False,
        False,
    ),
]


# second round (loan-app recovery messages in English, c8099ee's successors in the staged train file): a third party
# told to pay if the borrower does not, photos made into "bad videos" or morphed, the phone attacked, a named person
# called a fraud or defaulter, police complaints (FIR) and blocked bank accounts
_E_CHEAT = (
    r"(?:fraud|fraudster|defaulter|scammer|cheat|cheater|thief|crook|criminal|con artist|swindler|liar)"
)
_FIFTH += [
    (
        "third_party_disclosure",
        r"\bif (?:he|she|they|his|her|their|name)\b(?: \w+){0,8}? (?:not|doesn t|does not|don t|do not|fails? to|"
        r"didn t|did not) (?:\w+ ){0,6}?you (?:have to|must|will have to|ll have to|need to|are responsible to|re "
        r"responsible to) pay\b|"
        r"\byou (?:have to |must |will have to |ll have to |need to )?pay (?:for him|for her|for them|on (?:his|her|their) behalf)\b",
        False,
        False,
    ),
    (
        "public_shaming",
        r"\b(?:make|making|create|creating|send|sending|post|posting|spread|spreading) (?:\w+ ){0,2}?(?:bad|dirty|obscene|"
        r"nude|naked|vulgar|morphed|edited|fake|adult) (?:videos?|photos?|pictures?|pics|images?)\b|"
        r"\b(?:morph|morphing|edit|editing|photoshop|photoshopping) your (?:photos?|pictures?|pics|images?|face|profile "
        r"picture|dp)\b|"
        rf"\b(?:name|he|she|this person|your (?:friend|colleague|relative|son|daughter|brother|sister|husband|wife|"
        rf"contact)) (?:is|s) (?:a |an )?(?:big |total |known )?{_E_CHEAT}\b|"
        rf"\b(?:expose|exposing|brand|branding) you (?:as |to be )?(?:a |an )?"
        rf"{_E_CHEAT}\b",
        False,
        False,
    ),
    (
        "intimidation",
        r"\b(?:install|send|put|plant) (?:a |some )?(?:virus|malware|spyware)(?: (?:on|in|into|to))? (?:your|ur)\b|"
        r"\b(?:virus|malware|spyware)e?s? (?:will be|is being|has been|are being|is going to be|will get) (?:installed|"
        r"sent|planted|put)(?: (?:on|in|into|to))? (?:your|ur)\b|"
        r"\b(?:hack|hacking) (?:into )?your (?:phone|mobile|account|accounts|facebook|whatsapp|instagram|email|"
        r"social media|computer)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:file|filing|lodge|lodging|register|registering) (?:an |a )?(?:fir|first information report|police "
        r"(?:complaint|case|report)|criminal (?:case|complaint)|cheating case) against you\b|"
        r"\bblock(?:ing)? (?:all )?your (?:bank|savings|checking|salary) accounts?\b",
        False,
        False,
    ),
]


# seventh session of issue 11 (lin-real, 2026-12-04 night): families read from the real items staged this session
# that the rules did not block (loan-app recovery messages from Nigeria and the Philippines, US phantom-debt calls and
# texts), stated as parts (who acts × the harm × the target), not as the sentences; held by hand-written probes
# (test_linter_english_real_families2.py), never the items themselves nor sealed texts. Violence said outright with a
# weapon or "to kill"; a home foreclosed or the borrower evicted, said as definite (lawful once a suit is filed, like
# garnishment); a fake death notice that damns the borrower ("may his criminal soul rest in hell", an obituary calling
# him a thief); invented process served on the reader ("serve you a notice of action", "an investigation being
# finalized against you", "will result in further legal action against you").
_E_PROPERTY = r"(?:house|home|property|apartment|flat|condo|land|farm|shop|store|business|building)"
_E_SHAME_WORD = (
    r"(?:debtor|thief|fraud|fraudster|criminal|defaulter|scammer|liar|refused to pay|refusing to pay|never paid|"
    r"owing us|owes us|owed us|left (?:this world )?owing)"
)
_FIFTH += [
    (
        "violence_threat",
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:shoot|stab|kill|murder|strangle|knife) (?:you |your \w+ )?(?:to kill|on sight|dead)\b|"
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:stab|knife|slash|strangle|murder|gun down|shank) you\b|"
        r"\bshoot (?:you |them )?(?:to kill|on sight)\b|\bgun (?:you |him |her )?down\b|"
        r"\bput (?:a |one |two )?bullets? (?:in|into|through) (?:you|your)\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        rf"\b(?<!may\s)(?<!might\s)(?<!could\s)(?<!not\s)(?<!never\s)foreclos(?:e|ing) on (?:your|the) (?:\w+ )?{_E_PROPERTY}\b|"
        rf"\byour (?:\w+ )?{_E_PROPERTY} (?:will|is going to|is about to|ll) be (?:foreclosed|auctioned|sold at auction)\b|"
        rf"\b{_E_ACTOR} {_E_WILL_DEF} (?:evict (?:you|your)|(?:have|get) you (?:\w+ )?evicted)\b",
        True,
        False,
    ),
    (
        "public_shaming",
        r"\b(?:rest|burn|rot|roast) in hell\b|\bcriminal soul\b|"
        rf"\b(?:obituary|rip|r i p|death|demise|died|passed away)\b(?: \w+){{0,8}}? (?:a |an )?{_E_SHAME_WORD}\b",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\bserv(?:e|ing) you (?:with )?(?:a |an |the |these |this )?(?:notice of (?:legal )?action|legal (?:notice|"
        r"documents|papers)|court (?:documents|papers)|summons|subpoena|papers)\b|"
        r"\b(?:investigation|inquiry|probe|criminal (?:case|complaint)) (?:is |has been )?(?:being )?(?:finali[sz]ed|"
        r"opened|conducted|launched|initiated|pending|underway|filed|registered) against you\b|"
        r"\b(?:will|shall) (?:result in|lead to) (?:further |additional |immediate )?legal action against you\b|"
        r"\bnotice of (?:legal )?action (?:has been |was |is being |is )?(?:issued|filed|served|prepared) against you\b",
        True,
        False,
    ),
]


# second round (lin-real): what `devcv --with-staged` still missed among the staged items, as families — personal
# details published in a named paper or on the air, a veiled threat aimed at the whole family ("things will get out of
# control for the whole family"), and the borrower told not to get a lawyer (a false statement of rights). Probes in
# test_linter_english_real_families2.py (main blocked 10 of the 15 written before these rules).
_E_PERSONAL = r"(?:name|names|picture|pictures|pics?|photos?|photograph|face|details|phone number|number|bvn|id|identity|address)"
_E_LAWYER = r"(?:lawyer|attorney|solicitor|legal counsel|counsel|legal aid)"
#: the sender and its people only ("they will post your photo" is how scam warnings report it)
_E_SENDER = r"(?:i|we|our (?:people|guys|agents?|team|staff|company|officers?)|my (?:guys|people|boys|team))"
_FIFTH += [
    (
        "public_shaming",
        rf"\b{_E_SENDER} {_E_WILL_DEF} (?:publish|print|broadcast|circulate|upload|advertise|plaster|post) your "
        rf"(?:\w+ )?{_E_PERSONAL}\b(?: and (?:your )?(?:\w+ )?{_E_PERSONAL}\b)?|"
        rf"\byour (?:\w+ )?{_E_PERSONAL}(?: and (?:your )?(?:\w+ )?{_E_PERSONAL})? (?:will|is going to|are going to|ll|are "
        r"about to|is about to) be (?:published|broadcast|circulated|plastered|uploaded|advertised|printed (?:in|on) "
        r"(?:the |a |our )?(?:\w+ )?(?:paper|papers|newspapers?|news|flyers?|posters?|leaflets?|banners?)|posted (?:on|"
        r"online|in|to (?:facebook|social media|the internet|whatsapp|every)))\b",
        False,
        False,
    ),
    (
        "family_threat",
        r"\b(?:things|it|this|life) (?:will|is going to|are going to|ll|s going to|re going to) (?:get|become|turn) "
        r"(?:very |really |so )?(?:out of (?:control|hand)|ugly|bad|worse|nasty|messy|dangerous|difficult|hard)\b"
        r"(?: \w+){0,2} for (?:you and )?(?:your|the) (?:whole |entire )?(?:family|household|kids|children|loved ones)\b",
        False,
        False,
    ),
    (
        "deceptive",
        rf"\b(?:do not|don t|never|dont) (?:get|hire|call|contact|involve|have|bring in|consult|retain) (?:a |an |your |any )?"
        rf"{_E_LAWYER}\b|\b(?:don t|do not|no|dont) (?:bother|point(?: in)?|use) (?:calling|getting|hiring|contacting|"
        rf"involving) (?:a |an |your |any )?{_E_LAWYER}\b|\b(?:a |an |your |any )?{_E_LAWYER} (?:can t|cannot|won t|"
        rf"will not|is not going to) (?:help|save|protect|stop) you\b|\bnot allowed to (?:have|get|use|hire|involve) "
        rf"(?:a |an |any )?{_E_LAWYER}\b",
        False,
        False,
    ),
]


# issue 11, ninth session (lin-retrain): the threats the hand-written specifications had pinned only through the
# committed model's generic words ("Don't be surprised if your license gets suspended." blocked on 'your', 'be', 't'),
# stated as who acts × harm × target so that a retrained model cannot drop them: a licence or permit lost "gets
# suspended" in a threat's frame, a call or visit to the employer announced ("Expect a call to your boss …"), the
# family asked to pay with the sender's contact as the alternative ("… or we'll call them ourselves"), the family's
# safety denied, the reader sent to social media to see what will be posted ("Check Facebook tomorrow."), and a
# court order on the earnings named (true once a suit is filed). Probes both ways in test_linter_pinned_families.py.
_E_PERMIT = (
    r"(?:(?:driver s |drivers |driving |professional |business |work |trading |liquor )?(?:licen[cs]es?|permits?)|"
    r"passport|visa|green card)"
)
_E_TAKEN = (
    r"(?:suspended|revoked|cancell?ed|canceled|taken(?: away)?|seized|confiscated|pulled|withdrawn|blocked)"
)
_E_JOB_PEOPLE = (
    r"(?:boss|employer|manager|supervisor|line manager|hr|human resources|payroll|workplace|office)"
)
_E_SOCIAL = (
    r"(?:facebook|fb|instagram|insta|tiktok|twitter|whatsapp(?: status| groups?)?|social media|timeline|wall|"
    r"news ?feed|feed)"
)
_E_FORCER = (
    r"(?:bailiffs?|enforcement (?:agents?|officers?)|sheriffs?|officers?|agents?|police|marshals?|collectors?|men|guys|"
    r"boys)"
)
_E_FORCE = (
    r"(?:break in\b|break into your|break (?:down|open) (?:your|the) (?:front |back )?door|force (?:entry|their way "
    r"in|our way in|(?:your|the) (?:front |back )?(?:door|lock|locks)|open (?:your|the) door)|kick (?:in|down) "
    r"(?:your|the) (?:front |back )?door|kick (?:your|the) (?:front |back )?door (?:in|down)|smash (?:your|the) "
    r"(?:front |back )?(?:door|windows?)|change (?:your|the) locks)"
)
_FIFTH += [
    (
        "false_legal_claim",
        rf"\byour {_E_PERMIT} (?:will|is going to|ll|could|may|might|can|is about to) (?:get|be getting) "
        rf"{_E_TAKEN}\b|"
        rf"\b(?:don t|do not|dont|won t|wouldn t|will not) be (?:surprised|shocked) (?:if|when) your {_E_PERMIT} "
        rf"(?:gets|is|was|got|has been) {_E_TAKEN}\b|"
        rf"\bbefore your {_E_PERMIT} (?:gets|is|will be|get) {_E_TAKEN}\b",
        False,
        False,
    ),
    (
        "workplace_threat",
        rf"\b(?:expect|await|look out for|watch (?:out )?for|wait for|get ready for|prepare for|brace for|there ll be|"
        rf"there will be) (?:a |an |our |my |the |another )?(?:(?:phone|personal|little|friendly|surprise|quick|"
        rf"courtesy) )?(?:call|visit|letter|email|e mail|message|text|knock|word|chat)s? (?:to|at|with|for|from us to) "
        rf"your {_E_JOB_PEOPLE}\b|"
        rf"\b(?:a|our|my|the) (?:phone )?(?:call|visit|letter|email|message) to your {_E_JOB_PEOPLE} (?:is (?:coming|"
        rf"on its way|next|scheduled)|goes out|will (?:follow|go out|be made)|(?:first thing )?(?:today|tonight|"
        rf"tomorrow|on monday|monday))\b",
        False,
        False,
    ),
    (
        "family_threat",
        rf"\byour {_E_KIN}\b(?:\s\w+){{0,8}}\sor (?:else )?(?:i|we) (?:ll|will|are going to|re going to|am going to|m going "
        rf"to|shall) (?:call|contact|ring|phone|visit|text|message|e ?mail|tell|speak to|talk to|go to|chase|find) "
        rf"(?:them|him|her|your {_E_KIN})\b",
        False,
        False,
    ),
    (
        "violence_threat",
        rf"\byour {_E_KIN} (?:won t|will not|wouldn t|would not|may not|might not|will no longer|is not going to|are "
        rf"not going to|isn t going to|aren t going to) (?:be|stay|remain|feel) (?:safe|secure|protected)\b|"
        rf"\byour {_E_KIN} (?:is not|isn t|are not|aren t|is no longer|are no longer) safe\b"
        rf"(?! (?:from|against) (?:scam|scams|scammers|fraud|fraudsters|phishing)\b| online\b)",
        False,
        False,
    ),
    (
        "public_shaming",
        rf"\b(?:check|watch|look at|keep an eye on|go on|log (?:on|in) to|look on) (?:your |the )?{_E_SOCIAL} "
        r"(?:(?:page|timeline|wall|feed|status|account|stories|story) )?"
        rf"(?:tomorrow|tonight|later(?: today)?|this (?:evening|afternoon|weekend)|in (?:an hour|a few hours|\d+ "
        rf"(?:hours|minutes))|first thing)\b",
        False,
        False,
    ),
    # forced entry announced: "a bailiff will break in", "they will kick your door in" — a power neither a collector
    # nor a bailiff for a consumer debt has, so a false statement of what will happen. Reported speech ("If a bailiff
    # says they will break in, that is not true") is the reporter's; confirmed by the sender in the same breath ("…,
    # they will.") it is the threat again
    (
        "false_legal_claim",
        rf"\b(?<!\bsays\s)(?<!\bsay\s)(?<!\bsaid\s)(?<!\bclaim\s)(?<!\bclaims\s)(?<!\bthreaten\s)"
        rf"(?<!\bthreatens\s)(?<!\bthat\s)(?:{_E_ACTOR}|(?:the |a |an |our |my )?{_E_FORCER}) {_E_WILL_DEF} (?!not |never )(?:\w+ )?"
        rf"{_E_FORCE}|"
        rf"\b(?:says?|said|claims?|tells? you|threatens?) (?:that )?(?:they|he|she|we|i) (?:will|ll|are going to|is "
        rf"going to) {_E_FORCE}(?: \w+){{0,4}} (?:and )?(?:they|he|she|we|i) (?:will|really will|definitely will|"
        rf"surely will|actually will|absolutely will|do|really do)\b(?! not\b| never\b)",
        False,
        False,
    ),
    (
        "false_legal_claim",
        r"\b(?:attachment of earnings|earnings attachment|wage garnishment|garnishment|income withholding|"
        r"garnishee) orders?\b",
        True,
        False,
    ),
]


def _top_level_alternatives(src: str) -> list[str]:
    """``a|b|c`` split at its top-level bars (not inside a group or a character class)."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(src[start:i])
            start = i + 1
        i += 1
    out.append(src[start:])
    return out


# one expression per top-level alternative: each gets its own required literals, so the prefilter runs only the
# alternatives whose words are in the text, and an alternative that starts with a word can be skipped ahead to
EN_PATTERNS += [(c, alt, lo, vo) for c, rx, lo, vo in _FIFTH for alt in _top_level_alternatives(rx)]
