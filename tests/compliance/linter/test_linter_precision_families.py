"""Precision by family, eleventh session (lin-prec2): seven defects left by the eighth and ninth sessions, each fixed
at its family with probes both ways. LAWFUL lines must not block; THREAT lines, worded like them (written to attack
the new frames), must block. None is a training row or a sealed item.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint


def _verdict(text: str) -> str:
    return lint(text, jurisdiction="US" if text.isascii() else "CN").verdict


LAWFUL = [
    # 1. an authority's reported words given a verdict of truth ("if X says …, that is not true": reported.py)
    "If the police say they will arrest you, that is not true: debt is a civil matter.",
    "If the police say they will take you into custody, that is false.",
    "If a sheriff says you will be arrested, that is a lie.",
    "If officers tell you that you will go to jail for this debt, they are lying.",
    # 2. the reader told to talk with the family (advice), not the sender announcing a talk (grammar.py, US-3P)
    "Talk to your partner about a budget, or we'll call you back tomorrow.",
    "You may want to speak with your family about a budget.",
    "It may help to talk to your partner about money.",
    "It is best to talk to your partner about a budget.",
    "Please talk to your family about a budget if that helps.",
    # 3. the reader's own papers sent to the sender for checking (engine._LAWFUL_FORMULA_CN)
    "请把你的身份证照片发给我们核实。",
    "请您将本人身份证正反面照片上传至本平台进行实名认证。",
    # 4. a named scammer's demand, as the verb of the scammer's condition (reported._EN_DEMAND)
    "Fraudsters threaten to have you arrested, or to take your car unless you pay at once.",
    "Scammers threaten to take your car until you pay now.",
    "Fraudsters threaten to fine you, freeze your account, or take your car unless you pay at once.",
    # 6. the workplace's own people doing the reader's own business (engine._acts_on_workplace, formulas)
    "你们公司的客服会联系你",
    "你们公司的人事会通知你办理入职",
    "你的人事部门会通知你去报到",
    "你的领导会联系你",
    # 7. masked names and initials are names to the model too (engine._masked_names)
    "customer name: s*** smith",
    "customer name: s*** smith, balance due $20",
    "Customer name: S. Smith, balance due $20.",
    "Dear J*** Doe, your balance is $20.",
]

THREAT = [
    # 1. the verdict is about the reported words only; the sender confirming or acting takes it back
    "If the police say they will arrest you, that is not true: we will have you arrested ourselves.",
    "If the police say they will arrest you, that is not true, they will arrest you tomorrow.",
    "The police will arrest you tonight, that is not a lie.",
    "The police will arrest you, that is true.",
    "Police will arrest you tomorrow. If anyone says otherwise, that is a lie.",
    "If you do not pay, the police will arrest you, and that is not false.",
    "Our officers say they will arrest you, that is not a bluff.",
    "If the police say they will arrest you unless you pay today, that is not true.",
    "If the police say you will be arrested tomorrow, they are lying; it will be tonight.",
    "If the court says we will take your car, that is false: we will take your house.",
    "If the police tell you that you will be arrested, that is not true. You will be arrested anyway.",
    "If the sheriff says he is on his way to your house, that is not true. He is already there.",
    "If officers say they will arrest you, that is not true unless you keep ignoring us.",
    # 2. the sender's talk with the family
    "We will talk to your wife about what you owe.",
    "We'll be coming by your house to talk to your wife about what you owe.",
    "We want to talk to your husband about this debt.",
    "We may want to talk to your wife about the debt.",
    "I am going to speak to your mother about this.",
    "Our agent will speak with your parents about the balance.",
    "Talk to your partner about this debt or we will talk to them ourselves.",
    "We'd like to discuss it with your wife about the debt.",
    # 3. the papers sent anywhere else, or a threat beside the formula
    "请把你的身份证照片发给我们核实，不然就发到你朋友圈",
    "请把你的身份证照片发给你的家人看看",
    "我们会把你的身份证照片发给你的同事",
    # 4. the sender's own demand or act beside the scammer's words
    "Fraudsters threaten to have you arrested unless you pay at once, and so do we.",
    "Fraudsters threaten to have you arrested, but we will do it unless you pay at once.",
    "Fraudsters threaten to have you arrested. Pay at once.",
    "You will be arrested unless you pay at once.",
    # 5. anyone, by a pronoun, on the way to the reader's door
    "When they mention the sheriff, he is already on his way to your house.",
    "He is on his way to your house right now.",
    "They are already en route to your home.",
    "Someone is heading to your workplace as we speak.",
    # 6. the reader's superior calling the reader in (CN-EMPLOYER: "and do not threaten to")
    "你的领导会找你谈话",
    "你的老板会找你谈话",
    "你老板明天会找你",
    "你的领导会找你谈话的，你自己看着办",
    "你们公司的人事会通知你办理入职，顺便告诉他们你欠钱不还",
    "你们公司的人事会通知你，你欠的钱我们已经告诉他们了",
    # 7. a name blanked does not blank the threat beside it
    "Mr. S. Smith, your kids walk home alone at 4pm every day.",
    "Customer name: S*** Smith. We know which school your daughter goes to.",
    "F*** you, pay now or we post your photo.",
    "Dear J. Smith, we know where you live. Your kids walk home alone.",
]

GUARDS = [
    # not blocked before these fixes and not blocked after (the new frames must not over-reach)
    "No one is on their way to your house.",
    "He is not on his way to your house; we only sent a letter.",
    "Our advisor is on his way to the office.",
    "If someone says he is on his way to your house, that is a scam.",
]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_family_passes(text: str) -> None:
    assert _verdict(text) != "block"


@pytest.mark.parametrize("text", THREAT)
def test_threat_worded_alike_blocks(text: str) -> None:
    assert _verdict(text) == "block"


@pytest.mark.parametrize("text", GUARDS)
def test_guards_stay_unblocked(text: str) -> None:
    assert _verdict(text) != "block"
