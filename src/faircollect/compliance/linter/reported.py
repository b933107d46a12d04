"""Threats reported, not made: warnings to the public that quote what scammers and abusive collectors say.

A police notice ("凡是通过网站出示的通缉令、拘捕令，都是诈骗！"), a sheriff's scam alert ("The scammer says there is a
warrant out for your arrest") or a lender's own warning ("Beware of callers who say the sheriff is on the way")
holds the very words the rules look for. What makes them lawful is the frame around those words, in the same
sentence:

* **someone else says it** — the words follow a reporting verb whose subject is a scammer, a caller, an impostor or
  "someone who …" (``scammers may claim``, ``callers who say``, ``they threaten you with``; 骗子称, 不法分子以…为由,
  冒充…的人说);
* **a warning heads the sentence** — "beware", "scam alert", "be wary of" (谨防, 警惕, 提防, 小心…骗);
* **a verdict closes it** — "… is a scam", "… are scams" (…都是诈骗, …均为骗局, …这些都是骗子) after the words;
* **an institution denies making such contact** — "the sheriff's office does not call citizens demanding …",
  "no law enforcement agency will call to …" (the contact is what is denied, so the whole sentence is in its scope,
  up to a new clause with its own subject).

A frame only covers the sentence it is in, and the reporting subject is never "I", "we" or "our …": "Our agent says
the sheriff is on his way" stays a threat. A verdict must follow the words and be a verdict about them (都是/均为/
这些是 诈骗), so "你的行为属于诈骗，警方会拘留你" (a collector recasting the debt as a crime) stays a threat.
An insult is covered only where the insulting word is the verdict itself (…的，都是骗子): "你这种老赖都是骗子" still
insults the borrower.

**Only words that are provably someone else's** (2026-12-04: as first written the frames failed open — a collector
could wrap their own threat in one, "Beware, we will come to your workplace tomorrow", "不还钱就上门，都是诈骗", and
the linter only warned):

1. no frame covers a sentence in which the sender acts — "we", "us", "our", "I", "me", "my" (also disguised with a
   zero-width space or a homoglyph), 我/我们/我司/我方/我行/本公司/本平台/本行/咱们 (not 自我 "self" nor 我国) — or
   demands payment ("if you don't pay", "unless you pay", "pay now/today/immediately", "or else"; 不还, 再不, 否则,
   立即还, 马上还 …). The sender announcing the warning ("We remind customers: …", "我们提醒您：…"), the place to
   report after it ("… report it to us", "…请向我司投诉") and the sender's own denial of contact ("Our company does
   not call customers threatening jail", up to a clause break) do not count; a condition inside a named scammer's
   report, in its clause ("Scammers may claim you will be arrested if you do not pay"), is the scammer's;
2. a warning heading the sentence (beware, scam alert, 谨防, 警惕, 提防 …) covers only words introduced by a named
   scam or impostor in their clause ("Beware of callers who say …", 谨防有人冒充…称…); "Beware, someone will visit
   your family tonight" and "Beware of scammers: deputies will arrest you at work" block. A neutral reporter
   ("callers say", "they threaten", 对方称) needs a scammer named before it;
3. a verdict after the words (…都是诈骗, "… is a scam") covers only words introduced as someone else's or as a kind
   of message (凡是…, 如有人…, "If someone says …", "Anyone who says …") and not the sender's by rule 1.

The check runs only on the rule findings of a text that holds one of the frame words at all (one search each over
the compact and the word views), so lawful traffic and most abusive messages never pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from faircollect.compliance.linter.normalise import Normalised, normalise
from faircollect.compliance.linter.triggers import skip_ahead_form


class _Span(Protocol):
    @property
    def category(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


# categories a frame can cover: what a scam warning quotes (claims of law, of authority, of fees, threats of harm
# or exposure). Insults only where the insult is the verdict word itself (see above).
_COVERED = frozenset(
    {
        "false_legal_claim",
        "impersonation",
        "deceptive",
        "intimidation",
        "violence_threat",
        "visit_threat",
        "public_shaming",
        "workplace_threat",
        "family_threat",
        "contact_list_threat",
        "third_party_disclosure",
    }
)

# ------------------------------------------------------------------------------------------------ English (word view)
_EN_AGENT = (
    r"(?:scammers?|fraudsters?|con ?artists?|crooks?|criminals|thieves|impostors?|imposters?|spoofers?|"
    r"(?:fake|bogus|phony|phoney|fraudulent) (?:callers?|collectors?|agents?|officers?|deputies|debt collectors?)|"
    r"(?:the |a |any |these |such )?callers?|(?:some|any)one (?:who|claiming|pretending|posing|saying)|"
    r"(?:people|persons?|anybody|somebody) (?:who|claiming|pretending|posing))"
)
_EN_REPORT = (
    r"(?:may |might |will |often |can |could |usually |sometimes |then |also |even |typically |frequently )*"
    r"(?:says?|said|claims?|claimed|claiming|tells? you|told you|threatens?|threatened|threatening|insists?|"
    r"pretends?|pretending|warns? you|demands?|demanding|posing as|poses as)\b"
)
#: someone else's words: an agent that is not "our …"/"my …" (checked after the match) with a reporting verb,
#: a warning word, or an institution denying such contact, anywhere before the finding. One ``\b(?:…)`` so that
#: ``skip_ahead_form`` can let the engine skip to the first characters.
_EN_BEFORE_SRC = (
    r"\b(?:"
    rf"{_EN_AGENT} {_EN_REPORT}"
    r"|they (?:may |might |will |often |can |could |usually |sometimes |also |even )*(?:threaten|claim|pretend|pose|demand)"
    r"|(?:beware|be wary|be careful|watch out|scam alert|fraud alert|scam warning|warning signs?|red flags?|"
    r"common scams?|phone scams?|(?:the |this |a )?scam (?:works|involves|goes))\b"
    # an institution denies making such contact: the rest of the sentence is what it does not do
    r"|(?:does|do|will|would|shall|did) not (?:ever )?(?:call|text|e ?mail|contact|phone|ask|demand|threaten)\b"
    r"|(?:doesn t|don t|won t|never) (?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|demand|demands|"
    r"threaten|threatens)\b"
    r"|no (?:\w+ ){0,2}(?:agency|office|department|court|officer|official|government|organi[sz]ation) (?:will|would|"
    r"does|can) (?:ever )?(?:call|text|e ?mail|contact|ask|demand|threaten)\b"
    r")"
)
#: a verdict after the words: "… is a scam" (not after "not"/"no", checked after the match)
_EN_AFTER_SRC = (
    r"\b(?:is|are|it s|that s|this is|these are|they are|they re) (?:a |an |always a |all )?"
    r"(?:scams?|frauds?|hoax(?:es)?|scammers?|fraudsters?|impostors?|imposters?|fakes?)\b"
)
_EN_BEFORE = skip_ahead_form(re.compile(_EN_BEFORE_SRC)) or re.compile(_EN_BEFORE_SRC)
_EN_AFTER = skip_ahead_form(re.compile(_EN_AFTER_SRC)) or re.compile(_EN_AFTER_SRC)
_FIRST_PERSON_BEFORE = ("our ", "my ")
_NEGATED_BEFORE = ("not ", "no ")
#: a new clause with its own subject ends a denial's scope ("we won't call again, the sheriff will come")
_EN_NEW_SUBJECT = re.compile(
    r", ?(?:and |but |so |then |next |instead )?(?:we|i|our|the|a|they|he|she|you|someone|police|sheriff|officers?)\b"
)
_EN_DENIAL = re.compile(r"\b(?:not|doesn t|don t|won t|never|no)\b")
#: the words are the subject of a denial of contact ("the sheriff's office does not call citizens demanding …")
_EN_SUBJECT_DENIES = re.compile(
    r"^\W*(?:\w+ ){0,2}?(?:(?:does|do|will|would|did) not (?:ever )?|doesn t |don t |won t |never |will never )"
    r"(?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|demand|demands|threaten|threatens)\b"
)

# ------------------------------------------------------------------------------------------------ Chinese (compact)
_CN_BEFORE = re.compile(
    r"(?:骗子|诈骗分子|不法分子|犯罪分子|嫌疑人|骗局|冒充者|冒充|假冒|对方)(?:会|常|常常|往往|通常|一般|就|便|还|则|也|多|都)?"
    r"(?:称|说|声称|谎称|自称|以|威胁|恐吓|要求|告知|冒充|假扮|伪造|编造|通过|利用)"
    r"|(?:冒充|假冒|自称|谎称)(?<![是不]..)(?!的)|(?:如|若|如果|一旦|凡)(?:有人|遇到|遇|接到|收到|是)"
    r"|谨防|警惕|提防|小心(?:被)?骗|防骗|反诈|警方提[示醒]|郑重提醒|温馨提示.{0,6}(?:诈骗|骗)"
)
_CN_AFTER = re.compile(
    r"(?:都|均|全|皆|一律|一定|肯定|统统)(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|虚假|冒充|电信诈骗|违规|违法|非法|暴力催收)"
    r"|(?:这|这些|此类|这类|以上|上述)(?:都|均)?(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|冒充|违规|违法|非法|暴力催收)"
)
_CN_VERDICT_WORDS = ("骗子", "诈骗", "骗局")

_EN_SUBJECT_SRC = _EN_SUBJECT_DENIES.pattern.replace("^\\W*(?:\\w+ ){0,2}?", "\\b", 1)
_EN_SUBJECT_ANYWHERE = skip_ahead_form(re.compile(_EN_SUBJECT_SRC)) or re.compile(_EN_SUBJECT_SRC)
#: one search says whether a frame is possible at all
_CN_ANY = re.compile(
    r"骗|冒充|假冒|自称|谎称|不法分子|犯罪分子|嫌疑人|对方|谨防|警惕|提防|反诈|警方提|郑重提醒|有人|遇|接到|收到|凡是|违规|违法|非法"
)
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?。！？；;\n]+")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of the original text that holds ``[start, end)``."""
    a = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        a = m.end()
    stop = _SENTENCE_END.search(text, end)
    return a, (stop.end() if stop else len(text))


