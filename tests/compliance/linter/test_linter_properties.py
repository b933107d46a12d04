"""Invariants: separators inside a banned phrase never hide it; spans always lie within the text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from faircollect.compliance.contact import Channel, RecipientRole
from faircollect.compliance.linter import WARN_CATEGORIES, LintContext, lint

S2T = OpenCC("s2t")

CN_PHRASES = [
    ("上门", "visit_threat"),
    ("户籍地", "visit_threat"),
    ("通讯录", "contact_list_threat"),
    ("曝光", "public_shaming"),
    ("坐牢", "false_legal_claim"),
    ("传票", "false_legal_claim"),
    ("打断你的腿", "violence_threat"),
    ("后果自负", "intimidation"),
    ("老赖", "insult"),
    ("律师函", "impersonation"),
    ("通知你的家人", "third_party_disclosure"),
    # a workplace named is a threat only with an act on it (test_linter_workplace_mention.py)
    ("打到你单位", "workplace_threat"),
    ("子女上学", "family_threat"),
    ("以贷养贷", "induce_borrowing"),
    ("上门费", "deceptive"),
]
EN_PHRASES = [
    ("kill you", "violence_threat"),
    ("arrested", "false_legal_claim"),
    ("deadbeat", "insult"),
    ("we know where you live", "intimidation"),
    ("tell your employer", "workplace_threat"),
]
SEPARATORS = [" ", "*", ".", "-", "_", "/", "\u200b", "·", "~", "\u3000", "❤", "#", "+", "=", "、", "  "]
PREFIXES = ["", "张三，", "【示例金融】", "Hello ", "明天", "Note: "]
SUFFIXES = ["", "。", "！", " today.", "，请尽快处理"]

separator = st.sampled_from(SEPARATORS)


@settings(max_examples=300, deadline=None)
@given(
    item=st.sampled_from(CN_PHRASES),
    gaps=st.lists(st.one_of(st.just(""), separator), min_size=8, max_size=8),
    traditional=st.booleans(),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
)
def test_separators_between_chinese_characters_never_hide_a_banned_phrase(
    item: tuple[str, str], gaps: list[str], traditional: bool, prefix: str, suffix: str
) -> None:
    phrase, category = item
    if traditional:
        phrase = S2T.convert(phrase)
    body = "".join(ch + (gaps[i] if i < len(phrase) - 1 else "") for i, ch in enumerate(phrase))
    text = prefix + body + suffix
    result = lint(text)
    found = [f for f in result.findings if f.category == category]
    assert found, (text, result.findings)
    assert any(f.start >= len(prefix) and f.end <= len(prefix) + len(body) for f in found)


@settings(max_examples=200, deadline=None)
@given(
    item=st.sampled_from(EN_PHRASES),
    sep=separator,
    upper=st.booleans(),
    prefix=st.sampled_from(PREFIXES),
)
def test_separators_between_english_letters_never_hide_a_banned_phrase(
    item: tuple[str, str], sep: str, upper: bool, prefix: str
) -> None:
    phrase, category = item
    spaced = " ".join(sep.join(word) for word in phrase.split(" "))
    if upper:
        spaced = spaced.upper()
    text = prefix + spaced + "."
    assert category in lint(text).categories, text


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(max_size=200),
    third_party=st.booleans(),
    jurisdiction=st.sampled_from(["CN", "US", "UK"]),
)
def test_spans_always_lie_within_the_text(text: str, third_party: bool, jurisdiction: str) -> None:
    ctx = LintContext(
        recipient_role=RecipientRole.THIRD_PARTY if third_party else RecipientRole.BORROWER,
        channel=Channel.SMS,
    )
    result = lint(text, ctx, jurisdiction=jurisdiction)
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start : f.end]
        if f.category in WARN_CATEGORIES:  # missing_* warnings point at the end of the text
            assert f.start == f.end == len(text)
        else:
            assert f.start < f.end
    blocked = any(f.severity == "block" for f in result.findings)
    assert result.verdict == ("block" if blocked else "warn" if result.findings else "ok")


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            ["上", "门", "shang", "men", "sm", "a", "上门", "你", "家", "。", " ", "*", "arrest", "\u200b"]
        ),
        max_size=30,
    )
)
def test_spans_within_text_for_adversarial_mixtures(words: list[str]) -> None:
    text = "".join(words)
    for f in lint(text).findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start : f.end]


_WARNING_PIECES = [
    "This is ",
    "this is",
    "From ",
    "from",
    "on behalf of ",
    "On behalf of",
    "Acme",
    "Bank",
    "Banks",
    "LLC",
    "Collection",
    "Collections",
    "debt collector",
    "pay",
    "payment",
    "repayment",
    "owed",
    "overdue",
    "due",
    "rmb",
    "RMB",
    "人民币",
    "usd",
    "£",
    "¥",
    "$",
    "{{amount}}",
    "{金额}",
    "dollars",
    "元",
    "万元",
    "5",
    "1,200.50",
    "٣",
    " ",
    "\t",
    "x",
    "_",
    "。",
    "您",
]


@given(st.lists(st.sampled_from(_WARNING_PIECES) | st.text(max_size=3), max_size=12).map("".join))
@example("RMB 5")
@example("pay 人民币\t3 now")
@example("usd12")
@example("From Acme Bank")
@example("x_Bank")
@example("mybank Bank")
@example("on behalf of Acme")
@example("the debt collector")
@example("{{ amount }}")
@example("5万元")
@example("$ 5")
@example("repayment due")
def test_warning_searches_give_the_same_answer_as_the_plain_expressions(text: str) -> None:
    """``_warnings`` asks the rewritten expressions (every alternative starting with a plain character) whether
    they match anywhere: the answer must be the plain expressions'."""
    from faircollect.compliance.linter import engine as E

    assert (E._IDENTITY_EN_ANY.search(text) is None) == (E._IDENTITY_EN.search(text) is None)
    assert (E._DEMAND_EN_ANY.search(text) is None) == (E._DEMAND_EN.search(text) is None)
    assert E._has_amount(text) == (E._AMOUNT.search(text) is not None)


