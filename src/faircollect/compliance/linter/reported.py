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


def _plain(text: str) -> str:
    """Lower case, width folded, apostrophes read as a space ("won't" → "won t"), punctuation kept: the
    English frames read commas, which the word view drops."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower().replace("’", " ").replace("'", " "))


def _en_framed(before: str, after: str) -> bool:
    b = _plain(before)
    for m in _EN_BEFORE.finditer(b):
        if b[: m.start()].endswith(_FIRST_PERSON_BEFORE):  # "our agent says …" is the collector's own word
            continue
        if not _EN_DENIAL.search(m.group(0)):
            return True
        # a denial of contact: covers the rest of the sentence unless a new clause with its own subject begins
        if not _EN_NEW_SUBJECT.search(b, m.end()):
            return True
    a = _plain(after).strip()
    if any(not a[: m.start()].endswith(_NEGATED_BEFORE) for m in _EN_AFTER.finditer(a)):
        return True
    denial = _EN_SUBJECT_DENIES.search(a)
    return denial is not None and not _EN_NEW_SUBJECT.search(a, denial.end())


def _cn_framed(before: str, after: str) -> bool:
    return bool(
        _CN_BEFORE.search(normalise(before).compact.text) or _CN_AFTER.search(normalise(after).compact.text)
    )


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
        before, after = text[s : r.start], text[r.end : e]
        if (en and _en_framed(before, after)) or (cn and _cn_framed(before, after)):
            out.add(i)
    return out