#: a short sentence after that is the sender's denial, not an endorsement ("Scammers may threaten … We never do.")
_EN_WE_NEVER = re.compile(
    r"^\W*(?:we|i|our company|our bank) (?:never|don t|do not|doesn t|does not|won t|will not|would never|will never|"
    r"never will|never would)(?: (?:do|does|will|would|call|ask|threaten|text|contact))?(?: that| so| this)?\W*$"
)
_CN_WE_NEVER = re.compile(
    r"^(?:我们|我司|本公司|本平台|本行|我行)(?:绝不|从不|不会|从来不|决不)会?(?:这样做|这么做|如此|这样)?$"
)


def _short_sentence_after(text: str, end: int) -> str:
    """The sentence after ``end`` when it is short enough to be an ending of this one ("… on the way; we will.",
    "…都是诈骗。咱们明天见。", "… Pay now."): read for the sender, never for a frame."""
    stop = _SENTENCE_END.search(text, end)
    nxt = text[end : stop.end() if stop else len(text)]
    words = nxt.split()
    if not words:
        return ""
    if nxt.isascii():
        return nxt if len(words) <= 5 and not _EN_WE_NEVER.match(_plain(nxt)) else ""
    compact = normalise(nxt).compact.text
    return nxt if len(compact) <= 10 and not _CN_WE_NEVER.match(compact) else ""