def _negated_cn_plain(norm, a: int, category: str) -> bool:  # type: ignore[no-untyped-def]
    """The negation window as first written: clause start from the offset map, then guards, then negators."""
    import re as _re
    from bisect import bisect_left, bisect_right

    from faircollect.compliance.linter import patterns as P
    from faircollect.compliance.linter.engine import _GUARDED

    compact = norm.compact
    starts = compact.starts
    breaks = norm.clause_breaks
    i = bisect_right(breaks, starts[a])
    k = bisect_left(starts, breaks[i - 1] if i else 0, 0, a)
    if category in _GUARDED and any(g in compact.text[k:a] for g in P.CN_IMPERSONATION_GUARDS):
        return True
    k = max(k, a - 16)
    window = compact.text[k:a]
    if not window or not any(n in window for n in P.CN_NEGATORS):
        return False
    extended = compact.text[k : a + 4]
    covered = []
    for f in P.CN_FALSE_NEGATORS:
        covered += [(m.start(), m.start() + len(f)) for m in _re.finditer(f"(?={_re.escape(f)})", extended)]
    for neg in P.CN_NEGATORS:
        pos = window.find(neg)
        while pos >= 0:
            if not any(q <= pos and pos + len(neg) <= e for q, e in covered):
                return True
            pos = window.find(neg, pos + 1)
    return False


@given(
    st.text(
        alphabet=st.sampled_from(list("不没别未勿会要放过还你我们打死上门冒充自称警察法院，。 ")), max_size=60
    ),
    st.sampled_from(["violence_threat", "impersonation", "visit_threat", "deceptive"]),
)
def test_negation_window_equals_the_plain_one(text: str, category: str) -> None:
    from faircollect.compliance.linter.engine import _negated_cn
    from faircollect.compliance.linter.normalise import normalise

    norm = normalise(text)
    for a in range(len(norm.compact.text)):
        assert _negated_cn(norm, a, category) == _negated_cn_plain(norm, a, category), (text, a)
