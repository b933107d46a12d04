"""A frame keeps a threat at a distance only when the message as a whole does (``reported._taken_back``), 骗子 as the
noun of a scam warning is not an insult, and the model does not block reassurance on generic English words.

Hand-written probes (neither training rows nor sealed items), written before the fixes: the texts of ``ENDORSED``
only warned at 247e2b3 (the frame covered the threat, the endorsement was not read), except the four with 骗子/騙子,
which blocked only as insults (the frame alone blocked too); the texts of ``REASSURING_EN`` are lawful English the
classifier blocked at 247e2b3 (the first four) or of that kind; the 骗子 warnings were blocked as insults.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

#: (a framed threat that alone does not block, what the sender adds that takes the distance back)
ENDORSED = [
    ("Scammers say the sheriff will come tonight.", "They are right."),
    ("Scammers say the sheriff will come tonight.", "That's true."),
    ("Scammers claim deputies will arrest you at work.", "And they will."),
    ("Beware of callers who say the sheriff will come to your house.", "This applies to you."),
    ("Callers who say the sheriff will come to your house are scammers.", "But he will come to you."),
    ("Scammers claim the sheriff will arrest you.", "Believe them."),
    ("Scammers claim the sheriff will arrest you.", "It's true in your case."),
    ("Scammers may say you will be arrested.", "This is not a scam."),
    ("Scammers say the sheriff will come tonight.", "No joke."),
    ("Fraudsters say deputies will arrest you at your workplace.", "You're next."),
    ("Scammers say the sheriff will come to your house tonight.", "We will too."),
    ("Beware of callers who say the sheriff is on the way.", "He really is."),
    ("Scammers say the sheriff will come tonight", ", and they are right."),
    ("Scammers say the sheriff will come tonight.", "Pay today."),
    ("Scammers say the sheriff will come tonight.", "You'll see."),
    ("If someone says deputies will arrest you at work, it is a scam.", "Not this time, it's real."),
    ("骗子说明天上门找你家人。", "这是真的。"),
    ("骗子称明天上门找你家人", "，说的没错。"),
    ("骗子称明天上门找你家人。", "我们也会。"),
    ("谨防有人冒充法院称您将被拘留。", "这次是真的。"),
    ("凡是说明天上门找你家人的都是骗子。", "不过说的就是你。"),
    ("如有人称明天上门找你家人，都是诈骗。", "但这不是吓唬你。"),
    ("谨防不法分子冒充公安称您将被拘留。", "会的。"),
    ("騙子稱明天上門找你家人。", "這是真的。"),
    ("凡是自称法院工作人员称您将被拘留的，都是诈骗。", "你等着瞧。"),
    ("谨防不法分子冒充公安称您将被拘留。", "你就是下一个。"),
    # docs/linter.md's Limits at 247e2b3: "an endorsement in a longer following sentence is not read"
    (
        "Scammers say the sheriff will come tonight.",
        "Think about what happens to people who do not settle with us.",
    ),
]

#: warnings whose other sentences keep the distance: a denial, advice, the place to report, an offer of help
LAWFUL_AROUND = [
    "Scammers may say you will be arrested. That is not true. We will never threaten you.",
    "Beware of callers who say the sheriff is on the way. They are lying. Hang up and call us on the number on your "
    "statement.",
    "Fake debt collectors may threaten to have you arrested. They will pressure you to pay at once. Report them to "
    "the FTC.",
    "Scammers say there is a warrant for your arrest. It is not true, and no court works this way.",
    "Beware of impostors who say deputies will arrest you at work. If you cannot pay, call us to agree a plan.",
    "The scammer says there is a warrant out for your arrest. They may sound convincing. Check with the court "
    "directly.",
    "Callers who say the sheriff is on the way are scammers. We will always use our registered name when we call.",
    "Scammers may claim you will be arrested. This is a common trick. Don't believe them.",
    "谨防不法分子冒充公安称您将被拘留。这是假的，请勿相信。",
    "凡是自称法院工作人员称您将被拘留的，都是诈骗。我们不会以任何方式威胁您。",
    "骗子常以涉嫌洗钱、将被拘留为由恐吓受害人。不要相信他们，请及时报警。",
    "谨防有人冒充法院工作人员称您将被拘留。我们会协助您核实。",
    "谨防有人冒充法院工作人员称您将被拘留。如果还款有困难，请联系我们协商。",
]

#: written after the fix, as a check of how it generalises: 11 of 16 blocked at first (missed: "That's exactly what
#: will happen to you.", "He's on his way to you right now.", "That's what happens to people like you.", "They aren't
#: wrong.", 可惜这次不是。), and 1 of the 7 lawful ones was blocked ("None of it is true." read as agreement); all
#: closed by widening the expressions (a negator before the agreement, a denied "wrong", the threat happening to the
#: reader, motion towards the reader, 这次不是), and the model is no longer silenced by a scam word in a message
#: that takes the words back (the rules do not find "deputies will come to your workplace" at all)
HELD_BACK = [
    ("Scammers claim the sheriff will arrest you.", "Every word of it is true."),
    (
        "Beware of callers who say deputies will come to your workplace.",
        "That's exactly what will happen to you.",
    ),
    ("Scammers say you will go to jail.", "Trust me, you will."),
    ("Fake collectors say the police will arrest you.", "Funny, that's our plan too."),
    ("Scammers may say the sheriff will come to your house.", "We agree with them."),
    ("Scammers say the sheriff is on his way.", "He's on his way to you right now."),
    ("Some say the sheriff will arrest you tonight, it's a scam.", "Or is it?"),
    ("Scammers claim deputies will arrest you at work.", "That's what happens to people like you."),
    ("Scammers say you will be arrested.", "They aren't wrong."),
    ("Callers who say the sheriff will come to your house are scammers.", "Not in your case though."),
    ("骗子称明天上门找你家人。", "确实如此。"),
    ("谨防有人冒充法院称您将被拘留。", "你就等着吧。"),
    ("凡是说明天上门找你家人的都是骗子。", "可惜这次不是。"),
    ("骗子称明天上门找你家人。", "他们没说错。"),
    ("謹防有人冒充法院稱您將被拘留。", "這可不是開玩笑。"),
    ("如有人称明天上门找你家人，都是诈骗。", "我们明天真的会去。"),
]
#: a third set, written after the second: the words carried on as fact with no endorsement word at all — 2 of 10
#: blocked before another sentence was required to read as part of a warning (``_EN_NEUTRAL``/``_CN_NEUTRAL``:
#: a scam word, advice, a denial, the scammer described, the sender's help); fail closed
CARRIED_ON = [
    ("Scammers say the sheriff will come tonight.", "Tonight you will meet him."),
    ("Scammers say deputies will arrest you at work.", "Your coworkers will watch it happen."),
    ("Scammers claim the sheriff will come to your house.", "Leave the door open for him."),
    ("Beware of callers who say the police will arrest you.", "The police are already outside."),
    ("Scammers say you will be arrested.", "Guess who agrees with them?"),
    ("Scammers say deputies will come to your workplace.", "See you there."),
    ("Scammers say the sheriff will come tonight.", "We will always find you."),
    ("骗子称明天上门找你家人。", "明天见。"),
    ("谨防有人冒充法院称您将被拘留。", "准备好吧。"),
    ("骗子称明天上门找你家人。", "到时候别怪我们。"),
    ("凡是说明天上门找你家人的都是骗子。", "但你家地址我们已经有了。"),
]
HELD_BACK_LAWFUL = [
    "Scammers claim the sheriff will arrest you. None of it is true.",
    "Beware of callers who say deputies will come to your workplace. No court sends deputies for a debt.",
    "Scammers say you will go to jail. You won't; debts are civil matters.",
    "Fake collectors say the police will arrest you. Our staff will never say this.",
    "骗子称明天上门找你家人。这些都是假的，请勿理会。",
    "谨防有人冒充法院称您将被拘留。法院不会通过电话通知拘留。",
    "凡是说明天上门找你家人的都是骗子。如有疑问请拨打我司官方客服热线核实。",
]

SCAM_NOUN_LAWFUL = [
    "警惕骗子冒充催收人员",
    "谨防骗子冒充法院工作人员称您将被拘留。",
    "骗子的话术往往是让您转账到个人账户。",
    "遇到骗子请立即报警。",
]
SCAM_NOUN_INSULTS = [
    "你这个骗子",
    "你就是个骗子，借钱不还。",
    "不还钱？骗子！老赖！",
    "骗子！借了钱就玩消失，你还是不是人？",
    "你们这些骗子，赶紧还钱。",
    "你这种老赖都是骗子",
]

#: lawful English the classifier blocked on generic words ("your", "will", "ll", "t", "pay") at 247e2b3, or of that kind
REASSURING_EN = [
    "Don't worry, nobody will come to your home.",
    "We'll be waiting for your call.",
    "This won't ruin your credit if you pay now.",
    "No one will visit you or call your employer.",
    "Don't worry, no one will visit your home or your workplace.",
    "Nobody will call your boss about this account.",
    "We're waiting for your call to set up a payment plan.",
    "We look forward to your reply.",
    "Rest assured, your information will stay private.",
]
#: threats in the same words (a negator, a reassurance) that blocked at 247e2b3 and must still block
NEGATED_THREATS_EN = [
    "Don't worry, we will find you.",
    "We'll be waiting for you outside your house.",
    "Rest assured, your boss will hear about this.",
    "Your kids won't be safe at school.",
    "We won't stop calling your mother.",
    "Don't worry, your neighbours will know everything by tonight.",
    "This won't end well for your family.",
]


def _lint(text: str):  # type: ignore[no-untyped-def]
    return lint(text, jurisdiction="US" if text.isascii() else "CN")


def _join(framed: str, added: str) -> str:
    return framed + added if not framed.isascii() or added.startswith(",") else f"{framed} {added}"


@pytest.mark.parametrize(("framed", "added"), [*ENDORSED, *HELD_BACK, *CARRIED_ON])
def test_a_framed_threat_the_sender_takes_back_blocks(framed: str, added: str) -> None:
    r = _lint(_join(framed, added))
    assert r.verdict == "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize(("framed", "added"), ENDORSED)
def test_the_frame_alone_keeps_its_distance(framed: str, added: str) -> None:
    """The set measures the endorsement: without it, the framed words do not block."""
    r = _lint(framed)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", [*LAWFUL_AROUND, *HELD_BACK_LAWFUL])
def test_other_sentences_that_keep_the_distance_do_not_block(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", SCAM_NOUN_LAWFUL)
def test_the_scammer_of_a_warning_is_not_an_insult(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", SCAM_NOUN_INSULTS)
def test_a_swindler_said_to_the_borrower_is_an_insult(text: str) -> None:
    r = _lint(text)
    assert any(f.category == "insult" and f.severity == "block" for f in r.findings)


@pytest.mark.parametrize("text", REASSURING_EN)
def test_reassurance_in_generic_english_words_is_not_blocked_by_the_model(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", NEGATED_THREATS_EN)
def test_threats_with_a_negator_or_a_reassurance_still_block(text: str) -> None:
    assert _lint(text).verdict == "block"


def test_a_rule_match_a_negator_denied_demotes_the_models_block_in_its_sentence() -> None:
    """The rules read the visit in "nobody will come to your home" and found it denied; the model, which read
    'your', 'will', 't', may warn there, not block."""
    r = _lint("Don't worry, nobody will come to your home.")
    model = [f for f in r.findings if "classifier" in f.explanation]
    assert model and all(f.severity == "warn" for f in model)


# Lawful warnings in the shape of the police and sheriffs' warnings staged for training (written by hand, not the
# rows): a denial of contact running through a list ("WILL NOT call, text, or email anyone …, especially by …"), a
# named scammer's words as a participle ("…, claiming that …", "such as threatening to …"), a third-person victim
# (…对受害人实施拘留…这些都是诈骗). Each blocked at 20e5e13.
SHAPES_LAWFUL = [
    "The police department WILL NOT call, text, or email anyone demanding payment, especially by wire, bitcoin, or "
    "gift cards.",
    "The court does not call people demanding they buy gift cards, prepaid cards or wire transfers to avoid arrest.",
    "A caller may be a fake debt collector if he tries to scare you, such as threatening to have you arrested.",
    "Often the scammer becomes abusive on the phone, claiming that the victim will be arrested if payment isn't made "
    "at once.",
    "如果在通话中“警察”要求受害人保密，否则就会对受害人实施拘留，这些都是诈骗！",
]
#: … and the same shapes used to smuggle a threat through: each must block (written while closing the shapes)
SHAPES_ABUSIVE = [
    "The sheriff's office does not call, text or email, deputies will arrest you at work tomorrow.",
    "The sheriff's office does not call, text, or email anyone, especially not before deputies arrest you at work.",
    "Police do not call or text first, deputies will just arrest you at your workplace tomorrow.",
    "Scammers are out there, claiming the sheriff will come to your house tonight, and we agree.",
    "Fake collectors keep calling, saying deputies will arrest you at work. We will make sure they do.",
    "Scammers keep threatening to visit your family. Our agents will visit them tonight.",
    "不还钱就对受害人实施拘留，这些都是诈骗，你也一样。",
    "你再不还钱就对受害人实施拘留，这些都是诈骗。",
]


@pytest.mark.parametrize("text", SHAPES_LAWFUL)
def test_police_warnings_in_these_shapes_do_not_block(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", SHAPES_ABUSIVE)
def test_the_shapes_do_not_smuggle_a_threat(text: str) -> None:
    assert _lint(text).verdict == "block"


#: lawful warnings with a greeting, a sign-off, thanks or an account note around them (and 冒充我司: the party
#: impersonated, not the sender acting) — checked after the fail-closed rule, which blocked 5 of these 8 at first
LAWFUL_CLOSINGS = [
    "近期有不法分子冒充我司催收人员称您将被拘留。我司从未委托任何人上门收款。还款请认准官方APP。",
    "骗子常冒充公检法称您涉嫌洗钱将被拘留。公检法机关不会通过电话办案。请您提高警惕。",
    "谨防有人冒充法院工作人员称您将被拘留。感谢您的配合！【某某银行】",
    "Scammers may say you will be arrested. Thank you for banking with us.",
    "Scammers may say you will be arrested. Acme Bank Customer Care.",
    "Dear customer. Scammers may say the sheriff is on the way. Kind regards, Acme Credit.",
    "Scammers may say the sheriff is on the way. Stay safe.",
    "Scammers may say the sheriff is on the way. Your account remains in good standing.",
]
#: … and those neutral words used to carry a menace through
CLOSINGS_ABUSIVE = [
    "Scammers say the sheriff will come tonight. Thank you, see you tonight.",
    "Scammers say the sheriff will come tonight. Not a scam, dear customer.",
    "Scammers say the sheriff will come tonight. Thanks, we'll be waiting for you.",
    "骗子称明天上门找你家人。谢谢配合，明天见。",
    "谨防有人冒充法院称您将被拘留。感谢配合，我们门口见。",
]


@pytest.mark.parametrize("text", LAWFUL_CLOSINGS)
def test_greetings_and_sign_offs_keep_the_distance(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", CLOSINGS_ABUSIVE)
def test_a_menace_beside_a_sign_off_takes_the_distance_back(text: str) -> None:
    assert _lint(text).verdict == "block"


#: a pronoun sentence that goes on with a named scammer's report is the scammer's too (blocked for "gift cards" at
#: 379609c) …
CONTINUED_LAWFUL = [
    "Scammers claim the sheriff will arrest you. They will often ask for gift cards. Never pay this way.",
    "Scammers claim the sheriff will arrest you. They may demand payment by gift cards or wire transfer.",
]
#: … but not when it states the harm itself, the sender acts, the first report was the sender's own, or it demands
CONTINUED_ABUSIVE = [
    "Scammers claim the sheriff will arrest you. They will arrest you tonight.",
    "Scammers claim the sheriff will arrest you. They will ask for gift cards, and we will come to your house.",
    "Our agents claim the sheriff will arrest you. They will ask for gift cards.",
    "Scammers claim the sheriff will arrest you. They will tell you deputies will arrest you at work unless you pay now.",
]


@pytest.mark.parametrize("text", CONTINUED_LAWFUL)
def test_a_continued_scam_report_does_not_block(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


@pytest.mark.parametrize("text", CONTINUED_ABUSIVE)
def test_a_continued_report_does_not_carry_the_senders_threat(text: str) -> None:
    assert _lint(text).verdict == "block"


#: a later clause of the words' own sentence that speaks to the reader, has a verb of its own or gives an order is
#: read like another sentence (all five only warned at 90ef709) …
SAME_SENTENCE_ABUSIVE = [
    "Scammers say the sheriff will come tonight, so leave the door open for him.",
    "Scammers say the sheriff will come tonight, and tonight you will meet him.",
    "Scammers say deputies will arrest you at work, and your coworkers will watch.",
    "Scammers say the sheriff will come tonight, and that we will be with him.",
    "骗子称明天上门找你家人，你明天在家等着。",
    "骗子称明天上门找你家人，准备好吧。",
]
#: … but not the rest of the report, a denial or a scam word
SAME_SENTENCE_LAWFUL = [
    "Scammers say the sheriff will come tonight to scare you into paying with gift cards.",
    "Scammers say the sheriff will come tonight, but no sheriff collects debts.",
    "骗子称明天上门找你家人，以此骗取钱财。",
    "The scammer says there is a warrant out for your arrest, but that you can pay a fine to avoid charges.",
    "Scammers say the sheriff will come tonight, and that he will bring handcuffs.",
]


@pytest.mark.parametrize("text", SAME_SENTENCE_ABUSIVE)
def test_a_later_clause_can_take_the_words_back(text: str) -> None:
    assert _lint(text).verdict == "block"


@pytest.mark.parametrize("text", SAME_SENTENCE_LAWFUL)
def test_the_rest_of_a_report_keeps_the_distance(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]


def test_the_model_does_not_block_on_a_single_ngram() -> None:
    """ "天冷了，出门注意保暖。" was blocked (P 0.94) on '出门' alone (the character pair and the same word)."""
    r = _lint("天冷了，出门注意保暖。")
    assert r.verdict != "block"
    assert any("classifier" in f.explanation and f.severity == "warn" for f in r.findings)


#: a fourth set, written after everything above: 8 of 10 blocked, 4 of 6 lawful not blocked at first. Closed: a
#: condition on the reader in another sentence ("Unless you ignore this letter."), menacing idioms (好自为之,
#: 好好想想), a short denial of a collection act by the sender (我司不会上门催收。 was read as the sender acting; not
#: 我司不会等太久。 nor 我们不会放过你。). Left: "Scammers claim they will post your photo online. Legitimate lenders
#: never do this." blocks — the model, on 'your', 'will', 'this', over the whole short message (docs: Limits).
FOURTH = [
    "Fraudsters may claim deputies will arrest you at your workplace. Funny how often they turn out right.",
    "Beware of callers who say the sheriff will come to your house. Make sure someone is home tonight.",
    "Scammers say your boss will hear about your debt. He already has.",
    "If someone says the police will arrest you, it is a scam. Unless you ignore this letter.",
    "谨防不法分子冒充公安称您将被拘留。您好自为之。",
    "凡是称明天上门找你家人的都是诈骗。不过我们的人已经在路上了。",
    "骗子称要把你的欠款发到朋友圈。这个主意不错。",
    "如有人称要通知你的单位领导，都是诈骗。你领导的电话我们有。",
    "Scammers claim they will post your photo online. Check Facebook tomorrow.",
    "谨防有人冒充法院称您将被拘留。好好想想吧。",
    "凡是称明天上门找你家人的都是诈骗。我们不会放过你。",
    "凡是称明天上门找你家人的都是诈骗。我司不会等太久。",
]
FOURTH_LAWFUL = [
    "Fraudsters may claim deputies will arrest you at your workplace. Hang up and call the number on your card.",
    "谨防不法分子冒充公安称您将被拘留。公安机关不会通过电话要求转账。",
    "凡是称明天上门找你家人的都是诈骗。我司不会上门催收。",
    "如有人称要通知你的单位领导，都是诈骗。请勿理会并及时报警。",
    "Beware of callers who say the sheriff will come to your house. Sheriffs do not collect private debts.",
]


@pytest.mark.parametrize("text", FOURTH)
def test_fourth_set_blocks(text: str) -> None:
    assert _lint(text).verdict == "block"


@pytest.mark.parametrize("text", FOURTH_LAWFUL)
def test_fourth_set_lawful_does_not_block(text: str) -> None:
    r = _lint(text)
    assert r.verdict != "block", [(f.category, f.severity, f.excerpt) for f in r.findings]