def _plain(text: str) -> str:
    """Lower case, width folded, apostrophes read as a space ("won't" → "won t"), punctuation kept: the
    English frames read commas, which the word view drops."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower().replace("’", " ").replace("'", " "))


# ------------------------------------------------------------------------------ whose words (2026-12-04, the fail-open)
# A frame covers only words that are provably someone else's. The sender acting in the sentence ("we", "our
# agents", 我们, 我司, 本平台 …) or a demand of payment in it ("if you don't pay", "pay now", 不还钱就, 否则) makes the
# words the sender's own, whatever frame is around them: "Beware, we will come to your workplace tomorrow" was
# demoted to a warning by the "beware" frame, "不还钱就上门，都是诈骗" by the verdict after it.

_EN_FIRST_PERSON = re.compile(r"\b(?:we|us|our|ours|ourselves|i|me|my|mine|myself)\b")
#: the country, not the sender ("the US Marshals"): only where the sentence is not written all in capitals
_EN_COUNTRY_US = re.compile(r"\bUS\b")
#: where "we"/"our" is the sender announcing a warning, not acting in it: a header ("We remind customers: …")
_EN_FP_HEADER = re.compile(
    r"^\W*(?:we |our (?:\w+ ){0,2}?)(?:would like to |want to )?(?:remind|warn|urge|advise|alert|caution)s?\b"
    r"[^:]{0,30}:"
)
#: … and after the words, the place to report them ("If anyone threatens you with arrest, report it to us.", "… Call
#: us.")
_EN_FP_REPORT_TO_US = re.compile(
    r"\b(?:(?:report|forward) (?:\w+ ){0,3}?to us|(?:call|contact|email|e mail|text|phone|ring) us)\b"
)
#: … and the subject of a denial of contact whose scope runs on to the words ("Our company does not call customers
#: threatening jail"); the scope ends at a clause break, so "We don't text, your boss will hear of it" is the sender's
_EN_FP_DENIES = re.compile(
    r"\b(?:we|i|our (?:\w+ ){0,2}?|my (?:\w+ ){0,2}?)(?:will never|would never|never|do not|does not|don t|doesn t|"
    r"will not|won t|would not|shall not) (?:ever )?(?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|"
    r"demand|demands|threaten|threatens)\b"
)
_EN_CLAUSE_BREAK = re.compile(
    r"[,:;\u2013\u2014]| - |\b(?:but|so|then|instead|and (?:we|i|you|your|they|he|she|the))\b"
)
#: a condition on non-payment or a demand of payment
_EN_CONDITION = re.compile(
    r"\b(?:if (?:you|u|ya) (?:do not|don t|dont|didn t|didnt|did not|fail to|won t|wont|will not|can t|cant|cannot|"
    r"refuse to|still don t|still dont|still do not) "
    r"(?:pay|settle|repay|make (?:a |the |your )?payment)"
    r"|if (?:the |your |this )?(?:payment|balance|debt|amount) (?:is not|isn t|remains) (?:paid|received|unpaid|outstanding)"
    r"|unless (?:you |u |we receive |payment |the |your )?(?:pay|settle|repay|payment|is paid|paid)"
    r"|until (?:you|u) pay|or else|pay (?:up|now|today|tonight|immediately|right away|at once|asap|in full today)"
    r"|(?:make|send) (?:a |the |your )?payment (?:now|today|tonight|immediately|right away))\b"
)
#: a named scammer or impostor (rule 2: a warning heading the sentence covers only where one is named)
_EN_NAMES = re.compile(
    r"\b(?:scams?|scammers?|fraud|frauds|fraudsters?|fraudulent|impostors?|imposters?|fakes?|bogus|phony|phoney|"
    r"con ?artists?|spoof(?:er|ers|ed|ing)?|hoax(?:es)?|crooks?|criminals|thieves|"
    r"callers? (?:who|claiming|pretending|posing)|(?:any|some|no)one (?:who|claiming|pretending|posing)|"
    r"(?:people|persons?|anybody|somebody) (?:who|claiming|pretending|posing)|pretending to be|posing as|"
    r"claiming to be)\b"
)
#: the agent of a report is itself a scammer or impostor ("scammers may claim …"), not "callers", "they", "someone"
_EN_STRONG_AGENT = re.compile(
    r"\b(?:scammers?|fraudsters?|con ?artists?|crooks?|criminals|thieves|impostors?|imposters?|spoofers?|fake|bogus|"
    r"phony|phoney|fraudulent|who|claiming|pretending|posing)\b"
)
_EN_HEADING = re.compile(
    r"(?:beware|be wary|be careful|watch out|scam alert|fraud alert|scam warning|warning signs?|red flags?|"
    r"common scams?|phone scams?|(?:the |this |a )?scam (?:works|involves|goes))$"
)


#: the words a verdict is about are someone else's or a kind of message
_EN_GENERIC = re.compile(
    r"\b(?:if (?:someone|somebody|anyone|anybody|a caller|the caller|they|you (?:receive|get))|"
    r"any (?:call|caller|message|text|letter|e ?mail|person|agency|officer)s?|whoever|"
    r"(?:anyone|someone|anybody|somebody|callers?|people|those) (?:who|claiming|pretending|posing|saying|that)|"
    r"(?:such|these|those|similar) (?:\w+ )?(?:calls|messages|texts|letters|e ?mails|threats|claims)|(?:calls|messages|texts|letters|e ?mails) (?:that|which|saying|claiming|demanding|threatening)|"
    r"(?:a|any) (?:call|message|text|letter|e ?mail) (?:that|which|saying|claiming|demanding|threatening))\b"
)


def _en_about_others(b: str, f: str) -> bool:
    """The words a verdict is about are introduced as someone else's or a kind of message, in their clause ("If
    someone says …", "Anyone who says …"; not "Deputies will arrest you at work, and anyone who says otherwise …")."""
    if _EN_GENERIC.search(f) or _EN_NAMES.search(f):
        return True
    return any(
        not _EN_CLAUSE_BREAK.search(b, g.end()) for r in (_EN_GENERIC, _EN_NAMES) for g in r.finditer(b)
    )


