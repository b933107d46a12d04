"""Warning frames cannot launder a threat (``reported.py``): a frame covers only words that are provably someone
else's.

On 2026-12-04 the frames of ``reported.py`` (9a0ed5e) demoted a rule finding from block when it sat after "beware",
after "callers say" or before "…都是诈骗" — so a collector could wrap their own threat in one ("Beware, we will come
to your workplace tomorrow") and the linter failed open (warn, not block). Every text in ``WRAPPED`` was written
for this test before the fix, is a collector's threat wrapped in a frame, blocked before 9a0ed5e, and must block.
``LAWFUL`` are warnings to the public that quote threats: they must not block. Hand-written; neither training rows
nor sealed items.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

WRAPPED = [
    # the warning heads the sentence, the sender is the actor
    "Beware, we will come to your workplace tomorrow",
    "Beware: our agents will visit your family tonight",
    "Be careful, I will come to your house tonight.",
    "Watch out: our officers will arrest you if you don't pay.",
    "Scam alert: we will tell your employer about this debt unless you pay today.",
    "Red flag: my team will post your photo on social media tomorrow.",
    # the warning heads the sentence but names no scam and no impostor
    "Beware, someone will visit your family tonight.",
    "Beware, the sheriff will arrest you at your workplace tomorrow.",
    "Scam alert: deputies will arrest you at your workplace tomorrow.",
    # someone else says it, but the sender is in the sentence, or the sentence demands payment
    "Some callers say we will hurt your kids. Pay now.",
    "The scammer says we will come to your house tonight.",
    "Scammers say we will call your boss, so pay now or else.",
    "Callers say the sheriff will arrest you tonight unless you pay.",
    # the verdict closes it, but what it is about is the sender's own threat
    "We will show up at your job tomorrow, this is a scam warning.",
    "If you don't pay, the sheriff will arrest you tonight, it is a scam to ignore this.",
    # Chinese (simplified)
    "谨防：我们明天上门找你家人",
    "不还钱就上门，都是诈骗",
    "警惕！我司将通知你的单位和同事。",
    "提防点，再不还我们就去你家里找你父母。",
    "小心被骗：本公司明天派人上门。",
    "谨防有人明天上门找你家人。",
    "谨防骗子：来自我司的人员明天上门找你家人。",
    "骗子称我们会把你的欠款告诉你的通讯录好友，立即还款。",
    "否则明天就上门找你单位领导，这些都是违法的。",
    "咱们明天去你家里找你，都是假的。",
    # Chinese (traditional)
    "謹防：我們明天上門找你家人",
    "不還錢就上門，都是詐騙",
    "警惕！本平台將把你的欠款告訴你的通訊錄好友。",
    "提防：再不還，我們就到你公司找你老闆。",
]

LAWFUL = [
    # what the frames were written for (9a0ed5e), kept
    "Beware of callers who say the sheriff is on the way.",
    "凡是通过网站出示的通缉令、拘捕令，都是诈骗！",
    "The scammer says there is a warrant out for your arrest.",
    # more warnings in the same spirit
    "Beware of scammers who threaten to tell your employer about your debt.",
    "Fraudsters posing as deputies may say there is a warrant for your arrest.",
    "Beware: impostors claiming to be from the sheriff's office threaten arrest.",
    "温馨提醒：冒充公检法称您涉嫌洗钱将被拘留的，都是诈骗。",
    "请注意自我保护，谨防不法分子冒充公安称您涉嫌洗钱将被拘留。",
    "謹防不法分子冒充法院工作人員稱您將被拘留。",
]

STILL_BLOCKED = [
    "Our agent says the sheriff is on his way",
    "你的行为属于诈骗，警方会拘留你",
]


def _lint(text: str):  # type: ignore[no-untyped-def]
    return lint(text, jurisdiction="US" if text.isascii() else "CN")


@pytest.mark.parametrize("text", WRAPPED)
def test_a_threat_wrapped_in_a_warning_frame_still_blocks(text: str) -> None:
    r = _lint(text)
    assert r.verdict == "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", STILL_BLOCKED)
def test_what_the_frames_kept_blocking_still_blocks(text: str) -> None:
    assert _lint(text).verdict == "block"


@pytest.mark.parametrize("text", LAWFUL)
def test_a_warning_that_quotes_someone_elses_threat_does_not_block(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


# written while probing the fix (after it was first written): a third party's threat stated as fact beside a named
# scam, a verdict about words nobody is said to have said, a neutral reporter ("callers say"), the sender disguised,
# in a short sentence after the words or after the verdict
WRAPPED_WHILE_PROBING = [
    "Beware of scammers: deputies will arrest you at your workplace tomorrow.",
    "Deputies will arrest you at your workplace tomorrow, this is a scam.",
    "We remind customers: deputies will arrest you at work, it is a scam.",
    "Callers say the sheriff will come to your house tonight.",
    "Scammers say you will be arrested, so pay today.",
    "Beware of scammers who say w\u200be will come to your workplace tonight.",  # a zero-width space in "we"
    "Beware of scammers who say w\u0435 will come to your workplace tonight.",  # a Cyrillic е in "we"
    "谨防骗子：明天有人上门找你家人。",
    "明天上门找你家人，都是诈骗",
    "本平台通知：明天上门找你家人，都是诈骗。",
    "謹防詐騙：明天上門找你家人。",
    "Someone will visit your family tonight, it's a scam.",
    "Callers say the sheriff will come to your house tonight, beware of scams.",
    "Beware of scammers who say we don't call before deputies arrest you at your workplace.",
    "有人明天上门找你家人，都是诈骗。",
    "对方明天上门找你家人，谨防诈骗。",
    "Deputies will arrest you at your workplace tomorrow, and anyone who says otherwise is a scammer.",
    "明天上门找你家人，凡是不信的都是骗子。",
    # the sender in a short sentence after, or after the verdict, or a condition in text-message spelling
    "Beware of fraudsters who say the sheriff will come to your house; we will.",
    "If someone says deputies will arrest you at your workplace tonight, it is a scam. PAY NOW.",
    "If someone says deputies will arrest you at your workplace if u dont pay, it is a scam.",
    "凡是说明天上门找你家人的都是骗子，但我们会去。",
    "如有人称明天上门找你家人，都是诈骗，咱们明天见。",
    "如有人稱明天上門找你家人，都是詐騙。咱們明天見。",
    "Scammers may threaten to call your employer. We will.",
    "Beware of scammers: call us today, deputies will arrest you at your workplace.",
    "请联系我司，谨防诈骗，明天上门找你家人。",
]

#: lawful warnings the rules above must leave alone: the sender announcing the warning or the place to report, a
#: named scammer's own condition, the country "US", 自我 (self) that is not 我 (the sender)
LAWFUL_SENDER_AROUND = [
    "We remind customers: scammers may say deputies will arrest you at work.",
    "Scammers may say you will go to jail for a debt, report them to us.",
    "Scammers say the sheriff will arrest you if you don't pay.",
    "Beware of impostors who say a US marshal has a warrant for your arrest.",
    "Our company does not call customers threatening jail or demanding gift cards.",
    "本平台郑重提醒：凡是自称法院工作人员称您将被拘留的，都是诈骗。",
    "请注意自我保护，谨防不法分子冒充公安称您涉嫌洗钱将被拘留。",
    "Scammers may threaten to call your employer. We never do.",
    "Beware of scammers who say deputies will arrest you at work. Call us.",
    "如有人以上门、曝光通讯录相威胁，都是诈骗，请联系我司核实。",
]


@pytest.mark.parametrize("text", WRAPPED_WHILE_PROBING)
def test_a_threat_beside_a_frame_but_not_inside_it_blocks(text: str) -> None:
    r = _lint(text)
    assert r.verdict == "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", LAWFUL_SENDER_AROUND)
def test_the_sender_announcing_a_warning_is_not_the_sender_acting_in_it(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", [*WRAPPED, *WRAPPED_WHILE_PROBING])
def test_each_wrapped_threat_is_a_threat_the_linter_finds_without_its_frame(text: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The set measures the frames, not the lexicons: with no frame covering anything, every text blocks."""
    from faircollect.compliance.linter import engine

    monkeypatch.setattr(engine, "reported_only", lambda norm, raws: set())
    assert _lint(text).verdict == "block"


@pytest.mark.parametrize("text", [*LAWFUL, *LAWFUL_SENDER_AROUND])
def test_each_lawful_warning_holds_words_the_linter_blocks_without_its_frame(text: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The lawful set measures the frames too: each holds words that block when no frame covers them."""
    from faircollect.compliance.linter import engine

    monkeypatch.setattr(engine, "reported_only", lambda norm, raws: set())
    assert _lint(text).verdict == "block"
