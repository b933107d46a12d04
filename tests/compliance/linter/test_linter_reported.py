"""Threats reported, not made (``reported.py``): warnings that quote what scammers say are lawful, and the frame
never opens a hole for a collector's own threat.

Hand-written probes, written for these tests from the shape of public scam warnings (police and sheriffs' notices,
consumer pages); neither training rows nor sealed items.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

LAWFUL = [
    "Beware of callers who say the sheriff is on the way.",
    "Scammers may claim you will be arrested if you do not pay.",
    "If someone says you will go to jail for a debt, it is a scam.",
    "Fake debt collectors often threaten to have you arrested or to tell your employer.",
    "Our company does not call customers threatening jail or demanding gift cards.",
    "Scam alert: callers pretending to be deputies say there is a warrant for your arrest.",
    "The police department does not call residents demanding payment to avoid arrest.",
    "我们提醒您：凡是自称公安要求转账的都是诈骗。",
    "骗子常以涉嫌洗钱、将被拘留为由恐吓受害人，这些都是诈骗手段。",
    "谨防有人冒充法院工作人员称您将被拘留。",
    "如有人以上门、曝光通讯录相威胁，这些都是违规催收，请向我司投诉。",
]

ABUSIVE = [
    "If you don't pay, the police will arrest you. This is not a scam.",
    "This is not a scam: you will be arrested tomorrow.",
    "Our agent says the sheriff is on his way.",
    "My supervisor says you will go to jail.",
    "We will not call again, the sheriff will come to your house.",
    "We don't call twice. Next time the sheriff comes to your door.",
    "你涉嫌诈骗，警方会拘留你。",
    "你的行为属于诈骗，马上就会被抓。",
    "不还钱？骗子！老赖！",
    "你这种老赖都是骗子",
    "别以为我是冒充的，警察马上就到你家。",
]


@pytest.mark.parametrize("text", LAWFUL)
def test_a_warning_that_quotes_a_threat_does_not_block(text: str) -> None:
    r = lint(text, jurisdiction="US" if text.isascii() else "CN")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", ABUSIVE)
def test_the_collectors_own_threat_still_blocks(text: str) -> None:
    r = lint(text, jurisdiction="US" if text.isascii() else "CN")
    assert r.verdict == "block"


def test_an_insult_is_covered_only_where_it_is_the_verdict_word() -> None:
    r = lint("你这种老赖都是骗子")
    assert [f.excerpt for f in r.findings if f.severity == "block"] == ["老赖"]


def test_the_word_prefilter_never_says_no_where_an_english_frame_matches() -> None:
    from faircollect.compliance.linter import reported as R
    from faircollect.compliance.linter.corpus.real import load_train
    from faircollect.compliance.linter.evaluate import load_corpus
    from faircollect.compliance.linter.normalise import normalise

    texts = [*LAWFUL, *ABUSIVE, *(i.text for i in load_corpus()), *(i.text for i in load_train())]
    checked = 0
    for t in texts:
        w = normalise(t).words.text
        if R._EN_BEFORE.search(w) or R._EN_AFTER.search(w) or R._EN_SUBJECT_ANYWHERE.search(w):
            checked += 1
            assert R._en_words_may_frame(w), t
    assert checked >= 10  # the check is not vacuous