def _en_named_before(b: str, frm: int) -> bool:
    """A scam or impostor is named after ``frm`` and before the words, in their clause."""
    return any(not _EN_CLAUSE_BREAK.search(b, n.end()) for n in _EN_NAMES.finditer(b, frm))


def _en_blank(text: str, m: re.Match[str]) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


def _en_senders(before: str, finding: str, after: str, strong_end: int | None, denial: bool = False) -> bool:
    """The sender acts or demands payment in these words (plain form; ``before`` ends where the finding starts).
    ``strong_end``: where, in ``before``, a named scammer's report ends — a condition after it in the same clause is
    the scammer's ("Scammers may claim you will be arrested if you do not pay"). ``denial``: the frame is a denial of
    contact, whose subject may be the sender ("Our company does not call customers threatening jail")."""
    head = _EN_FP_HEADER.match(before)
    if head:
        before = _en_blank(before, head)
    if denial:
        for m in _EN_FP_DENIES.finditer(before):
            if not _EN_CLAUSE_BREAK.search(before, m.end()):
                before = _en_blank(before, m)
    for m in _EN_FP_REPORT_TO_US.finditer(after):
        after = _en_blank(after, m)
    whole = f"{before} {finding} {after}"
    # the word view as well: a "w\u200be", "wе" (Cyrillic е) or "p4y n0w" is the sender's word too
    words = normalise(whole).words.text
    if _EN_FIRST_PERSON.search(whole) or _EN_FIRST_PERSON.search(words):
        return True
    plain = list(_EN_CONDITION.finditer(whole))
    if len(_EN_CONDITION.findall(words)) > len(plain):
        return True
    for m in plain:
        if (
            strong_end is None
            or m.start() < strong_end
            or _EN_CLAUSE_BREAK.search(whole, strong_end, m.start())
        ):
            return True
    return False


