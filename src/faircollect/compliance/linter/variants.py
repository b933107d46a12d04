"""Homophones, pinyin and abbreviations used to dodge keyword filters (上门 → 尚门, 上们, shangmen, sm).

The table is small and hand-made: for each character that appears in a key phrase, the characters people type
instead of it (same or near sound, or a common wrong character) and its toneless pinyin. Variants of a phrase are
every combination of those choices, so ``上门`` also yields ``尚们``, ``上men`` and ``shangmen``. Variants that
are ordinary words with another meaning are listed in ``_EXCLUDE`` and never generated.
"""

from __future__ import annotations

from itertools import product

# char: (stand-in characters, pinyin without tones)
HOMOPHONES: dict[str, tuple[str, str]] = {
    "上": ("尚晌", "shang"),
    "门": ("们扪闷", "men"),
    "曝": ("爆暴", "bao"),
    "光": ("咣胱", "guang"),
    "传": ("穿船", "chuan"),
    "票": ("漂瞟", "piao"),
    "杀": ("沙煞纱刹", "sha"),
    "死": ("屎司", "si"),
    "弄": ("弄", "nong"),
    "砍": ("坎侃", "kan"),
    "打": ("达", "da"),
    "家": ("佳嘉加", "jia"),
    "通": ("同桶", "tong"),
    "讯": ("迅训汛", "xun"),
    "录": ("路禄陆绿", "lu"),
    "起": ("启企", "qi"),
    "诉": ("塑素速", "su"),
    "坐": ("座做", "zuo"),
    "牢": ("劳捞", "lao"),
    "拘": ("驹", "ju"),
    "留": ("流刘", "liu"),
    "警": ("井景", "jing"),
    "察": ("查茶", "cha"),
    "法": ("发罚", "fa"),
    "院": ("员远", "yuan"),
    "律": ("绿", "lv"),
    "师": ("狮施", "shi"),
    "函": ("涵寒", "han"),
    "单": ("担丹", "dan"),
    "位": ("为未", "wei"),
    "户": ("沪互", "hu"),
    "籍": ("集级", "ji"),
    "黑": ("嘿", "hei"),
    "名": ("明鸣", "ming"),
    "村": ("存寸", "cun"),
    "委": ("伟尾", "wei"),
    "老": ("佬姥", "lao"),
    "赖": ("癞", "lai"),
    "逮": ("带", "dai"),
    "捕": ("补卜", "bu"),
    "刑": ("型形", "xing"),
    "事": ("是", "shi"),
    "判": ("盼", "pan"),
    "立": ("力", "li"),
    "案": ("按岸", "an"),
    "公": ("攻", "gong"),
    "安": ("按", "an"),
    "局": ("菊", "ju"),
    "派": ("湃", "pai"),
    "出": ("初", "chu"),
    "所": ("锁", "suo"),
    "失": ("湿诗", "shi"),
    "信": ("芯", "xin"),
    "骗": ("片", "pian"),
    "子": ("仔紫", "zi"),
    "贷": ("代袋", "dai"),
    "养": ("痒", "yang"),
    "外": ("歪", "wai"),
    "访": ("纺仿", "fang"),
    "横": ("恒", "heng"),
    "幅": ("福副", "fu"),
    "孩": ("骸", "hai"),
    "学": ("雪", "xue"),
    "领": ("岭", "ling"),
    "导": ("倒岛", "dao"),
    "同": ("铜", "tong"),
    "诈": ("炸榨", "zha"),
    "罪": ("醉", "zui"),
    "废": ("费肺", "fei"),
    "腿": ("退", "tui"),
    "命": ("鸣", "ming"),
    "人": ("仁", "ren"),
    "渣": ("喳", "zha"),
    "爆": ("暴", "bao"),
    "执": ("直", "zhi"),
    "行": ("形", "xing"),
    "冻": ("洞", "dong"),
    "结": ("节", "jie"),
    "卡": ("咔", "ka"),
    "房": ("防", "fang"),
    "产": ("铲", "chan"),
    "网": ("往", "wang"),
    "高": ("糕", "gao"),
    "利": ("力", "li"),
    "政": ("正", "zheng"),
    "审": ("婶", "shen"),
    "找": ("照", "zhao"),
    "了": ("", "le"),
    "瞧": ("桥", "qiao"),
    "借": ("", "jie"),
    "油": ("", "you"),
    "漆": ("", "qi"),
    "走": ("", "zou"),
    "路": ("", "lu"),
    "小": ("", "xiao"),
    "心": ("", "xin"),
    "婆": ("", "po"),
    "爸": ("", "ba"),
    "妈": ("", "ma"),
    "父": ("", "fu"),
    "母": ("", "mu"),
    "后": ("", "hou"),
    "悔": ("", "hui"),
    "知": ("", "zhi"),
    "道": ("", "dao"),
    "账": ("", "zhang"),
    "款": ("", "kuan"),
    "费": ("", "fei"),
    "催": ("", "cui"),
    "收": ("", "shou"),
    "校": ("", "xiao"),
    "全": ("", "quan"),
}

# Pinyin initials that stand for whole phrases in chat (sm = 上门). Matched only as a whole Latin token inside
# a message that also has Chinese characters.
ABBREVIATIONS: dict[str, str] = {
    "sm": "上门",
    "txl": "通讯录",
    "bg": "曝光",
    "cp": "传票",
    "hmd": "黑名单",
    "zl": "坐牢",
    "sx": "失信",
    "lsh": "律师函",
    "ydyd": "以贷养贷",
    "hjd": "户籍地",
    "cwh": "村委会",
    "sb": "傻逼",
    "nmsl": "你妈死了",
    "nmb": "你妈逼",
}

# Generated variants that are ordinary words or phrases with an innocent meaning.
_EXCLUDE = frozenset({"居留", "是实", "同路", "起速", "法员", "达是", "公安按", "立按", "名明", "出初"})

_MAX_VARIANTS = 256


def variants(phrase: str) -> list[str]:
    """Every stand-in spelling of ``phrase`` (homophones, pinyin per character), excluding the phrase itself.

    Phrases with a character missing from the table still get homophone variants for the characters that are in
    it; an all-pinyin variant needs every character's pinyin and at least 4 letters.
    """
    options: list[list[str]] = []
    for ch in phrase:
        entry = HOMOPHONES.get(ch)
        if entry is None:
            options.append([ch])
        else:
            alts, py = entry
            options.append([ch, *[a for a in alts if a != ch], py])
    out: list[str] = []
    for combo in product(*options):
        v = "".join(combo)
        if v == phrase or v in _EXCLUDE:
            continue
        if all(len(part) > 1 for part in combo) and len(v) < 4:
            continue
        out.append(v)
        if len(out) >= _MAX_VARIANTS:
            break
    return out
