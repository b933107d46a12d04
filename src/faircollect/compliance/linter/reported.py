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

The check runs only on the rule findings of a text that holds one of the frame words at all (one search each over
the compact and the word views), so lawful traffic and most abusive messages never pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from faircollect.compliance.linter.normalise import Normalised, normalise


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
#: someone else's words: a non-first-person agent with a reporting verb, anywhere before the finding
_EN_BEFORE = re.compile(
    rf"(?<!\bour )(?<!\bmy )\b{_EN_AGENT} {_EN_REPORT}"
    r"|\bthey (?:may |might |will |often |can |could |usually |sometimes |also |even )*(?:threaten|claim|pretend|pose|demand)"
    r"|\b(?:beware|be wary|be careful|watch out|scam alert|fraud alert|scam warning|warning signs?|red flags?|"
    r"common scams?|phone scams?|(?:the |this |a )?scam (?:works|involves|goes))\b"
    # an institution denies making such contact: the rest of the sentence is what it does not do
    r"|\b(?:does|do|will|would|shall|did) not (?:ever )?(?:call|text|e ?mail|contact|phone|ask|demand|threaten)\b"
    r"|\b(?:doesn t|don t|won t|never) (?:call|calls|text|texts|e ?mail|contact|contacts|phone|ask|asks|demand|demands|"
    r"threaten|threatens)\b"
    r"|\bno (?:\w+ ){0,2}(?:agency|office|department|court|officer|official|government|organi[sz]ation) (?:will|would|"
    r"does|can) (?:ever )?(?:call|text|e ?mail|contact|ask|demand|threaten)\b"
)
#: a verdict after the words: "… is a scam"
_EN_AFTER = re.compile(
    r"(?<!\bnot )(?<!\bno )\b(?:is|are|it s|that s|this is|these are|they are|they re) (?:a |an |always a |all )?"
    r"(?:scams?|frauds?|hoax(?:es)?|scammers?|fraudsters?|impostors?|imposters?|fakes?)\b"
)
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
    r"|(?<![是不])(?:冒充|假冒|自称|谎称)(?!的)|(?:如|若|如果|一旦|凡)(?:有人|遇到|遇|接到|收到|是)"
    r"|谨防|警惕|提防|小心(?:被)?骗|防骗|反诈|警方提[示醒]|郑重提醒|温馨提示.{0,6}(?:诈骗|骗)"
)
_CN_AFTER = re.compile(
    r"(?:都|均|全|皆|一律|一定|肯定|统统)(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|虚假|冒充|电信诈骗|违规|违法|非法|暴力催收)"
    r"|(?:这|这些|此类|这类|以上|上述)(?:都|均)?(?:是|为|属于?|系)(?:诈骗|骗子|骗局|假的|冒充|违规|违法|非法|暴力催收)"
)
_CN_VERDICT_WORDS = ("骗子", "诈骗", "骗局")

#: one search says whether a frame is possible at all
_EN_ANY = re.compile(
    r"\b(?:scam\w*|fraud\w*|con ?artists?|crooks?|criminals|thieves|impost[eo]rs?|spoof\w*|callers?|someone|anyone|"
    r"people|persons?|anybody|somebody|they|he|she|beware|wary|careful|watch out|red flags?|warning|not|doesn t|"
    r"don t|won t|never|no|hoax\w*|fakes?|fake|bogus|phony|phoney)\b"
)
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


def _plain(text: str) -> str:
    """Lower case, width folded, apostrophes read as a space ("won't" → "won t"), punctuation kept: the
    English frames read commas, which the word view drops."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower().replace("’", " ").replace("'", " "))


def _en_framed(before: str, after: str) -> bool:
    b = _plain(before)
    for m in _EN_BEFORE.finditer(b):
        if not _EN_DENIAL.search(m.group(0)):
            return True
        # a denial of contact: covers the rest of the sentence unless a new clause with its own subject begins
        if not _EN_NEW_SUBJECT.search(b, m.end()):
            return True
    a = _plain(after).strip()
    if _EN_AFTER.search(a):
        return True
    denial = _EN_SUBJECT_DENIES.search(a)
    return denial is not None and not _EN_NEW_SUBJECT.search(a, denial.end())


def _cn_framed(before: str, after: str) -> bool:
    return bool(
        _CN_BEFORE.search(normalise(before).compact.text) or _CN_AFTER.search(normalise(after).compact.text)
    )


def reported_only(norm: Normalised, raws: Sequence[_Span]) -> set[int]:
    """Indices of the findings in ``raws`` that a warning frame in their sentence covers (see the module notes)."""
    cn = norm.has_cjk and bool(_CN_ANY.search(norm.compact.text))
    en = norm.has_latin and bool(_EN_ANY.search(norm.words.text))
    if not (cn or en):
        return set()
    text = norm.original
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
        before, after = text[s : r.start], text[r.end : e]
        if (en and _en_framed(before, after)) or (cn and _cn_framed(before, after)):
            out.add(i)
    return out