def _en_plain(text: str) -> str:
    if any(c.islower() for c in text):
        text = _EN_COUNTRY_US.sub("U.S.", text)
    return _plain(text)


def _en_framed(before_raw: str, finding_raw: str, after_raw: str, tail_raw: str = "") -> bool:
    """``tail_raw``: a short sentence after this one ("… on the way; we will."), read for the sender only."""
    b, f, a = _en_plain(before_raw), _en_plain(finding_raw), _en_plain(after_raw)
    at = f"{a} {_en_plain(tail_raw)}" if tail_raw else a
    for m in _EN_BEFORE.finditer(b):
        if b[: m.start()].endswith(_FIRST_PERSON_BEFORE):  # "our agent says …" is the collector's own word
            continue
        g = m.group(0)
        strong_end, denial = None, False
        if _EN_HEADING.search(g):
            # rule 2: a warning heading the sentence covers only words introduced by a named scam or impostor, in
            # their clause ("Beware of callers who say …"; not "Beware of scammers: deputies will arrest you")
            if not (_EN_NAMES.search(f) or _en_named_before(b, m.end())):
                continue
        elif _EN_DENIAL.search(g):
            # a denial of contact covers the rest of the sentence up to a new clause
            if _EN_NEW_SUBJECT.search(b, m.end()) or _EN_CLAUSE_BREAK.search(b, m.end()):
                continue
            denial = True
        elif _EN_STRONG_AGENT.search(g):
            strong_end = m.end()
        elif not _EN_NAMES.search(b, 0, m.start()):
            continue  # "callers say …", "they threaten …": nobody named as a scammer before them
        if not _en_senders(b, f, at, strong_end, denial):
            return True
    a = a.strip()
    for m in _EN_AFTER.finditer(a):
        if a[: m.start()].endswith(_NEGATED_BEFORE):
            continue
        # rule 3: the verdict covers only if the words before it are about someone else or a kind of message ("If
        # someone says …, it is a scam"; not "Deputies will arrest you tonight, it's a scam") and the sentence is
        # not the sender's (rule 1, over the whole sentence: "…都是诈骗，咱们明天见" is the sender's)
        if _en_about_others(b, f) and not _en_senders(b, f, at, None):
            return True
    denies = _EN_SUBJECT_DENIES.search(a)
    if denies is None or _EN_NEW_SUBJECT.search(a, denies.end()) or _EN_CLAUSE_BREAK.search(a, denies.end()):
        return False
    return not _en_senders(b, f, at, None)


