"""The English threat grammar widened for real collector language (fifth session of issue 11): arrest and custody,
officers sent, papers served at work, the employer told, wages and assets taken, proceedings "filed today", criminal
labels, licences and passports, scam-style voicemails from "units" and "divisions", the home and the family.

Hand-written probes; neither training rows nor sealed items. The first lists were written before the rules (main
blocked 29 of their 40 threats and falsely blocked 1 of 25 lawful lines); the second lists were written after the
first version of the rules, as a check on them (main 19/30 blocked, the first version 24/30 with 2/20 false blocks;
the misses and the false block were then fixed). The lawful lines hold the hedges the rulebook allows ("may refer the
account to our legal department", "if a court enters judgment, your wages could be garnished").
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import LintContext, lint

BLOCK = [
    "A deputy has been assigned to locate you and take you into custody.",
    "An arrest warrant is being drafted in your name as we speak.",
    "If we don't hear from you by 5pm, officers will be dispatched to your address.",
    "You could be detained if this is not resolved today.",
    "Our investigator will be requesting a warrant for your arrest.",
    "You will be handcuffed in front of your neighbors.",
    "Failure to respond will result in your arrest.",
    "The county sheriff has your file and will be visiting you this week.",
    "You are facing jail time over this account.",
    "We will have you locked up.",
    "This matter will be turned over to law enforcement today.",
    "Expect a visit from the local police department.",
    "A process server will serve you at your place of employment tomorrow.",
    "We will be contacting your employer to begin wage garnishment today.",
    "Your supervisor will be notified of this debt.",
    "We have your employer's information and will be sending papers to your job.",
    "We are going to call your workplace and speak to your manager about this.",
    "Expect to be served at work in front of your coworkers.",
    "Your wages will be garnished starting next pay period.",
    "We will freeze your bank account and seize your assets.",
    "A lawsuit is being filed against you today at the county courthouse.",
    "Your file has been approved for legal action and will be filed within 24 hours.",
    "This is your final notice before we file suit and obtain a judgment.",
    "We will be pursuing fraud charges against you.",
    "Your driver's license will be suspended if you don't pay.",
    "Your passport will be revoked because of this debt.",
    "You could be deported over this unpaid balance.",
    "This case has been escalated to our litigation department for immediate filing.",
    "You are being sued. Call us before the court date is set.",
    "Your social security benefits will be seized.",
    "This message is for John. This is Officer Davis with the county fraud unit, regarding a pending affidavit in your name.",
    "This is an urgent legal notice regarding case number 4471. Please return this call before we proceed.",
    "This is the legal compliance division calling about a complaint registered under your social security number.",
    "Please have your attorney contact us regarding the charges being brought against you.",
    "This is a time-sensitive matter regarding a claim that will be filed in your county.",
    "You need to contact our office immediately to avoid being served.",
    "We'll be coming by your house to talk to your wife about what you owe.",
    "We will let your family know about your debt.",
    "We will take your home.",
    "Someone from our office will be at your front door tonight.",
    # written after the first version of the rules
    "Two deputies are on standby to bring you in.",
    "You'll be spending the weekend in a county cell if this isn't settled.",
    "We've asked the magistrate to sign a bench warrant.",
    "The arresting officer will need your current address.",
    "Your name has been handed over to the police for theft of services.",
    "I'm going to make sure you get locked up for this.",
    "You will be picked up at your job on Monday.",
    "A summons is being delivered to your employer this afternoon.",
    "We are reaching out to your HR department regarding this balance.",
    "Our agent will stop by your office to discuss the balance with your boss.",
    "Everybody at your work is going to know you don't pay your bills.",
    "Your paycheck is going to be garnished next Friday.",
    "We'll be taking your car this weekend.",
    "Your tax refund will be seized by our office.",
    "Paperwork to sue you goes to the courthouse this afternoon.",
    "Our attorneys have been authorized to file against you within 48 hours.",
    "Your account is scheduled for litigation on Monday.",
    "Last chance before we take you to court.",
    "We're pressing theft charges.",
    "Don't be surprised if your license gets suspended.",
    "Immigration will be informed about your debt.",
    "This is Investigator Reed from the Financial Crimes Division.",
    "You have a complaint lodged against your social security number.",
    "If we don't hear back, you give up your right to appear in court.",
    "This is a legal notification regarding a matter filed under your name.",
    "We'll be parked outside your house until you pay.",
    "Someone will come knock on your door tonight.",
    "We'll call your mother and tell her what you owe.",
    "Your husband will find out about this debt.",
    "Police will be notified and you will be charged.",
    # a third list, written after all the rules as a held-back check (before any fix: 18/20 blocked, main 16/20;
    # "freezing your checking account" and "a fraud complaint against you" were then added to the lexicons)
    "Officers from the county are prepared to detain you on sight.",
    "You're one phone call away from a jail cell.",
    "The warrant desk has your name and your address.",
    "We'll make sure the police know where to find you.",
    "A marshal has been instructed to serve you at your office.",
    "We'll let your manager know exactly why you owe us.",
    "Expect a call to your boss first thing Monday morning.",
    "Our legal team will garnish your wages starting this month.",
    "We're freezing your checking account today.",
    "The bank will seize your car by Friday.",
    "Suit will be filed against you before noon.",
    "Your case goes before a judge tomorrow unless you pay now.",
    "We will be pressing criminal fraud charges against you.",
    "You'll lose your driver's license over this.",
    "We'll have you deported.",
    "Hello, this message is from the Office of Legal Affairs regarding a fraud complaint against you.",
    "This is Agent Miller with the Department of Financial Enforcement.",
    "A claim will be filed under your social security number if you do not respond.",
    "We will send someone to your home to collect the money tonight.",
    "Tell your wife we said hello. We know where you live.",
]

LAWFUL = [
    "If you do not pay, we may refer the account to our legal department.",
    "If the balance remains unpaid, the creditor may consider legal action.",
    "We are a debt collector attempting to collect a debt. Any information obtained will be used for that purpose.",
    "You have the right to dispute this debt within 30 days.",
    "We will not contact your employer about this debt.",
    "Nobody is going to arrest you over a credit card debt.",
    "You cannot be jailed for owing money.",
    "Please call us to set up a payment plan that works for you.",
    "This is a reminder that your payment of $120 is due on Friday.",
    "If a judgment is entered, the creditor may be able to garnish wages as permitted by law.",
    "We can pause collection while you get debt advice.",
    "Your account is past due. Please contact us at your earliest convenience.",
    "Hi, this is Sam from Acme Recovery. Please call me back at your convenience.",
    "Our records show your account is 30 days past due. Reply STOP to opt out.",
    "Beware of callers who claim you will be arrested for a debt; we never do that.",
    "If you are having trouble paying, we can discuss a hardship arrangement.",
    "Your payment was received. Thank you.",
    "This is your final reminder before your account is passed to a collection agency.",
    "We may report the unpaid balance to the credit bureaus.",
    "You may wish to seek advice from a lawyer.",
    "We'd like to talk about options to settle the account.",
    "If you have already paid, please disregard this notice.",
    "This communication is from a debt collector.",
    "We have received your dispute and will send verification.",
    "Please let us know the best time to call you at home.",
    # written after the first version of the rules
    "We may refer your account to an attorney, who may decide to file a lawsuit.",
    "If a court enters judgment, your wages could be garnished under state law.",
    "We will not call you at work if you tell us it is inconvenient.",
    "Please don't worry: we will never contact your employer.",
    "Debt collectors cannot have you arrested for unpaid debt.",
    "You are not facing criminal charges; this is a civil matter.",
    "Please call our office to discuss the balance.",
    "If you'd like, we can send the paperwork to your email instead of your home.",
    "Your payment plan has been set up and the first payment is due on the 5th.",
    "We are required to tell you that this is an attempt to collect a debt.",
    "If you are represented by an attorney, please have your attorney contact us.",
    "We tried to reach you at home and at the number you gave us.",
    "Our agent was assigned to your account and will call you Tuesday.",
    "Your file number is 77821; please quote it when you call.",
    "If you don't pay, the creditor may choose to take legal action, which could lead to a county court judgment.",
    "We will send a statement to your home address.",
    "You can contact the Financial Ombudsman Service if you are unhappy with our response.",
    "Thank you for speaking with us today; we'll send the agreement by email.",
    "Remember, we will never threaten you with arrest.",
    # the third list (written after all the rules; 1/15 falsely blocked, by the classifier, on main too)
    "If we can't reach an agreement, our client may consider its legal options.",
    "We will never send anyone to your home.",
    "Please note that we do not contact employers.",
    "A court would have to approve any wage garnishment.",
    "We can set up a payment plan over 6 months.",
    "If you believe you do not owe this debt, please dispute it in writing.",
    "You may contact the Consumer Financial Protection Bureau with any complaint.",
    "Thanks for your payment today; your balance is now $0.",
    "We're calling to see how we can help you with your account.",
    "Our office hours are 9 to 5, Monday through Friday.",
    "Your account has been placed on hold while we review your dispute.",
    "You will not be arrested or jailed for this debt.",
    "Please have your attorney contact us if you are represented.",
    "We have closed your account and will not contact you again.",
]


@pytest.mark.parametrize("text", BLOCK)
def test_blocks(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


# were a strict xfail (the classifier blocked them from 'your', 'will', 'your address'); the model's block is now a
# warning where a rule read the harm and found it denied, or the sentence sends papers to the borrower's own address
# (engine._reassures, test_linter_endorsement.py)
@pytest.mark.parametrize(
    "text",
    [
        "A letter with the details will be sent to your address.",
        "Nobody will be sent to your home.",
        "Your next statement will be mailed to your home address.",
    ],
)
def test_the_classifier_still_reads_no_negation_or_letters(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block"


@pytest.mark.parametrize(
    ("text", "category", "excerpt"),
    [
        ("Officers will take you into custody tonight.", "false_legal_claim", "take you into custody"),
        (
            "We will be contacting your employer today.",
            "workplace_threat",
            "We will be contacting your employer",
        ),
        ("Your wages will be garnished.", "false_legal_claim", "wages will be garnished"),
        ("We'll be coming by your house tonight.", "visit_threat", "We'll be coming by your house"),
        ("This is the fraud investigations unit.", "impersonation", "This is the fraud investigations unit"),
    ],
)
def test_findings_carry_rule_span_and_both_explanations(text: str, category: str, excerpt: str) -> None:
    r = lint(text, jurisdiction="US")
    f = next(f for f in r.findings if f.category == category and f.severity == "block")
    assert f.rule.startswith("US-")
    assert text[f.start : f.end] == f.excerpt
    assert excerpt in f.excerpt or f.excerpt in excerpt
    assert f.explanation and f.explanation_zh


def test_filed_proceedings_and_garnishment_are_lawful_when_a_lawsuit_was_filed() -> None:
    ctx = LintContext(lawsuit_filed=True)
    for text in (
        "A lawsuit has been filed against you in the county court.",
        "A wage garnishment will begin after the judgment.",
    ):
        assert lint(text, ctx, jurisdiction="US").verdict != "block", text
    # arrest stays unlawful whatever was filed
    assert lint("You will be taken into custody.", ctx, jurisdiction="US").verdict == "block"


def test_an_approved_visit_may_be_announced() -> None:
    ctx = LintContext(visit_approved=True)
    assert (
        lint("Our field agent will be coming by your house on Tuesday.", ctx, jurisdiction="US").verdict
        != "block"
    )
    assert (
        lint("Our field agent will be coming by your house on Tuesday.", jurisdiction="US").verdict == "block"
    )


@pytest.mark.parametrize(
    "text",
    [
        "We will not contact your employer.",
        "You will never be arrested over this debt.",
        "We do not garnish wages without a court order.",
    ],
)
def test_denials_pass(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block"


# Second round (the same session): the borrower's circle told or asked, the family's feelings invoked, watching, a
# life made difficult, invented fees, multiplied balances, futures closed, government-sounding debt bureaus. The first
# list was written before these rules (main at 3f97344: 15/26 blocked, 1/15 lawful blocked — the court hearing, which
# is lawful only with ``lawsuit_filed``, see below); the second after them, held back (main 6/12; the rules 9/12, 1/8
# lawful blocked by the classifier as on main; the three misses then fixed).
BLOCK_2 = [
    "We'll be calling your neighbors to ask why you won't pay.",
    "Your landlord will be informed that you don't pay your debts.",
    "How would your mother feel if she knew about this?",
    "We'll reach out to everyone on your contact list.",
    "Your church will hear about this.",
    "Ask your parents to cover it or we'll call them ourselves.",
    "Your sister already knows, and she's embarrassed for you.",
    "We're going to post your name on our list of deadbeats.",
    "Do you want your kids to watch you get arrested?",
    "You have a nice house. It would be a shame to lose it.",
    "This will follow you for the rest of your life.",
    "You'll regret ignoring us.",
    "We're watching your every move.",
    "You can run but you can't hide.",
    "Your life is about to get very difficult.",
    "Your account will be charged a $250 processing fee if you don't call today.",
    "Pay with a prepaid card and we'll drop the charges.",
    "Send the payment by wire transfer to avoid the warrant.",
    "This is your last chance to settle before the amount triples.",
    "Your credit score will drop to zero.",
    "You will never be able to rent an apartment again.",
    "This is Lieutenant Brooks calling from the county jail.",
    "I am a federal agent assigned to your case.",
    "This is the state's Bureau of Debt Enforcement.",
    "I'm calling from the court clerk's office about your hearing.",
    # written after the rules
    "We'll knock on every door on your street until someone pays.",
    "Your landlord is going to hear from us today.",
    "What will your kids think when they find out?",
    "We've been keeping an eye on your house.",
    "We'll make your life a living hell until this is paid.",
    "A $75 investigation fee will be added to your balance today.",
    "Your balance will double if you ignore this notice.",
    "You'll never get approved for a car loan again.",
    "This is the Department of Debt Recovery Enforcement calling.",
    "Officer Hayes here from the county detention center about your unpaid balance.",
    "Pay by gift card today and we will cancel the warrant.",
    "Your pastor will be told about your debt on Sunday.",
]
LAWFUL_2 = [
    "We will not discuss your account with your neighbors or family.",
    "Your account has been sent to a collection agency, which may contact you.",
    "Late payments may be reported to the credit bureaus and may lower your score.",
    "A $25 late fee applies as stated in your agreement.",
    "You can pay by card, bank transfer or check.",
    "We never ask for payment by gift card or wire transfer.",
    "This is a reminder from Acme Bank about your overdue balance of $300.",
    "If you're struggling, free debt advice is available from a nonprofit counselor.",
    "We'd be glad to set up a plan that fits your budget.",
    "This is the collections department of Acme Bank.",
    "Your account remains open and you can still make payments online.",
    "We will stop calling if you ask us to in writing.",
    "Please let us know if you'd prefer we contact you by email.",
    "If you don't pay, your account may be passed to a debt collection agency.",
    # written after the rules
    "We won't contact your landlord or your neighbors.",
    "How would you like to pay today: card or bank transfer?",
    "Interest continues to accrue at the rate in your agreement.",
    "You can get help from a free debt advice charity.",
    "We do not charge any fees for setting up a payment plan.",
    "If you are worried about your family, we can talk about a hardship plan.",
    "Our records show that your account balance is $420.",
]


@pytest.mark.parametrize("text", BLOCK_2)
def test_second_round_blocks(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


@pytest.mark.parametrize("text", LAWFUL_2)
def test_second_round_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


def test_a_true_court_hearing_needs_the_lawsuit_flag() -> None:
    text = "The court hearing on the creditor's claim is set for March 3; you have the right to attend."
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"
    assert lint(text, jurisdiction="US").verdict == "block"


# A known miss, kept visible: an idiom of menace no lexicon reads.
@pytest.mark.xfail(strict=True, reason="idiom not in any lexicon (docs: Limits)")
def test_an_idiom_of_menace_is_still_missed() -> None:
    assert lint("We never forget a debt, and neither will you.", jurisdiction="US").verdict == "block"


# was a strict xfail (the classifier blocked it as violence_threat from 'your', 'an', 'keep'); papers to the
# reader's own mailbox are a lawful formula the model's block may not rest on (engine._stands_without)
def test_keep_an_eye_on_your_mailbox_is_not_a_threat() -> None:
    assert lint("Keep an eye on your mailbox for your statement.", jurisdiction="US").verdict != "block"


# A threat with a condition on not getting in touch was covered by the warning frames (reported.py) as if "don't
# call" were an institution denying contact: at 247e2b3 and 3f97344 each of these only warned. Written before the fix.
NON_CONTACT_CONDITION = [
    "You will be arrested if you don't call today.",
    "If you don't call today your wages will be garnished.",
    "If you do not call back the sheriff will come to your house.",
    "Your wages will be garnished if you do not call by Friday.",
    "A lawsuit will be filed if you don't respond today.",
    "Unless you call back within 24 hours a warrant will be issued.",
    # written after the fix (main: 5/8 blocked)
    "Failure to return this call and you will be picked up by deputies.",
    "If you fail to call us back, officers will be sent to your workplace.",
    "Your license will be suspended unless you return this call.",
    "If you choose not to respond, a warrant will be issued for your arrest.",
    "You will be served at work tomorrow if you do not reach out today.",
    "If I do not hear back from you by 5pm your case goes to the county court.",
    "Unless you get in touch, your paycheck will be garnished next week.",
    "If you don't answer, the sheriff will be at your door.",
]
NON_CONTACT_LAWFUL = [
    "Scammers may claim you will be arrested if you do not call them back.",
    "Fake collectors say a warrant will be issued unless you call back today; that is a scam.",
    "If you don't call, we will simply send you a letter.",
    "If you do not respond, we may refer the account to our legal department.",
    "If you can't call during the day, reply to this email instead.",
    "The sheriff's office does not call citizens demanding payment to avoid arrest.",
]


@pytest.mark.parametrize("text", NON_CONTACT_CONDITION)
def test_a_condition_on_not_calling_back_is_the_senders_pressure(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


@pytest.mark.parametrize("text", NON_CONTACT_LAWFUL)
def test_scam_warnings_and_plain_call_backs_stay_unblocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


# Third round: name-calling and accusations of theft aimed at the reader. Written before the rules: 9/14 blocked, 1/8
# lawful blocked ("a thief using your identity" read as an insult); held back, written after: main 4/8, rules 6/8,
# 0/6 lawful blocked (the two misses then fixed).
BLOCK_3 = [
    "You're a thief and everyone will know it.",
    "You stole this money and you know it.",
    "People like you are the reason prices go up.",
    "You people never pay what you owe.",
    "Stop being such a coward and pick up the phone.",
    "You are a liar and a cheat.",
    "What kind of a man doesn't pay his bills?",
    "You're scum.",
    "Only a lowlife ignores their debts.",
    "You should be embarrassed to show your face.",
    "Act like an adult and pay.",
    "Your parents must be so proud of you, a deadbeat.",
    "Quit hiding like a rat.",
    "You're nothing but trash.",
    # written after the rules
    "You took the money and ran, you crook.",
    "Grow a spine and answer your phone, coward.",
    "You people think you can just walk away from debt.",
    "Nobody respects a man who hides from his bills like a rat.",
    "Stealing from us won't end well for you.",
    "I'd be too ashamed to show my face if I were you.",
    "You're a leech on society.",
    "A grown woman acting like a child about money.",
]
LAWFUL_3 = [
    "We understand that unexpected expenses happen to everyone.",
    "Thank you for being honest with us about your situation.",
    "Please don't be embarrassed to ask for a payment plan.",
    "People in your situation often find a plan helps.",
    "We know you want to do the right thing.",
    "If you believe this debt was taken out by a thief using your identity, please report it.",
    "You are not alone; many customers fall behind at some point.",
    "Our team is here to support you, not judge you.",
    # written after the rules
    "Thank you people at the branch were very helpful, the customer wrote.",
    "We appreciate you taking the time to speak with us.",
    "If someone stole your card, please tell us right away.",
    "Please don't hide from this; we can help.",
    "You can show this letter to a debt adviser.",
    "We're here for you whenever you're ready to talk.",
]


@pytest.mark.parametrize("text", BLOCK_3)
def test_third_round_blocks(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


@pytest.mark.parametrize("text", LAWFUL_3)
def test_third_round_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]


# Voicemail shapes around the threat (a denial of something else, a warning word, "not a scam"), written as a check
# after the three rounds: 9 of 12 blocked; "goes before the judge" and "involve your employer" were then added. Still
# missed (docs: Limits): "Nobody wants to see you arrested, so call us today." and "We don't want to involve your
# employer, but we will if you don't pay." (the negator before the harm denies it).
SHAPES = [
    "Do not ignore this message or a warrant will be issued for your arrest.",
    "This is not a scam. A warrant has been issued for your arrest.",
    "This is not a sales call. A complaint has been filed against you.",
    "No further notice will be given before deputies are sent to your home.",
    "Don't wait until the sheriff shows up at your job.",
    "Beware: ignoring this call will lead to your arrest.",
    "This is not a threat, but officers will be dispatched to your address today.",
    "It is not our intention to have you arrested, but the matter is now with the sheriff.",
    "Never mind the scammers, this is real: your wages will be garnished Friday.",
    "You are not being scammed. Your case goes before the judge tomorrow.",
    "We will have to involve your employer.",
]


@pytest.mark.parametrize("text", SHAPES)
def test_voicemail_shapes_around_the_threat_still_block(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


def test_a_hearing_before_the_judge_is_lawful_when_the_lawsuit_was_filed() -> None:
    text = "Your case will be heard before the judge on the 5th."
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"
    assert lint("We will not involve your employer.", jurisdiction="US").verdict != "block"