# Chinese: 我 is the sender except in 自我 (self: 自我保护) and 我国 (the country); 自我们/来自我司/自我方 are still
# the sender (the longer words are matched first). Traditional text is folded to simplified by the compact view.
_CN_FIRST_PERSON = re.compile(r"我们|我司|我方|我行|本公司|本平台|本行|咱们|咱|我")
_CN_CONDITION = re.compile(
    r"不还|再不|否则|不然|立即还|立刻还|马上还|赶紧还|尽快还钱|今天之内还|不交钱|不付钱|不给钱|不还款|拒不|限你"
)
#: the sender announcing a warning: a header before a colon ("我们提醒您：", "本平台郑重提醒广大用户：")
_CN_FP_HEADER = re.compile(
    r"^\s*[^：:，,。！？!?]{0,10}?(?:提醒|提示|警示|敬告|告诫)[^：:，,。！？!?]{0,8}[：:]"
)
#: … and after the words, the place to complain ("…请向我司投诉", "…请联系我司")
_CN_FP_COMPLAIN = re.compile(
    r"向(?:我们|我司|我方|我行|本公司|本平台|本行)(?:投诉|举报)|请(?:联系|致电|拨打)(?:我们|我司|本公司|本平台|本行|我行)"
)
_CN_NAMES = re.compile(r"骗|冒充|假冒|不法分子|犯罪分子|自称|谎称|假扮|冒用|伪装")
_CN_HEADING = re.compile(r"谨防|警惕|提防|小心(?:被)?骗|防骗|反诈|警方提[示醒]|郑重提醒|温馨提示")
_CN_STRONG_AGENT = re.compile(r"^(?:骗子|诈骗分子|不法分子|犯罪分子|骗局|冒充者)")
_CN_NEUTRAL_AGENT = re.compile(r"^(?:对方|嫌疑人)")
_CN_GENERIC = re.compile(
    r"凡|任何|(?:如|若|如果|一旦|假如)有人|有人(?:称|说|自称|冒充|假冒|以|声称|谎称|要求|打电话|致电|发短信)|接到|收到|此类|这类|类似"
)
_CN_CLAUSE_BREAK = re.compile(r"[，,；;：:、]")


def _cn_first_person(compact: str) -> bool:
    for m in _CN_FIRST_PERSON.finditer(compact):
        self_or_country = compact[m.start() - 1 : m.start()] == "自" or compact[m.end() : m.end() + 1] == "国"
        if not (m.group(0) == "我" and self_or_country):
            return True
    return False


def _cn_senders(before: str, finding: str, after: str, strong_end: int | None) -> bool:
    """The sender acts or demands payment in these words (original text; ``strong_end`` as in ``_en_senders``)."""
    head = _CN_FP_HEADER.match(before)
    if head:
        before = before[head.end() :]
        if strong_end is not None:
            strong_end -= head.end()
    whole = before + finding + after
    n = normalise(whole)
    compact = n.compact.text
    if _CN_FP_COMPLAIN.search(compact):  # only after the words: "…，请向我司投诉"
        compact = normalise(before + finding).compact.text + _CN_FP_COMPLAIN.sub(
            "", normalise(after).compact.text
        )
    if _cn_first_person(compact):
        return True
    if not _CN_CONDITION.search(compact):
        return False
    for m in _CN_CONDITION.finditer(n.compact.text):
        if strong_end is None:
            return True
        start, _ = n.compact.span(m.start(), m.end())
        if start < strong_end or _CN_CLAUSE_BREAK.search(whole, strong_end, start):
            return True
    return False


def _cn_framed(before: str, finding: str, after: str, tail: str = "") -> bool:
    """``tail``: a short sentence after this one (…。咱们明天见。), read for the sender only."""
    nb = normalise(before)
    cb = nb.compact.text
    for m in _CN_BEFORE.finditer(cb):
        g = m.group(0)
        strong_end = None
        if _CN_HEADING.match(g):
            # rule 2: a warning heading the sentence covers only words introduced by a named scam or impostor, in
            # their clause (谨防有人冒充法院工作人员称…; not 谨防骗子：明天上门)
            if not (
                _CN_NAMES.search(normalise(finding).compact.text) or _cn_named_before(nb, before, m.end())
            ):
                continue
        elif _CN_NEUTRAL_AGENT.match(g):
            if not _CN_NAMES.search(cb, 0, m.start()):
                continue
        elif _CN_STRONG_AGENT.match(g):
            strong_end = nb.compact.span(m.start(), m.end())[1]
        if not _cn_senders(before, finding, after + tail, strong_end):
            return True
    na = normalise(after)
    for _m in _CN_AFTER.finditer(na.compact.text):
        # rule 3: the verdict covers only if the words before it are about someone else or a kind of message
        # (凡是…都是诈骗; not 明天上门找你家人，都是诈骗) and the sentence is not the sender's (rule 1)
        if _cn_about_others(nb, before, finding) and not _cn_senders(before, finding, after + tail, None):
            return True
    return False


_CN_SENTENCE_CLAUSE = re.compile(r"[，,；;：:]")


def _cn_about_others(nb: Normalised, before: str, finding: str) -> bool:
    """As ``_en_about_others`` (凡是…的，都是诈骗; not 明天上门找你家人，都是诈骗)."""
    fc = normalise(finding).compact.text
    if _CN_GENERIC.search(fc) or _CN_NAMES.search(fc):
        return True
    for r in (_CN_GENERIC, _CN_NAMES):
        for g in r.finditer(nb.compact.text):
            _, end = nb.compact.span(g.start(), g.end())
            if not _CN_SENTENCE_CLAUSE.search(before, end):
                return True
    return False


def _cn_named_before(nb: Normalised, before: str, frm: int) -> bool:
    """A scam or impostor is named after compact index ``frm`` and before the words, in their clause."""
    for n in _CN_NAMES.finditer(nb.compact.text, frm):
        _, end = nb.compact.span(n.start(), n.end())
        if not _CN_CLAUSE_BREAK.search(before, end):
            return True
    return False


# The words every English frame needs (read off the expressions above): a warning or verdict word; or an agent
# with a reporting verb; or a negator with a contact verb. A set intersection over the text's words says cheaply
# whether the expressions can match at all (a test checks it never says no where one does).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_STRONG = _words(
    "scam scams scammer scammers fraud frauds fraudster fraudsters fraudulent hoax hoaxes fake fakes bogus phony phoney "
    "impostor impostors imposter imposters spoofer spoofers crook crooks criminals thieves beware wary careful watch "
    "warning red"
)
_EN_AGENTS = _words(
    "con conartist conartists caller callers someone anyone people person persons anybody somebody they"
)
_EN_REPORTS = _words(
    "say says said claim claims claimed claiming tell tells told threaten threatens threatened threatening insist "
    "insists pretend pretends pretending warn warns demand demands demanding posing poses pose"
)
_EN_NEGATORS = _words("not t never no")
_EN_CONTACTS = _words(
    "call calls text texts email mail contact contacts phone ask asks demand demands threaten threatens"
)


def _en_words_may_frame(words: str) -> bool:
    toks = set(words.split())
    if not toks.isdisjoint(_EN_STRONG):
        return True
    if not toks.isdisjoint(_EN_AGENTS) and not toks.isdisjoint(_EN_REPORTS):
        return True
    return not toks.isdisjoint(_EN_NEGATORS) and not toks.isdisjoint(_EN_CONTACTS)


def reported_only(norm: Normalised, raws: Sequence[_Span]) -> set[int]:
    """Indices of the findings in ``raws`` that a warning frame in their sentence covers (see the module notes)."""
    text = norm.original
    # which language's frames can matter: a finding whose words are Chinese is framed in Chinese, one whose words
    # are Latin in English (a warning's frame and the words it quotes share the sentence, and so its language)
    want_cn = want_en = False
    for r in raws:
        if r.category in _COVERED or r.category == "insult":
            if text[r.start : r.end].isascii():
                want_en = True
            else:
                want_cn = True
    # a frame must be somewhere in the text for one to cover a finding: one search of each view says whether
    # (the word view has no commas, which only ever narrow a frame, so this never misses one)
    compact, words = norm.compact.text, norm.words.text
    cn = (
        want_cn
        and norm.has_cjk
        and bool(_CN_ANY.search(compact))
        and bool(_CN_BEFORE.search(compact) or _CN_AFTER.search(compact))
    )
    en = (
        want_en
        and norm.has_latin
        and _en_words_may_frame(words)
        and bool(_EN_BEFORE.search(words) or _EN_AFTER.search(words) or _EN_SUBJECT_ANYWHERE.search(words))
    )
    if not (cn or en):
        return set()
    out: set[int] = set()
    for i, r in enumerate(raws):
        if r.category == "insult":
            # the insult is the verdict word itself ("…的，都是骗子"), not a word said to the borrower
            word = normalise(text[r.start : r.end]).compact.text
            if not (cn and any(v in word for v in _CN_VERDICT_WORDS)):
                continue
            s, e = _sentence(text, r.start, r.end)
            if _CN_AFTER.search(normalise(text[max(s, r.start - 4) : e]).compact.text):
                out.add(i)
            continue
        if r.category not in _COVERED:
            continue
        s, e = _sentence(text, r.start, r.end)
        before, finding, after = text[s : r.start], text[r.start : r.end], text[r.end : e]
        tail = _short_sentence_after(text, e)
        if (en and _en_framed(before, finding, after, tail)) or (
            cn and _cn_framed(before, finding, after, tail)
        ):
            out.add(i)
    return out
